// Queues (skill groups): what the caller page offers, what the console counts, and QUEUES at start-up.
import type { QueueDef } from '../config-queues.js';
import type { QueueStats, Topic } from '../http/schemas.js';
import type { Db, Queryable } from '../store/db.js';
import { listActiveQueues, listQueueStats, syncQueues } from '../store/queues-repo.js';

/** GET /api/topics: the active queues, in the deployment's order (general first unless QUEUES says otherwise). */
export async function listTopics(q: Queryable): Promise<Topic[]> {
  return (await listActiveQueues(q)).map(({ id, name }) => ({ id, name }));
}

/** GET /api/queues: waiting, longest wait, available agents and membership, in one query. */
export async function queueStats(q: Queryable, agentId: string, wrapUpS: number): Promise<QueueStats[]> {
  return (await listQueueStats(q, agentId, wrapUpS)).map((r) => ({
    id: r.id,
    name: r.name,
    waiting: r.waiting,
    longestWaitS: r.longestWaitS,
    availableAgents: r.availableAgents,
    mine: r.mine,
  }));
}

/** QUEUES (null: unset, the stored queues stay as they are). */
export async function applyQueueConfig(db: Db, defs: QueueDef[] | null): Promise<void> {
  if (defs) await db.tx((q) => syncQueues(q, defs));
}
