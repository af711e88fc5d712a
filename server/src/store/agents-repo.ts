import type { AgentStatus, PresenceStatus, TransferState } from '@warmline/contract';
import { ON_CALL_STATES } from './calls-repo.js';
import { sqlList, type Queryable } from './db.js';

/** A transfer in which both agents are talking: both are busy. */
const CONSULTING_STATES = ['consulting', 'introducing'] as const satisfies readonly TransferState[];

export interface AgentRecord {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  status: AgentStatus;
}

export interface AgentPresence {
  id: string;
  name: string;
  email: string;
  status: PresenceStatus;
}

const COLS = 'id, email, name, password_hash AS "passwordHash", status';

export async function findAgentByEmail(q: Queryable, email: string): Promise<AgentRecord | null> {
  const rows = await q.query<AgentRecord>(`SELECT ${COLS} FROM agents WHERE email = $1`, [email.toLowerCase()]);
  return rows[0] ?? null;
}

export async function insertAgent(q: Queryable, a: AgentRecord): Promise<void> {
  await q.query('INSERT INTO agents (id, email, name, password_hash, status) VALUES ($1, $2, $3, $4, $5)', [
    a.id,
    a.email.toLowerCase(),
    a.name,
    a.passwordHash,
    a.status,
  ]);
}

export async function setAgentStatus(q: Queryable, id: string, status: AgentStatus): Promise<void> {
  await q.query('UPDATE agents SET status = $2 WHERE id = $1', [id, status]);
}

/** The agent's console is open somewhere: a session of theirs kept present by an event stream (see 003_presence.sql). */
const consolePresent = (agentId: string) =>
  `EXISTS (SELECT 1 FROM sessions s WHERE s.agent_id = ${agentId} AND s.present_until > now())`;

// "busy" and "offline" are derived, never stored: an agent is busy while on a live call or in a
// consultation as the transfer target, so it can never go stale after a crash; an agent who
// chose Available but whose console is gone (no event stream on any instance) is offline.
// The call record wins over the console (busy stays busy) and a chosen Away stays away.
const PRESENCE_SQL = `
  SELECT a.id, a.name, a.email,
    CASE
      WHEN EXISTS (SELECT 1 FROM calls c WHERE c.agent_id = a.id AND c.state IN ${sqlList(ON_CALL_STATES)}) THEN 'busy'
      WHEN EXISTS (SELECT 1 FROM transfers t WHERE (t.target_agent_id = a.id OR t.from_agent_id = a.id)
                   AND t.state IN ${sqlList(CONSULTING_STATES)}) THEN 'busy'
      WHEN a.status = 'away' THEN 'away'
      WHEN NOT ${consolePresent('a.id')} THEN 'offline'
      ELSE a.status
    END AS status
  FROM agents a`;

/** Ringing transfers whose target's console is gone: nobody will answer them. */
export async function ringingTransfersToOfflineTargets(q: Queryable): Promise<string[]> {
  const rows = await q.query<{ id: string }>(
    `SELECT t.id FROM transfers t WHERE t.state = 'ringing' AND NOT ${consolePresent('t.target_agent_id')} ORDER BY t.requested_at`,
  );
  return rows.map((r) => r.id);
}

export async function listAgentPresence(q: Queryable): Promise<AgentPresence[]> {
  return q.query<AgentPresence>(`${PRESENCE_SQL} ORDER BY a.name, a.id`);
}

export async function getAgentPresence(q: Queryable, id: string): Promise<AgentPresence | null> {
  const rows = await q.query<AgentPresence>(`${PRESENCE_SQL} WHERE a.id = $1`, [id]);
  return rows[0] ?? null;
}

export async function countAgents(q: Queryable): Promise<number> {
  const rows = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM agents');
  return rows[0]?.n ?? 0;
}

/** Names of just these agents (views need names, not everyone's presence). */
export async function agentNames(q: Queryable, ids: (string | null | undefined)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((x): x is string => !!x))];
  if (wanted.length === 0) return new Map();
  const rows = await q.query<{ id: string; name: string }>('SELECT id, name FROM agents WHERE id = ANY($1)', [wanted]);
  return new Map(rows.map((r) => [r.id, r.name]));
}
