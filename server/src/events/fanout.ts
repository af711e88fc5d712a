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
//   queue stats (`stats`: GET /api/queues, its `mine` per membership; sent when calls or stats
//   changed, so the consoles need not poll GET /api/queues), `agents` only the entries that
//   changed (GET /api/agents' fields). Presence is read for the agents an `agents` event names
//   (an agent, or the agents of a call) and for everyone at each presence heartbeat (presence
//   that lapses by time: an agent gone offline) and when an event names nobody; the stats are
//   worked out in memory from it (domain/queue-stats.ts), no query. A stream opens with both full
//   lists, then every change in order, so a console that saw the whole stream is up to date; one
//   that reconnects gets the full lists again.
// EVENTS_FANOUT=legacy restores the old behaviour (every event to every stream, no lists), for
// the scale benchmark's comparison.
import { OPEN_TRANSFER_STATES, type PresenceStatus } from '@warmline/contract';
import { queuesOf, queueStats, type QueueDefinition, type QueueStatsRow } from '../domain/queue-stats.js';
import type { Deps } from '../services/deps.js';
import { callView } from '../services/views.js';
import { listAgentPresence, type AgentPresence } from '../store/agents-repo.js';
import { listQueue } from '../store/calls-repo.js';
import { listAllQueues, listMemberships } from '../store/queues-repo.js';
import { sqlList } from '../store/db.js';
import { homePusher, type Audiences } from './home-push.js';
import type { AppEvent } from './bus.js';
import { heartbeatMs, streamsOf, type OpenStream } from './streams.js';

type FanoutDeps = Pick<Deps, 'db' | 'config' | 'log' | 'bus'>;

export interface Fanout {
  /** Resolves once both lists have been computed (or the attempt failed) and this agent's queues are known. */
  ready(agentId: string): Promise<void>;
  /** SSE text that opens this agent's stream: the full queue and agents lists ('' in legacy mode or before any list). */
  snapshot(agentId: string): string;
  /** A stream of this agent's has just opened: its home follows the lists (`me`). */
  opened(agentId: string): void;
  stop(): void;
}

/** Streams written per turn of the event loop when a list changes. */
const WRITE_SLICE = 100;

