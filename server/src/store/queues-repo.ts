// Queues (skill groups) and who belongs to them. An agent with no agent_queues row belongs to
// 'general' (calls-repo.ts memberOf says it once for SQL).
import { DEFAULT_QUEUE_ID } from '@warmline/contract';
import type { QueueDef } from '../config-queues.js';
import { PRESENCE_QUERY } from './agents-repo.js';
import { memberOf } from './calls-repo.js';
import type { Queryable } from './db.js';

export interface QueueRecord {
  id: string;
  name: string;
  position: number;
  active: boolean;
}

export interface QueueStatsRow {
  id: string;
  name: string;
  waiting: number;
  longestWaitS: number | null;
  /** When the call waiting longest (re-)entered the queue: the supervisor board ticks from it. */
  oldestQueuedAt: Date | null;
  availableAgents: number;
  /** Members whose console is present (any status but offline). */
  signedIn: number;
  mine: boolean;
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

/**
 * Every active queue (and an inactive one that still has calls waiting) with its waiting calls,
 * the longest wait, its agents available now and signed in (the presence query's own notion) and
 * whether agent `agentId` belongs to it (null: nobody; `mine` is then meaningless, the event fan-out
 * works it out per membership). One query, whatever the number of queues: GET /api/queues, the
 * supervisor board and the event fan-out all read it.
 */
export async function listQueueStats(q: Queryable, agentId: string | null, wrapUpS: number): Promise<QueueStatsRow[]> {
  return q.query<QueueStatsRow>(
    `WITH p AS (${PRESENCE_QUERY}),
     w AS (SELECT queue_id, count(*)::int AS waiting, min(queued_at) AS oldest FROM calls WHERE state = 'waiting' GROUP BY queue_id),
     m AS (SELECT a.id AS agent_id, coalesce(aq.queue_id, '${DEFAULT_QUEUE_ID}') AS queue_id
           FROM agents a LEFT JOIN agent_queues aq ON aq.agent_id = a.id),
     av AS (SELECT m.queue_id, count(*) FILTER (WHERE p.status = 'available')::int AS n,
                   count(*) FILTER (WHERE p.status <> 'offline')::int AS signed_in
            FROM m JOIN p ON p.id = m.agent_id GROUP BY m.queue_id)
     SELECT qu.id, qu.name, coalesce(w.waiting, 0) AS waiting,
            CASE WHEN w.oldest IS NULL THEN NULL ELSE greatest(0, floor(extract(epoch FROM now() - w.oldest)))::int END AS "longestWaitS",
            w.oldest AS "oldestQueuedAt",
            coalesce(av.n, 0) AS "availableAgents", coalesce(av.signed_in, 0) AS "signedIn",
            ${memberOf('$2', 'qu.id')} AS mine
     FROM queues qu LEFT JOIN w ON w.queue_id = qu.id LEFT JOIN av ON av.queue_id = qu.id
     WHERE qu.active OR w.waiting > 0
     ORDER BY qu.position, qu.id`,
    [wrapUpS, agentId],
  );
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
