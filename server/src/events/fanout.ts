// From the bus (Postgres NOTIFY, every instance) to this instance's event streams, so that a
// console learns from its stream instead of refetching on every event (issue 13: at 1,000
// consoles one event used to mean 1,000 requests).
// - `call` and `transfer` go only to the streams of the agents who take or took part in the call
//   (its agent, whoever accepted it, either side of any of its transfers: readableBy minus the
//   waiting-queue clause) and of supervisors. One query per burst of events, on each instance.
// - `queue` and `agents` carry the lists themselves, computed ONCE per instance per burst, at most
//   every EVENTS_LIST_INTERVAL_MS (the first change after a quiet spell goes at once): `queue` the
//   whole GET /api/queue list (calls waiting are readable by every agent) in that agent's order
//   (its own queues' calls first: one text per distinct membership, not per stream) with the
//   queue stats (`stats`: GET /api/queues, its `mine` per membership; one query, recomputed with
//   either list since available agents follow presence; sent when calls or stats changed, so the
//   consoles need not poll GET /api/queues), `agents` only the entries that changed since the
//   last computation (GET /api/agents' fields). A stream opens
//   with both full lists, then every change in order, so a console that saw the whole stream is
//   up to date; one that reconnects gets the full lists again. The agents list is also recomputed
//   every presence heartbeat, so presence that lapses by time (an agent gone offline) reaches
//   the consoles without anyone polling.
// EVENTS_FANOUT=legacy restores the old behaviour (every event to every stream, no lists), for
// the scale benchmark's comparison.
import { DEFAULT_QUEUE_ID } from '@warmline/contract';
import type { Deps } from '../services/deps.js';
import { callView } from '../services/views.js';
import { listAgentPresence } from '../store/agents-repo.js';
import { listQueue } from '../store/calls-repo.js';
import { listQueueStats, type QueueStatsRow } from '../store/queues-repo.js';
import type { AppEvent } from './bus.js';
import { heartbeatMs, streamsOf } from './streams.js';

type FanoutDeps = Pick<Deps, 'db' | 'config' | 'log' | 'bus'>;

export interface Fanout {
  /** Resolves once both lists have been computed (or the attempt failed) and this agent's queues are known. */
  ready(agentId: string): Promise<void>;
  /** SSE text that opens this agent's stream: the full queue and agents lists ('' in legacy mode or before any list). */
  snapshot(agentId: string): string;
  stop(): void;
}

