// Worker thread for the scale benchmark (bench/scale.ts): holds a share of the agent consoles'
// event streams (/api/events) and behaves like the console does with them, so the load
// generator's own event loop is not what limits 1,000 streams (its delay is reported).
//   routed (the console of issue 13): lists and our home (`me`) come in the stream; /me is
//     refetched only when the stream carries no homes (then on a `call`/`transfer` event or our
//     own presence changing) or says `me: null`, and when no home came for 5 minutes.
//   legacy (the old console): every event refetches — `call`/`transfer` → /me, `queue` →
//     /api/queue, `agents` → /api/agents — plus /me every 5 s and both lists every 15 s.
// Refetches are coalesced per console and resource like useAgentData's (one in flight, one
// follow-up). Each console records when it learned each piece of news; the main thread sends
// the action log at the end and gets the delivery delays back (timestamps: performance.timeOrigin
// + performance.now(), comparable across threads).
import http from 'node:http';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';

export interface ConsoleSpec {
  agentId: string;
  token: string;
}
export interface ActionRecord {
  callId: string;
  sentAt: number;
  respAt: number;
  /** Agents who took part in the call so far: their consoles should hear about it. */
  involved: string[];
  /** Agents whose home this action changes (its actor, and a transfer's target): their consoles should get it again. */
  homes?: string[];
  /** Call accepted by this agent: every console should see them on_call. */
  onCall?: string;
  queueIn?: boolean;
  queueOut?: boolean;
}
export type ToWorker =
  | { op: 'open'; baseUrl: string; legacy: boolean; queuesRefetch: boolean; consoles: ConsoleSpec[] }
  | { op: 'reset' }
  | { op: 'finish'; actions: ActionRecord[] }
  | { op: 'close' };
export interface WorkerResult {
  op: 'result';
  /** ms from the action's response to the event's arrival (0 when the event beat the response: the API publishes before it answers). */
  callEvent: Float64Array;
  /** ms from the action's response until the console has its home after that event (`me` in the stream, or /me answered). */
  callMe: Float64Array;
  /** ms from the action's response until the console knows the queue changed (a call in / out). */
  queue: Float64Array;
  /** ms from the accept's response until the console's agents list shows the agent on_call. */
  presence: Float64Array;
  events: Record<string, number>;
  bytes: number;
  requests: Record<string, number>;
  requestErrors: number;
  eventLoopDelayP99Ms: number;
  streamsEnded: number;
}
export type FromWorker = { op: 'opened'; ok: number; failed: number; ms: number } | WorkerResult | { op: 'closed' };

const now = () => performance.timeOrigin + performance.now();
const port = parentPort!;
const eld = monitorEventLoopDelay({ resolution: 10 });

let baseUrl = '';
let legacy = false;
/** Also keep the queue stats, as web/src/agent/useAgentData.ts does: from the stream's queue events, GET /api/queues on a list event only when the stream carries no stats (legacy). */
let queuesRefetch = false;
const sseAgent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
const apiAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const counters = { events: {} as Record<string, number>, bytes: 0, requests: {} as Record<string, number>, requestErrors: 0, streamsEnded: 0 };
const timers: NodeJS.Timeout[] = [];

const push = (m: Map<string, number[]>, k: string, t: number) => {
  const a = m.get(k);
  if (a) a.push(t);
  else m.set(k, [t]);
};

function getJson(path: string, token: string): Promise<unknown> {
  counters.requests[path] = (counters.requests[path] ?? 0) + 1;
  const url = new URL(baseUrl);
  return new Promise((resolve) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path, headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, agent: apiAgent, timeout: 30_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (res.statusCode !== 200) {
            counters.requestErrors++;
            return resolve(null);
          }
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch {
            counters.requestErrors++;
            resolve(null);
          }
        });
        res.on('error', () => (counters.requestErrors++, resolve(null)));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => (counters.requestErrors++, resolve(null)));
    req.end();
  });
}

class Console {
  readonly callEvent = new Map<string, number[]>();
  readonly callMe = new Map<string, number[]>();
  readonly queueIn = new Map<string, number[]>();
  readonly queueOut = new Map<string, number[]>();
  readonly onCall = new Map<string, number[]>();
  private queueIds = new Set<string>();
  private onCallIds = new Set<string>();
  private myStatus: string | null = null;
  /** This stream carries the queue stats (the current server): no GET /api/queues. */
  private streamStats = false;
  private pendingCalls = new Set<string>();
  /** The stream carries our home (`me`): no refetch on call events. */
  private streamHomes = false;
  private homeAt = 0;
  private inflight: Record<string, boolean> = {};
  private again: Record<string, boolean> = {};
  req: http.ClientRequest | null = null;

