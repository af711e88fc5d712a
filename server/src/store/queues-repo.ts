// Queues (skill groups) and who belongs to them. An agent with no agent_queues row belongs to
// 'general' (calls-repo.ts memberOf says it once for SQL).
import { DEFAULT_QUEUE_ID } from '@warmline/contract';
import type { QueueDef } from '../config-queues.js';
import type { WaitingCall } from '../domain/queue-stats.js';
import type { Queryable } from './db.js';

export interface QueueRecord {
  id: string;
  name: string;
  position: number;
  active: boolean;
}

const COLS = 'id, name, position, active';

export async function getQueue(q: Queryable, id: string): Promise<QueueRecord | null> {
  const rows = await q.query<QueueRecord>(`SELECT ${COLS} FROM queues WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

/** The queues a caller may choose, or a call be transferred to, in the deployment's order. */
export async function listActiveQueues(q: Queryable): Promise<QueueRecord[]> {
  return q.query<QueueRecord>(`SELECT ${COLS} FROM queues WHERE active ORDER BY position, id`);
}

export async function queueNames(q: Queryable, ids: string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return new Map();
  const rows = await q.query<{ id: string; name: string }>('SELECT id, name FROM queues WHERE id = ANY($1)', [wanted]);
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Every queue, active or not (the queue stats show an inactive one while calls wait in it). */
export async function listAllQueues(q: Queryable): Promise<QueueRecord[]> {
  return q.query<QueueRecord>(`SELECT ${COLS} FROM queues ORDER BY position, id`);
}

/** Which queue each waiting call waits in, since when. */
export async function listWaitingCalls(q: Queryable): Promise<WaitingCall[]> {
  return q.query<WaitingCall>(`SELECT queue_id AS "queueId", queued_at AS "queuedAt" FROM calls WHERE state = 'waiting'`);
}

/** Each agent's queues (these agents, or everyone); an agent with none is absent (general). */
export async function listMemberships(q: Queryable, agentIds?: string[]): Promise<Map<string, string[]>> {
  const rows = await q.query<{ agent_id: string; queue_id: string }>(
    `SELECT agent_id, queue_id FROM agent_queues ${agentIds ? 'WHERE agent_id = ANY($1)' : ''} ORDER BY agent_id, queue_id`,
    agentIds ? [agentIds] : [],
  );
  const out = new Map<string, string[]>();
  for (const r of rows) {
    const list = out.get(r.agent_id);
    if (list) list.push(r.queue_id);
    else out.set(r.agent_id, [r.queue_id]);
  }
  return out;
}

/**
 * QUEUES at start-up: each named queue exists with that name and position (general first unless
 * named), every other queue but general becomes inactive. Several instances may start together:
 * an advisory lock makes them take turns.
 */
export async function syncQueues(q: Queryable, defs: QueueDef[]): Promise<void> {
  await q.query('SELECT pg_advisory_xact_lock($1)', [727_007]);
  const all = defs.some((d) => d.id === DEFAULT_QUEUE_ID) ? defs : [{ id: DEFAULT_QUEUE_ID, name: 'General' }, ...defs];
  const named = defs.some((d) => d.id === DEFAULT_QUEUE_ID);
  for (const [i, d] of all.entries()) {
    // general keeps its stored name unless QUEUES names it.
    const rename = d.id !== DEFAULT_QUEUE_ID || named;
    await q.query(
      `INSERT INTO queues (id, name, position, active) VALUES ($1, $2, $3, true)
       ON CONFLICT (id) DO UPDATE SET ${rename ? 'name = EXCLUDED.name, ' : ''}position = EXCLUDED.position, active = true`,
      [d.id, d.name, i],
    );
  }
  await q.query(`UPDATE queues SET active = false WHERE id <> ALL($1) AND id <> '${DEFAULT_QUEUE_ID}'`, [all.map((d) => d.id)]);
}

/** Creates the queues that do not exist yet (the dev seed); existing ones stay as they are. */
export async function ensureQueues(q: Queryable, defs: QueueDef[]): Promise<void> {
  const rows = await q.query<{ n: number }>('SELECT coalesce(max(position), 0)::int AS n FROM queues');
  let pos = rows[0]?.n ?? 0;
  for (const d of defs) {
    await q.query('INSERT INTO queues (id, name, position) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', [d.id, d.name, ++pos]);
  }
}

/** The agent's queues become exactly these (none: general). Unknown ids throw before anything changes. */
export async function setAgentQueues(q: Queryable, agentId: string, queueIds: string[]): Promise<void> {
  const ids = [...new Set(queueIds)];
  const known = await queueNames(q, ids);
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length) throw new Error(`unknown queue${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);
  await q.query('DELETE FROM agent_queues WHERE agent_id = $1', [agentId]);
  for (const id of ids) await q.query('INSERT INTO agent_queues (agent_id, queue_id) VALUES ($1, $2)', [agentId, id]);
}

/** The agent's queues, as membership says (general when they have none). */
export async function agentQueueIds(q: Queryable, agentId: string): Promise<string[]> {
  const rows = await q.query<{ queue_id: string }>('SELECT queue_id FROM agent_queues WHERE agent_id = $1 ORDER BY queue_id', [agentId]);
  return rows.length ? rows.map((r) => r.queue_id) : [DEFAULT_QUEUE_ID];
}