const sse = (type: string, data: unknown) => `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;

/** Agents who take or took part in each call (the `call`/`transfer` audience), one statement for a burst. */
async function audiences(db: Deps['db'], callIds: string[]): Promise<Map<string, Set<string>>> {
  const rows = await db.query<{ call_id: string; agent_id: string }>(
    `SELECT id AS call_id, agent_id FROM calls WHERE id = ANY($1) AND agent_id IS NOT NULL
     UNION SELECT call_id, from_agent_id FROM transfers WHERE call_id = ANY($1)
     UNION SELECT call_id, target_agent_id FROM transfers WHERE call_id = ANY($1) AND target_agent_id IS NOT NULL
     UNION SELECT call_id, detail->>'agentId' FROM call_events WHERE call_id = ANY($1) AND type = 'accepted'`,
    [callIds],
  );
  const out = new Map<string, Set<string>>();
  for (const r of rows) {
    const set = out.get(r.call_id) ?? new Set<string>();
    set.add(r.agent_id);
    out.set(r.call_id, set);
  }
  return out;
}

function createFanout(deps: FanoutDeps): Fanout {
  const streams = streamsOf(deps);
  const legacy = deps.config.events?.fanout === 'legacy';
  const intervalMs = deps.config.events?.listIntervalMs ?? 100;
  const wrapUpS = deps.config.wrapUp.timeoutS;

  // --- call / transfer: routed ------------------------------------------------------------
  // One audience lookup in flight at a time; whatever arrives meanwhile goes in the next one, so
  // a busy database makes bigger batches, never a queue of lookups.
  let pending: AppEvent[] = [];
  let delivering = false;
  const NOBODY = new Set<string>();
  const drain = async () => {
    delivering = true;
    try {
      while (pending.length && !stopped) {
        const batch = pending;
        pending = [];
        await deliver(batch).catch((err) => deps.log.warn({ err }, 'event fan-out'));
      }
    } finally {
      delivering = false;
    }
  };

  async function deliver(batch: AppEvent[]) {
    if (streams.count() === 0) return;
    let byCall: Map<string, Set<string>> | null = null;
    try {
      byCall = await audiences(deps.db, [...new Set(batch.map((e) => (e as { callId: string }).callId))]);
    } catch (err) {
      deps.log.warn({ err }, 'event audience lookup failed: sending to every stream');
    }
    for (const e of batch) {
      const { type, ...data } = e;
      const text = sse(type, data);
      const callId = (e as { callId: string }).callId;
      const targets = byCall ? streams.ofAgents(byCall.get(callId) ?? NOBODY) : streams.all();
      for (const s of targets) s.write(text);
    }
  }

  // --- queue / agents: lists, coalesced ------------------------------------------------------
  const dirty = { queue: false, agents: false };
  let running = false;
  let timer: NodeJS.Timeout | null = null;
  let lastRunAt = -Infinity;
  // The queue as computed last: each call's JSON and queue, in GET /api/queue's order without an agent.
  let queueJson = '';
  let queueCalls: { json: string; queueId: string }[] = [];
  // Each connected agent's queues, as a key ('' = none: the general queue is theirs), read with each list.
  const membership = new Map<string, string>();
  const queueTexts = new Map<string, string>(); // membership key → queue event text, for the current list
  // The queue stats as computed last (null: not yet, or the query failed), and what "changed" compares:
  // the oldest wait's start, not longestWaitS, which grows every second by itself (consoles tick it).
  let stats: QueueStatsRow[] | null = null;
  let statsKey = '';

  /** GET /api/queue's order for an agent with these queues: their queues' calls first, each part in order. */
  const queueText = (key: string) => {
    let text = queueTexts.get(key);
    if (text === undefined) {
      const mine = new Set(key ? key.split(',') : [DEFAULT_QUEUE_ID]);
      const first = queueCalls.filter((c) => mine.has(c.queueId)).map((c) => c.json);
      const rest = queueCalls.filter((c) => !mine.has(c.queueId)).map((c) => c.json);
      // GET /api/queues' fields, `mine` for this membership (the same rule as memberOf).
      const st = stats
        ? `,"stats":${JSON.stringify(stats.map((r) => ({ id: r.id, name: r.name, waiting: r.waiting, longestWaitS: r.longestWaitS, availableAgents: r.availableAgents, mine: mine.has(r.id) })))}`
        : '';
      text = `event: queue\ndata: {"calls":[${[...first, ...rest].join(',')}]${st}}\n\n`;
      queueTexts.set(key, text);
    }
    return text;
  };
  const readMembership = async (agentIds: string[]) => {
    const rows = await deps.db.query<{ agent_id: string; queues: string }>(
      `SELECT a.id AS agent_id, coalesce((SELECT string_agg(queue_id, ',' ORDER BY queue_id) FROM agent_queues q WHERE q.agent_id = a.id), '') AS queues
       FROM agents a WHERE a.id = ANY($1)`,
      [agentIds],
    );
    for (const r of rows) membership.set(r.agent_id, r.queues);
  };
  const agentsById = new Map<string, string>(); // id → JSON of its Presence
  let agentsText = ''; // the last full list as an event, in GET /api/agents' order
  const computed = { queue: false, agents: false };
  let waiters: (() => void)[] = [];
  let stopped = false;

  const schedule = () => {
    if (stopped || running || timer || (!dirty.queue && !dirty.agents)) return;
    timer = setTimeout(() => void run(), Math.max(0, lastRunAt + intervalMs - Date.now()));
    timer.unref();
  };

  async function run() {
    timer = null;
    running = true;
    lastRunAt = Date.now();
    const want = { ...dirty };
    dirty.queue = dirty.agents = false;
    // Stats changed with presence go out in a queue event: it needs a current queue to go with.
    if (want.agents && !computed.queue) want.queue = true;
    try {
      // The queue event: the calls (when the queue changed) and the stats (with either list).
      try {
        const calls = want.queue
          ? await Promise.all((await listQueue(deps.db)).map((c) => callView(deps.db, c, { timeline: false, wrapUpS })))
          : null;
        const rows = await listQueueStats(deps.db, null, wrapUpS);
        const connected = [...new Set([...streams.all()].map((s) => s.agentId))];
        if (want.queue && connected.length) await readMembership(connected);
        let changed = stats === null;
        if (calls) {
          const jsons = calls.map((c) => JSON.stringify(c));
          const json = jsons.join(',');
          computed.queue = true;
          if (json !== queueJson) {
            queueJson = json;
            queueCalls = calls.map((c, i) => ({ json: jsons[i]!, queueId: c.queue.id }));
            changed = true;
          }
        }
        const key = JSON.stringify(rows.map((r) => [r.id, r.name, r.waiting, r.oldestQueuedAt?.getTime() ?? null, r.availableAgents]));
        if (key !== statsKey) {
          statsKey = key;
          changed = true;
        }
        stats = rows;
        queueTexts.clear(); // even unchanged: a stream that opens later gets the newest longestWaitS
        if (changed) {
          for (const s of streams.all()) s.write(queueText(membership.get(s.agentId) ?? ''));
        }
      } catch (err) {
        dirty.queue = true; // try again at the next tick
        deps.log.warn({ err }, 'queue list and stats for the event streams');
      }
      if (want.agents) {
        try {
          const list = (await listAgentPresence(deps.db, wrapUpS)).map(({ id, name, status, awayReason }) => ({ id, name, status, awayReason }));
          const changed: unknown[] = [];
          const seen = new Set<string>();
          for (const a of list) {
            const json = JSON.stringify(a);
            seen.add(a.id);
            if (agentsById.get(a.id) !== json) {
              agentsById.set(a.id, json);
              changed.push(a);
            }
          }
          const removed = [...agentsById.keys()].filter((id) => !seen.has(id));
          for (const id of removed) agentsById.delete(id);
          if (changed.length || removed.length || !agentsText) agentsText = sse('agents', { agents: list });
          const first = !computed.agents;
          computed.agents = true;
          if (!first && (changed.length || removed.length)) {
            const text = sse('agents', { changed, removed });
            for (const s of streams.all()) s.write(text);
          }
        } catch (err) {
          dirty.agents = true;
          deps.log.warn({ err }, 'agents list for the event streams');
        }
      }
    } finally {
      running = false;
      const w = waiters;
      waiters = [];
      for (const f of w) f();
      schedule();
    }
  }

  const markDirty = (kind: 'queue' | 'agents') => {
    if (streams.count() === 0 && waiters.length === 0 && !running) {
      // Nobody listens on this instance: compute nothing now; the next stream computes afresh.
      computed[kind] = false;
      return;
    }
    dirty[kind] = true;
    schedule();
  };

  // Presence that changes by time alone (a console gone: offline after PRESENCE_OFFLINE_AFTER_S).
  const presenceTick = legacy
    ? null
    : setInterval(() => {
        if (streams.count() > 0) markDirty('agents');
      }, heartbeatMs(deps.config.presenceOfflineAfterS));
  presenceTick?.unref();

  const unsubscribe = deps.bus.subscribe((e) => {
    if (stopped) return;
    if (legacy) {
      const { type, ...data } = e;
      const text = sse(type, data);
      for (const s of streams.all()) s.write(text);
      return;
    }
    if (e.type === 'queue' || e.type === 'agents') return markDirty(e.type);
    pending.push(e);
    if (!delivering) setImmediate(() => void (delivering || drain())); // the rest of this NOTIFY's events join
  });

  return {
    async ready(agentId) {
      if (legacy) return;
      await readMembership([agentId]).catch((err) => deps.log.warn({ err }, 'queue membership for the event stream'));
      if (computed.queue && computed.agents) return;
      if (!computed.queue) dirty.queue = true;
      if (!computed.agents) dirty.agents = true;
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        schedule();
        if (stopped) resolve();
      });
    },
    snapshot(agentId) {
      if (legacy) return '';
      return (computed.queue ? queueText(membership.get(agentId) ?? '') : '') + (computed.agents ? agentsText : '');
    },
    stop() {
      stopped = true;
      unsubscribe();
      if (timer) clearTimeout(timer);
      timer = null;
      if (presenceTick) clearInterval(presenceTick);
      for (const f of waiters.splice(0)) f();
    },
  };
}

// One fan-out per app (per Deps object), like streamsOf.
const fanouts = new WeakMap<object, Fanout>();

export function fanoutOf(deps: FanoutDeps): Fanout {
  let f = fanouts.get(deps);
  if (!f) {
    f = createFanout(deps);
    fanouts.set(deps, f);
  }
  return f;
}