  constructor(readonly spec: ConsoleSpec) {}

  /** Coalesced refetch of one resource, like useAgentData's useCoalesced. */
  private refetch(path: string, apply: (body: unknown, t: number) => void, before?: () => unknown) {
    if (this.inflight[path]) {
      this.again[path] = true;
      return;
    }
    this.inflight[path] = true;
    void (async () => {
      do {
        this.again[path] = false;
        const ctx = before?.();
        const body = await getJson(path, this.spec.token);
        if (body !== null) apply({ body, ctx }, now());
      } while (this.again[path]);
      this.inflight[path] = false;
    })();
  }

  refetchMe() {
    this.refetch(
      '/api/agents/me',
      (r, t) => {
        const { ctx } = r as { ctx: Set<string> };
        for (const id of ctx) push(this.callMe, id, t);
      },
      () => {
        const ids = this.pendingCalls;
        this.pendingCalls = new Set();
        return ids;
      },
    );
  }

  private setQueue(calls: { id: string }[], t: number) {
    const next = new Set(calls.map((c) => c.id));
    for (const id of next) if (!this.queueIds.has(id)) push(this.queueIn, id, t);
    for (const id of this.queueIds) if (!next.has(id)) push(this.queueOut, id, t);
    this.queueIds = next;
  }

  private setPresence(list: { id: string; status: string }[], full: boolean, t: number) {
    if (full) {
      const next = new Set<string>();
      for (const a of list) if (a.status === 'on_call') next.add(a.id);
      for (const id of next) if (!this.onCallIds.has(id)) push(this.onCall, id, t);
      this.onCallIds = next;
    } else {
      for (const a of list) {
        if (a.status === 'on_call' && !this.onCallIds.has(a.id)) {
          this.onCallIds.add(a.id);
          push(this.onCall, a.id, t);
        } else if (a.status !== 'on_call') this.onCallIds.delete(a.id);
      }
    }
    const mine = list.find((a) => a.id === this.spec.agentId);
    if (mine && !legacy && !this.streamHomes && this.myStatus !== null && mine.status !== this.myStatus) this.refetchMe();
    if (mine) this.myStatus = mine.status;
  }

  refetchQueue() {
    this.refetch('/api/queue', (r, t) => this.setQueue((r as { body: { id: string }[] }).body, t));
  }
  refetchAgents() {
    this.refetch('/api/agents', (r, t) => this.setPresence((r as { body: { id: string; status: string }[] }).body, true, t));
  }

  onEvent(type: string, data: string) {
    const t = now();
    counters.events[type] = (counters.events[type] ?? 0) + 1;
    if (type === 'call' || type === 'transfer') {
      const callId = (JSON.parse(data) as { callId: string }).callId;
      push(this.callEvent, callId, t);
      this.pendingCalls.add(callId);
      if (!this.streamHomes) this.refetchMe();
      return;
    }
    if (type === 'me') {
      this.streamHomes = true;
      this.homeAt = t;
      if (data === 'null') return this.refetchMe();
      for (const id of this.pendingCalls) push(this.callMe, id, t);
      this.pendingCalls = new Set();
      return;
    }
    if (queuesRefetch && type === 'queue' && data.includes('"stats":')) this.streamStats = true;
    if (queuesRefetch && !this.streamStats && (type === 'queue' || type === 'agents')) this.refetch('/api/queues', () => {});
    if (legacy) {
      if (type === 'queue') this.refetchQueue();
      else if (type === 'agents') this.refetchAgents();
      return;
    }
    if (type === 'queue') this.setQueue((JSON.parse(data) as { calls: { id: string }[] }).calls, t);
    else if (type === 'agents') {
      const d = JSON.parse(data) as { agents?: { id: string; status: string }[]; changed?: { id: string; status: string }[] };
      if (d.agents) this.setPresence(d.agents, true, t);
      else if (d.changed) this.setPresence(d.changed, false, t);
    }
  }

