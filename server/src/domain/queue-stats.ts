// The queue stats, one rule for every reader: GET /api/queues and the supervisor board (from the
// store's reads, services/queues.ts) and the consoles' queue events (from what the event fan-out
// keeps in memory, events/fanout.ts). Pure: no I/O, the clock is an argument.
import { DEFAULT_QUEUE_ID, type PresenceStatus } from '@warmline/contract';

export interface QueueDefinition {
  id: string;
  name: string;
  position: number;
  active: boolean;
}

export interface WaitingCall {
  queueId: string;
  /** When it (re-)entered its queue. */
  queuedAt: Date;
}

export interface AgentInQueues {
  status: PresenceStatus;
  /** The agent's queues; none: the general queue. */
  queues: readonly string[];
}

export interface QueueStatsRow {
  id: string;
  name: string;
  waiting: number;
  /** Whole seconds since the call waiting longest (re-)entered the queue; null when none waits. */
  longestWaitS: number | null;
  oldestQueuedAt: Date | null;
  /** Members whose presence is available. */
  availableAgents: number;
  /** Members whose console is present (any status but offline). */
  signedIn: number;
}

/** The queues an agent with these memberships belongs to (none: general). */
export const queuesOf = (memberships: readonly string[]): readonly string[] => (memberships.length ? memberships : [DEFAULT_QUEUE_ID]);

/** Every active queue, and an inactive one that still has calls waiting, in the deployment's order. */
export function queueStats(queues: readonly QueueDefinition[], waiting: Iterable<WaitingCall>, agents: Iterable<AgentInQueues>, now: Date): QueueStatsRow[] {
  const byQueue = new Map<string, { waiting: number; oldest: Date | null; available: number; signedIn: number }>();
  const of = (id: string) => {
    let s = byQueue.get(id);
    if (!s) byQueue.set(id, (s = { waiting: 0, oldest: null, available: 0, signedIn: 0 }));
    return s;
  };
  for (const c of waiting) {
    const s = of(c.queueId);
    s.waiting++;
    if (!s.oldest || c.queuedAt < s.oldest) s.oldest = c.queuedAt;
  }
  for (const a of agents) {
    if (a.status === 'offline') continue;
    for (const id of queuesOf(a.queues)) {
      const s = of(id);
      s.signedIn++;
      if (a.status === 'available') s.available++;
    }
  }
  return [...queues]
    .filter((q) => q.active || (byQueue.get(q.id)?.waiting ?? 0) > 0)
    .sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((q) => {
      const s = byQueue.get(q.id);
      const oldest = s?.oldest ?? null;
      return {
        id: q.id,
        name: q.name,
        waiting: s?.waiting ?? 0,
        longestWaitS: oldest ? Math.max(0, Math.floor((now.getTime() - oldest.getTime()) / 1000)) : null,
        oldestQueuedAt: oldest,
        availableAgents: s?.available ?? 0,
        signedIn: s?.signedIn ?? 0,
      };
    });
}
