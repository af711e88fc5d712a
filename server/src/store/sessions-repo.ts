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

export async function deleteSession(q: Queryable, tokenHash: string) {
  await q.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
}
