// Queues (skill groups): what the caller page offers, what the console counts, and QUEUES at start-up.
import type { QueueDef } from '../config-queues.js';
import type { QueueStats, Topic } from '../http/schemas.js';
import { queueStats as computeQueueStats, queuesOf, type QueueStatsRow } from '../domain/queue-stats.js';
import { listAgentPresence } from '../store/agents-repo.js';
import type { Db, Queryable } from '../store/db.js';
import { listActiveQueues, listAllQueues, listMemberships, listWaitingCalls, syncQueues } from '../store/queues-repo.js';

/** GET /api/topics: the active queues, in the deployment's order (general first unless QUEUES says otherwise). */
export async function listTopics(q: Queryable): Promise<Topic[]> {
  return (await listActiveQueues(q)).map(({ id, name }) => ({ id, name }));
}

/**
 * Every queue's stats (domain/queue-stats.ts) from four reads, none per row, and whether
 * `viewerId` belongs to each (`mine`). GET /api/queues and the supervisor board read it.
 */
export async function listQueueStats(q: Queryable, viewerId: string, wrapUpS: number): Promise<(QueueStatsRow & { mine: boolean })[]> {
  const queues = await listAllQueues(q);
  const waiting = await listWaitingCalls(q);
  const presence = await listAgentPresence(q, wrapUpS);
  const memberships = await listMemberships(q);
  const now = (await q.query<{ now: Date }>('SELECT now() AS now'))[0]?.now ?? new Date();
  const agents = presence.map((a) => ({ status: a.status, queues: memberships.get(a.id) ?? [] }));
  const mine = new Set(queuesOf(memberships.get(viewerId) ?? []));
  return computeQueueStats(queues, waiting, agents, now).map((r) => ({ ...r, mine: mine.has(r.id) }));
}

/** GET /api/queues: waiting, longest wait, available agents and membership. */
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
