import type { Queryable } from './db.js';

export async function insertSession(q: Queryable, tokenHash: string, agentId: string, expiresAt: Date) {
  await q.query('INSERT INTO sessions (token_hash, agent_id, expires_at) VALUES ($1, $2, $3)', [
    tokenHash,
    agentId,
    expiresAt,
  ]);
}

export async function findSessionAgent(q: Queryable, tokenHash: string): Promise<{ id: string; name: string; email: string } | null> {
  const rows = await q.query<{ id: string; name: string; email: string }>(
    `SELECT a.id, a.name, a.email FROM sessions s JOIN agents a ON a.id = s.agent_id
     WHERE s.token_hash = $1 AND s.expires_at > now()`,
    [tokenHash],
  );
  return rows[0] ?? null;
}

/** True when there was such a session. */
/** Deletes the session; returns its agent (null: there was none). */
export async function deleteSession(q: Queryable, tokenHash: string): Promise<string | null> {
  return (await q.query<{ agent_id: string }>('DELETE FROM sessions WHERE token_hash = $1 RETURNING agent_id', [tokenHash]))[0]?.agent_id ?? null;
}

// Presence: an open event stream keeps its session present until now() + aliveS (database
// clock, so every instance agrees). A session that is gone or expired is not touched.

/** On connect: marks the session present; says whether the agent was offline before (for a presence event). */
export async function markSessionPresent(
  q: Queryable,
  tokenHash: string,
  aliveS: number,
): Promise<{ agentId: string; wasOffline: boolean } | null> {
  const rows = await q.query<{ agentId: string; wasOffline: boolean }>(
    `WITH me AS (SELECT agent_id FROM sessions WHERE token_hash = $1),
          before AS (SELECT NOT EXISTS (SELECT 1 FROM sessions s, me WHERE s.agent_id = me.agent_id AND s.present_until > now()) AS offline)
     UPDATE sessions SET present_until = now() + make_interval(secs => $2)
     WHERE token_hash = $1 AND expires_at > now()
     RETURNING agent_id AS "agentId", (SELECT offline FROM before) AS "wasOffline"`,
    [tokenHash, aliveS],
  );
  return rows[0] ?? null;
}

/** Heartbeat for all of one instance's open streams in one statement; returns the sessions still valid. */
export async function keepSessionsPresent(q: Queryable, tokenHashes: string[], aliveS: number): Promise<Set<string>> {
  if (tokenHashes.length === 0) return new Set();
  const rows = await q.query<{ token_hash: string }>(
    `UPDATE sessions SET present_until = now() + make_interval(secs => $2)
     WHERE token_hash = ANY($1) AND expires_at > now() RETURNING token_hash`,
    [tokenHashes, aliveS],
  );
  return new Set(rows.map((r) => r.token_hash));
}