  open(): Promise<boolean> {
    const url = new URL(baseUrl);
    return new Promise((resolve) => {
      const req = http.get(
        { host: url.hostname, port: url.port, path: '/api/events', headers: { authorization: `Bearer ${this.spec.token}`, accept: 'text/event-stream' }, agent: sseAgent },
        (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            return resolve(false);
          }
          resolve(true);
          res.setEncoding('utf8');
          let buf = '';
          res.on('data', (chunk: string) => {
            counters.bytes += chunk.length;
            buf += chunk;
            for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
              const block = buf.slice(0, i);
              buf = buf.slice(i + 2);
              if (!block.startsWith('event: ')) continue;
              const nl = block.indexOf('\n');
              const type = block.slice(7, nl);
              const dataAt = block.indexOf('data: ', nl);
              if (dataAt >= 0) this.onEvent(type, block.slice(dataAt + 6));
            }
          });
          res.on('end', () => counters.streamsEnded++);
          res.on('error', () => {});
        },
      );
      req.on('error', () => resolve(false));
      this.req = req;
    });
  }

  startPolls() {
    const every = (ms: number, fn: () => void) => {
      const start = setTimeout(() => {
        fn();
        const t = setInterval(fn, ms);
        timers.push(t);
      }, Math.random() * ms);
      timers.push(start);
    };
    if (legacy) {
      // The old console: on open, everything; then /me every 5 s and the lists every 15 s.
      this.refetchQueue();
      this.refetchAgents();
      every(5000, () => this.refetchMe());
      every(15000, () => {
        this.refetchQueue();
        this.refetchAgents();
      });
    } else every(60_000, () => {
      if (!this.streamHomes || now() - this.homeAt >= 300_000) this.refetchMe();
    });
    this.refetchMe();
  }
}

const consoles: Console[] = [];

/** First time ≥ from in a sorted list. */
function firstFrom(list: number[] | undefined, from: number): number | null {
  if (!list) return null;
  for (const t of list) if (t >= from) return t;
  return null;
}

function finish(actions: ActionRecord[]): WorkerResult {
  const callEvent: number[] = [];
  const callMe: number[] = [];
  const queue: number[] = [];
  const presence: number[] = [];
  for (const c of consoles) {
    for (const a of actions) {
      if (a.involved.includes(c.spec.agentId)) {
        const e = firstFrom(c.callEvent.get(a.callId), a.sentAt);
        if (e !== null) callEvent.push(Math.max(0, e - a.respAt));
      }
      // Only a console whose home the action changes gets it again (one that took part earlier and
      // moved on gets the call event, not a home: its home did not change).
      if ((a.homes ?? a.involved).includes(c.spec.agentId)) {
        const m = firstFrom(c.callMe.get(a.callId), a.sentAt);
        if (m !== null) callMe.push(Math.max(0, m - a.respAt));
      }
      if (a.queueIn) {
        const t = firstFrom(c.queueIn.get(a.callId), a.sentAt);
        if (t !== null) queue.push(Math.max(0, t - a.respAt));
      }
      if (a.queueOut) {
        const t = firstFrom(c.queueOut.get(a.callId), a.sentAt);
        if (t !== null) queue.push(Math.max(0, t - a.respAt));
      }
      if (a.onCall) {
        const t = firstFrom(c.onCall.get(a.onCall), a.sentAt);
        if (t !== null) presence.push(Math.max(0, t - a.respAt));
      }
    }
  }
  eld.disable();
  return {
    op: 'result',
    callEvent: Float64Array.from(callEvent),
    callMe: Float64Array.from(callMe),
    queue: Float64Array.from(queue),
    presence: Float64Array.from(presence),
    events: counters.events,
    bytes: counters.bytes,
    requests: counters.requests,
    requestErrors: counters.requestErrors,
    eventLoopDelayP99Ms: Math.round(eld.percentile(99) / 1e4) / 100,
    streamsEnded: counters.streamsEnded,
  };
}

port.on('message', (m: ToWorker) => {
  void (async () => {
    if (m.op === 'open') {
      baseUrl = m.baseUrl;
      legacy = m.legacy;
      queuesRefetch = m.queuesRefetch;
      const t0 = now();
      const added = m.consoles.map((s) => new Console(s));
      consoles.push(...added);
      let ok = 0;
      let failed = 0;
      // A few at a time: the API marks presence and sends the lists to each.
      let next = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < added.length) {
            const c = added[next++]!;
            if (await c.open()) ok++;
            else failed++;
          }
        }),
      );
      for (const c of added) c.startPolls();
      port.postMessage({ op: 'opened', ok, failed, ms: now() - t0 } satisfies FromWorker);
    } else if (m.op === 'reset') {
      counters.events = {};
      counters.bytes = 0;
      counters.requests = {};
      counters.requestErrors = 0;
      eld.reset();
      eld.enable();
    } else if (m.op === 'finish') {
      const r = finish(m.actions);
      port.postMessage(r, [r.callEvent.buffer, r.callMe.buffer, r.queue.buffer, r.presence.buffer] as ArrayBuffer[]);
    } else if (m.op === 'close') {
      for (const t of timers) clearTimeout(t);
      for (const c of consoles) c.req?.destroy();
      sseAgent.destroy();
      apiAgent.destroy();
      port.postMessage({ op: 'closed' } satisfies FromWorker);
    }
  })();
});