const sse = (type: string, data: unknown) => `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * Agents who take or took part in each call (the `call`/`transfer` audience), one statement for a
 * burst; `true` for those the call's record names now (its agent while live, either side of its
 * open transfer), whose console's home changes with it whatever it showed before.
 */
async function audiences(db: Deps['db'], callIds: string[]): Promise<Audiences> {
  const open = sqlList(OPEN_TRANSFER_STATES);
  const rows = await db.query<{ call_id: string; agent_id: string; current: boolean }>(
    `SELECT id AS call_id, agent_id, state <> 'ended' AS current FROM calls WHERE id = ANY($1) AND agent_id IS NOT NULL
     UNION ALL SELECT call_id, from_agent_id, state IN ${open} FROM transfers WHERE call_id = ANY($1)
     UNION ALL SELECT call_id, target_agent_id, state IN ${open} FROM transfers WHERE call_id = ANY($1) AND target_agent_id IS NOT NULL
     UNION ALL SELECT call_id, detail->>'agentId', false FROM call_events WHERE call_id = ANY($1) AND type = 'accepted'`,
    [callIds],
  );
  const out: Audiences = new Map();
  for (const r of rows) {
    const members = out.get(r.call_id) ?? new Map<string, boolean>();
    members.set(r.agent_id, members.get(r.agent_id) === true || r.current);
    out.set(r.call_id, members);
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
  const NOBODY = new Map<string, boolean>();
  const homes = homePusher(deps, streams);
  const drain = async () => {
    delivering = true;
    try {
      while ((pending.length || homes.waiting()) && !stopped) {
        const batch = pending;
        pending = [];
        if (batch.length) await deliver(batch).catch((err) => deps.log.warn({ err }, 'event fan-out'));
        await homes.send();
      }
    } finally {
      delivering = false;
    }
  };
  const kick = () => {
    if (!delivering) setImmediate(() => void (delivering || drain())); // the rest of this NOTIFY's events join
  };

  async function deliver(batch: AppEvent[]) {
    if (streams.count() === 0) return;
    let byCall: Audiences | null = null;
    try {
      byCall = await audiences(deps.db, [...new Set(batch.map((e) => (e as { callId: string }).callId))]);
    } catch (err) {
      deps.log.warn({ err }, 'event audience lookup failed: sending to every stream');
    }
    // Each stream's events of the batch, in order, in one write.
    const out = new Map<OpenStream, string>();
    for (const e of batch) {
      const { type, ...data } = e;
      const text = sse(type, data);
      const callId = (e as { callId: string }).callId;
      const targets = byCall ? streams.ofAgents(new Set((byCall.get(callId) ?? NOBODY).keys())) : streams.all();
      for (const s of targets) out.set(s, (out.get(s) ?? '') + text);
    }
    for (const [s, text] of out) s.write(text);
    // Then each console whose home may have changed gets it (`me`), instead of asking for it.
    if (byCall) homes.afterCallEvents(byCall);
    else for (const s of streams.all()) homes.want(s.agentId);
  }

  // --- queue / agents: lists, coalesced ------------------------------------------------------
  // What the lists are made of, kept in memory: every agent's presence (all of it at a full read,
  // then only the agents an event names), every agent's queues and the queue definitions (at a
  // full read: the first one and each presence heartbeat), the waiting calls (at each queue
  // change). The queue stats are worked out from them (domain/queue-stats.ts) with no query.
  const dirty = { queue: false, agentsAll: false, agentIds: new Set<string>(), callIds: new Set<string>() };
  let running = false;
  let timer: NodeJS.Timeout | null = null;
  let lastRunAt = -Infinity;
  // The queue as computed last: each call's JSON, queue and time in it, in GET /api/queue's order without an agent.
  let queueCalls: { json: string; queueId: string; queuedAt: Date }[] = [];
  let queueJson = '';
  let memberships = new Map<string, string[]>(); // agent → queues (absent: none, the general queue)
  let queueDefs: QueueDefinition[] = [];
  const membershipKey = (agentId: string) => (memberships.get(agentId) ?? []).join(',');
  const queueTexts = new Map<string, string>(); // membership key → queue event text, for the current list
  // The queue stats as computed last, and what "changed" compares: the oldest wait's start, not
  // longestWaitS, which grows every second by itself (consoles tick it).
  let stats: QueueStatsRow[] | null = null;
  let statsKey = '';
  // Every agent's presence as GET /api/agents gives it (JSON), with its status for the stats.
  const presence = new Map<string, { json: string; status: PresenceStatus }>();
  let presenceOrder: string[] = []; // GET /api/agents' order, as of the last full read (newcomers at the end)
  let agentsText: string | null = null; // the full list as an event, built when a stream opens
  const computed = { queue: false, agents: false };
  let waiters: (() => void)[] = [];
  let stopped = false;

  /** GET /api/queue's order for an agent with these queues: their queues' calls first, each part in order. */
  const queueText = (key: string) => {
    let text = queueTexts.get(key);
    if (text === undefined) {
      const mine = new Set(queuesOf(key ? key.split(',') : []));
      const first = queueCalls.filter((c) => mine.has(c.queueId)).map((c) => c.json);
      const rest = queueCalls.filter((c) => !mine.has(c.queueId)).map((c) => c.json);
      // GET /api/queues' fields, `mine` for this membership.
      const st = stats
        ? `,"stats":${JSON.stringify(stats.map((r) => ({ id: r.id, name: r.name, waiting: r.waiting, longestWaitS: r.longestWaitS, availableAgents: r.availableAgents, mine: mine.has(r.id) })))}`
        : '';
      text = `event: queue\ndata: {"calls":[${[...first, ...rest].join(',')}]${st}}\n\n`;
      queueTexts.set(key, text);
    }
    return text;
  };
  const fullAgentsText = () => {
    agentsText ??= `event: agents\ndata: {"agents":[${presenceOrder.flatMap((id) => presence.get(id)?.json ?? []).join(',')}]}\n\n`;
    return agentsText;
  };

  const schedule = () => {
    const any = dirty.queue || dirty.agentsAll || dirty.agentIds.size > 0 || dirty.callIds.size > 0;
    if (stopped || running || timer || !any) return;
    timer = setTimeout(() => void run(), Math.max(0, lastRunAt + intervalMs - Date.now()));
    timer.unref();
  };

  /** Presence: everyone's (full) or the named agents' and those of the named calls. Returns the event of what changed ('' if nothing). */
  async function readPresence(full: boolean, agentIds: Set<string>, callIds: Set<string>): Promise<string> {
    let list: AgentPresence[];
    if (full) {
      list = await listAgentPresence(deps.db, wrapUpS);
      memberships = await listMemberships(deps.db);
      queueDefs = await listAllQueues(deps.db);
    } else {
      const ids = new Set(agentIds);
      if (callIds.size) for (const members of (await audiences(deps.db, [...callIds])).values()) for (const id of members.keys()) ids.add(id);
      if (ids.size === 0) return '';
      list = await listAgentPresence(deps.db, wrapUpS, [...ids]);
    }
    const changed: unknown[] = [];
    const seen = new Set<string>();
    for (const { id, name, status, awayReason } of list) {
      const entry = { id, name, status, awayReason };
      const json = JSON.stringify(entry);
      seen.add(id);
      const before = presence.get(id);
      if (before?.json === json) continue;
      if (!before && !full) presenceOrder.push(id);
      presence.set(id, { json, status });
      changed.push(entry);
    }
    const removed = full ? [...presence.keys()].filter((id) => !seen.has(id)) : [];
    for (const id of removed) presence.delete(id);
    if (full) presenceOrder = list.map((a) => a.id);
    if (changed.length || removed.length || full) agentsText = null;
    const first = !computed.agents;
    computed.agents = true;
    return !first && (changed.length || removed.length) ? sse('agents', { changed, removed }) : '';
  }

  async function run() {
    timer = null;
    running = true;
    lastRunAt = Date.now();
    const want = { queue: dirty.queue || !computed.queue, full: dirty.agentsAll || !computed.agents, agentIds: dirty.agentIds, callIds: dirty.callIds };
    dirty.queue = dirty.agentsAll = false;
    dirty.agentIds = new Set();
    dirty.callIds = new Set();
    try {
      // Presence first: the queue stats count it.
      let agentsChange = '';
      if (want.full || want.agentIds.size || want.callIds.size) {
        try {
          agentsChange = await readPresence(want.full, want.agentIds, want.callIds);
        } catch (err) {
          if (want.full) dirty.agentsAll = true; // try again at the next tick
          for (const id of want.agentIds) dirty.agentIds.add(id);
          for (const id of want.callIds) dirty.callIds.add(id);
          deps.log.warn({ err }, 'agents list for the event streams');
        }
      }
      let changed = false;
      if (want.queue) {
        try {
          const records = await listQueue(deps.db);
          const calls = await Promise.all(records.map((c) => callView(deps.db, c, { timeline: false, wrapUpS })));
          const jsons = calls.map((c) => JSON.stringify(c));
          const json = jsons.join(',');
          if (json !== queueJson || !computed.queue) changed = true;
          queueJson = json;
          queueCalls = records.map((c, i) => ({ json: jsons[i]!, queueId: c.queueId, queuedAt: new Date(c.queuedAt ?? c.createdAt) }));
          computed.queue = true;
        } catch (err) {
          dirty.queue = true;
          deps.log.warn({ err }, 'queue list for the event streams');
        }
      }
      if (computed.queue && computed.agents) {
        const agents = [...presence].map(([id, p]) => ({ status: p.status, queues: memberships.get(id) ?? [] }));
        const rows = queueStats(queueDefs, queueCalls, agents, new Date());
        const key = JSON.stringify(rows.map((r) => [r.id, r.name, r.waiting, r.oldestQueuedAt?.getTime() ?? null, r.availableAgents]));
        if (key !== statsKey || stats === null) changed = true;
        statsKey = key;
        stats = rows;
        queueTexts.clear(); // even unchanged: a stream that opens later gets the newest longestWaitS
      } else changed = false;
      // One write per stream for both events (a write is a syscall, and there are a thousand streams),
      // a slice of streams per turn of the event loop: writing to every console at once held the
      // loop for tens of ms at 1,000 consoles, and every request waited behind it. Each run's writes
      // end before the next run starts, so a stream sees the list events in order.
      if (agentsChange || changed) {
        const targets = [...streams.all()];
        for (let i = 0; i < targets.length; i++) {
          const s = targets[i]!;
          s.write(agentsChange + (changed ? queueText(membershipKey(s.agentId)) : ''));
          if ((i + 1) % WRITE_SLICE === 0 && i + 1 < targets.length) await new Promise((r) => setImmediate(r));
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

  const markDirty = (e: Extract<AppEvent, { type: 'queue' | 'agents' }>) => {
    if (streams.count() === 0 && waiters.length === 0 && !running) {
      // Nobody listens on this instance: compute nothing now; the next stream computes afresh.
      if (e.type === 'queue') computed.queue = false;
      else computed.agents = false;
      return;
    }
    if (e.type === 'queue') dirty.queue = true;
    else if (e.agentId) dirty.agentIds.add(e.agentId);
    else if (e.callId) dirty.callIds.add(e.callId);
    else dirty.agentsAll = true;
    schedule();
  };

  // Presence that changes by time alone (a console gone: offline after PRESENCE_OFFLINE_AFTER_S).
  const presenceTick = legacy
    ? null
    : setInterval(() => {
        if (streams.count() > 0) markDirty({ type: 'agents' }); // everyone's, and the memberships and queues
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
    if (e.type === 'agents' && e.agentId && streams.hasAgent(e.agentId)) {
      homes.want(e.agentId); // their own status, chosen in another tab: that console's home says so
      kick();
    }
    if (e.type === 'queue' || e.type === 'agents') return markDirty(e);
    pending.push(e);
    kick();
  });

  return {
    async ready(agentId) {
      if (legacy) return;
      try {
        const mine = (await listMemberships(deps.db, [agentId])).get(agentId);
        if (mine) memberships.set(agentId, mine);
        else memberships.delete(agentId);
      } catch (err) {
        deps.log.warn({ err }, 'queue membership for the event stream');
      }
      if (computed.queue && computed.agents) return;
      if (!computed.queue) dirty.queue = true;
      if (!computed.agents) dirty.agentsAll = true;
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        schedule();
        if (stopped) resolve();
      });
    },
    snapshot(agentId) {
      if (legacy) return '';
      return (computed.queue && computed.agents ? queueText(membershipKey(agentId)) : '') + (computed.agents ? fullAgentsText() : '');
    },
    opened(agentId) {
      if (legacy) return;
      homes.want(agentId);
      kick();
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
