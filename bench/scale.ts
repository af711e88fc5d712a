// Benchmark `scale`: many agent consoles on ONE API instance (issue 13).
//
// Signs in `agents` agents (createAgent + a minted session, like the other benchmarks: login
// allows 20 a minute), opens one event stream (/api/events) per agent in worker threads that
// behave like the console (bench/lib/console-worker.ts), keeps `calls` live calls (callers
// created over the API, answered by agents; no media participant joins: the rooms are real,
// LiveKit is asked for every permission change and removal, but nobody publishes audio) and
// runs agent actions at a fixed offered rate (`rate`/s, open loop): hold, resume, transfer
// start/accept/complete, and every third cycle hang-up + a new call, answered at once (its accept
// is measured but not on the schedule, so the queue stays as short as in a staffed centre).
// Reports: p50/p99 of each action (request sent → response read), delivery delays of the news
// to every console that should hear it (from the action's response), API RSS per connected
// console, CPU per process, the consoles' own requests. `compare=1` runs the old behaviour too
// (EVENTS_FANOUT=legacy and consoles that refetch on every event, as the old console did).
// Options: agents, calls, durationS, rate, workers, compare (0/1), legacy (0/1), warmupS, queues (0/1:
// consoles also keep the queue stats as useAgentData.ts does: from the stream, or with legacy by
// refetching GET /api/queues on every list event, as useQueues.ts used to).
import fs from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { apiSelfReport, scrapeMetrics, type ApiSelfReport, type Scrape } from './lib/api-metrics.js';
import { cpuGroups, machineBusy, machineSample } from './lib/cpu.js';
import type { ActionRecord, ConsoleSpec, FromWorker, ToWorker, WorkerResult } from './lib/console-worker.js';
import { expectStatus, jsonClient, type JsonClient } from './lib/http.js';
import { runAtFixedRate } from './lib/rate.js';
import { heading, sleep, table } from './lib/report.js';
import { startBenchStack, type BenchAgent } from './lib/stack.js';
import { rounded, summarize, type Summary } from './lib/stats.js';

export interface ScaleOptions {
  agents?: number;
  calls?: number;
  durationS?: number;
  rate?: number;
  workers?: number;
  compare?: number;
  legacy?: number;
  warmupS?: number;
  /** 1: consoles also keep the queue stats: from the stream, or (legacy) GET /api/queues on every queue/agents event. */
  queues?: number;
}

const AIM = { actionP99Ms: 50, deliveryP99Ms: 250 };
const now = () => performance.timeOrigin + performance.now();
const ACTIONS = ['accept', 'hold', 'resume', 'transfer start', 'transfer accept', 'transfer complete', 'hangup', 'create call'] as const;
type Action = (typeof ACTIONS)[number];

function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

type Cpu = { percentOfCore: Record<'api' | 'livekit' | 'postgres' | 'bench', number>; machineBusy: number };
async function withCpu<T>(pid: number, fn: () => Promise<T>): Promise<[T, Cpu, number]> {
  const c0 = cpuGroups(pid);
  const m0 = machineSample();
  const t0 = performance.now();
  const r = await fn();
  const wall = performance.now() - t0;
  const c1 = cpuGroups(pid);
  const pct = (k: keyof typeof c0) => Math.round(((c1[k] - c0[k]) / wall) * 1000) / 10;
  return [r, { percentOfCore: { api: pct('api'), livekit: pct('livekit'), postgres: pct('postgres'), bench: pct('bench') }, machineBusy: Math.round(machineBusy(m0, machineSample()) * 1000) / 10 }, wall];
}

async function parallel<T>(items: T[], concurrency: number, fn: (x: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** One worker thread holding a share of the consoles; request/answer by op. */
function startWorker() {
  // tsx's loader is registered in this thread only (Node 20 gives a worker's --import no hooks for
  // its entry): the worker registers it, then loads the TypeScript module.
  const url = new URL('./lib/console-worker.ts', import.meta.url).href;
  const w = new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url)}); })`, { eval: true });
  const waiting = new Map<string, (m: FromWorker) => void>();
  let failure: Error | null = null;
  const failed = new Set<(e: Error) => void>();
  w.on('message', (m: FromWorker) => {
    const f = waiting.get(m.op);
    waiting.delete(m.op);
    f?.(m);
  });
  w.on('error', (err) => {
    failure = err;
    for (const f of failed) f(err);
  });
  return {
    ask<T extends FromWorker>(msg: ToWorker, answer: FromWorker['op'], timeoutMs = 300_000): Promise<T> {
      return new Promise((resolve, reject) => {
        if (failure) return reject(failure);
        const fail = (e: Error) => (clearTimeout(timer), failed.delete(fail), reject(e));
        const timer = setTimeout(() => fail(new Error(`scale worker: ${msg.op} timed out`)), timeoutMs);
        failed.add(fail);
        waiting.set(answer, (m) => (clearTimeout(timer), failed.delete(fail), resolve(m as T)));
        w.postMessage(msg);
      });
    },
    post(msg: ToWorker) {
      w.postMessage(msg);
    },
    terminate: () => w.terminate(),
  };
}

interface ModeReport {
  mode: 'routed' | 'legacy';
  agents: number;
  consolesOpen: number;
  consolesFailed: number;
  openStreamsS: number;
  liveCalls: number;
  offeredRate: number;
  achievedRate: number;
  missedSlots: number;
  actions: Record<string, { summary: Summary; errors: number; statuses: Record<string, number> }>;
  worstActionP99: number;
  /** all: events arriving (call/transfer + list events); known: the console has the news (call: its home, by `me` in the stream or /me answered). */
  delivery: Record<'callEvent' | 'callMe' | 'queue' | 'presence' | 'all' | 'known', Summary>;
  memory: { apiRssBeforeMB: number; apiRssAfterMB: number; perConsoleKB: number; marginalPerConsoleKB: number };
  cpu: Cpu;
  consoles: { requestsPerS: number; requests: Record<string, number>; requestErrors: number; eventsPerS: number; events: Record<string, number>; receivedKBPerS: number; streamsEnded: number };
  loadGenerator: { workers: number; workerEventLoopDelayP99Ms: number[]; mainEventLoopDelayP99Ms: number };
  /** The API's own /metrics over the measured window (null: not readable). */
  api: ApiSelfReport | null;
  met: { actions: boolean; delivery: boolean };
}

async function runMode(mode: 'routed' | 'legacy', o: Required<ScaleOptions>): Promise<ModeReport> {
  const nCalls = Math.min(o.calls, Math.floor(o.agents / 2));
  heading(`scale (${mode}): ${o.agents} consoles, ${nCalls} live calls, ${o.rate} actions/s for ${o.durationS} s`);
  const stack = await startBenchStack({ TRANSFER_RING_TIMEOUT_S: '120', WRAP_UP_TIMEOUT_S: '0', EVENTS_FANOUT: mode });
  const http: JsonClient = jsonClient(stack.baseUrl, { maxSockets: 128, timeoutMs: 30_000 });
  const workers: ReturnType<typeof startWorker>[] = [];
  try {
    let t0 = performance.now();
    const agents = await stack.createAgents(o.agents, 'scale');
    console.log(`  ${agents.length} agents created (createAgent + minted sessions) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await sleep(1000);
    const rssBefore = rssBytes(stack.pid);

    // --- consoles: one event stream each, in worker threads ---
    t0 = performance.now();
    const shares: ConsoleSpec[][] = Array.from({ length: o.workers }, () => []);
    agents.forEach((a, i) => shares[i % o.workers]!.push({ agentId: a.id, token: a.token }));
    for (let i = 0; i < o.workers; i++) workers.push(startWorker());
    // In two halves: the second half's RSS growth is the marginal cost of a console, without the
    // one-off costs (code paths warming up, the lists computed the first time) the first half pays.
    const openHalf = (half: 0 | 1) =>
      Promise.all(
        workers.map((w, i) => {
          const share = shares[i]!;
          const cut = Math.floor(share.length / 2);
          return w.ask<Extract<FromWorker, { op: 'opened' }>>({ op: 'open', baseUrl: stack.baseUrl, legacy: mode === 'legacy', queuesRefetch: o.queues === 1, consoles: half ? share.slice(cut) : share.slice(0, cut) }, 'opened');
        }),
      );
    const opened1 = await openHalf(0);
    await sleep(2000);
    const rssMid = rssBytes(stack.pid);
    const opened2 = await openHalf(1);
    const opened = [...opened1, ...opened2];
    const openStreamsS = Math.round((performance.now() - t0 - 2000) / 100) / 10;
    const consolesOpen = opened.reduce((n, r) => n + r.ok, 0);
    const consolesFailed = opened.reduce((n, r) => n + r.failed, 0);
    const secondHalf = opened2.reduce((n, r) => n + r.ok, 0);
    console.log(`  ${consolesOpen} event streams open in ${openStreamsS} s (${consolesFailed} failed), ${o.workers} worker threads`);
    await sleep(3000);
    const rssAfter = rssBytes(stack.pid);

    // --- live calls: created over the API, answered by the first nCalls agents ---
    t0 = performance.now();
    const free: BenchAgent[] = agents.slice(nCalls);
    interface Line {
      callId: string;
      owner: BenchAgent;
      involved: Set<string>;
    }
    const lines: Line[] = [];
    await parallel(
      agents.slice(0, nCalls).map((a, i) => [a, i] as const),
      16,
      async ([a, i]) => {
        const c = expectStatus<{ id: string }>(await http.request('POST', '/api/calls', { body: { name: `Scale caller ${i}`, reason: 'Scale test: order 77120 refund' } }), 201, 'create call');
        // 503 media_unavailable: the accept is recorded, LiveKit follows later (docs/ARCHITECTURE.md).
        const acc = await http.request('POST', `/api/calls/${c.id}/accept`, { token: a.token });
        if (acc.status !== 503) expectStatus(acc, 200, 'accept call');
        lines.push({ callId: c.id, owner: a, involved: new Set([a.id]) });
      },
    );
    console.log(`  ${lines.length} live calls set up in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await sleep(2000);

    // --- steady load ---
    const ops = Object.fromEntries(ACTIONS.map((k) => [k, { latencies: [] as number[], errors: 0, statuses: {} as Record<string, number> }])) as Record<Action, { latencies: number[]; errors: number; statuses: Record<string, number> }>;
    const actions: ActionRecord[] = [];
    const ready: ((go: boolean) => void)[] = [];
    let running = true;
    let missed = 0;
    let measuring = false;
    const slot = () => new Promise<boolean>((resolve) => (running ? ready.push(resolve) : resolve(false)));

    /** A measured action: waits for a slot of the schedule, then sends. null when the run is over. */
    async function act(line: Line, what: Action, method: string, path: string, agent: BenchAgent | null, ok: number, body?: unknown, extra: Partial<ActionRecord> = {}, onSlot = true) {
      if (onSlot ? !(await slot()) : !running) return null;
      const sentAt = now();
      const r = await http.request(method, path, { ...(agent ? { token: agent.token } : {}), ...(body !== undefined ? { body } : {}) });
      const respAt = now();
      if (measuring) {
        const op = ops[what];
        op.statuses[String(r.status)] = (op.statuses[String(r.status)] ?? 0) + 1;
        if (r.status === ok) op.latencies.push(r.ms);
        else op.errors++;
      }
      if (r.status === ok && measuring) {
        const callId = what === 'create call' ? (r.body as { id: string }).id : line.callId;
        // Whose home changes: the actor's (not a new call's: nobody has it yet); a transfer names its target too.
        const homes = what === 'create call' ? [] : [line.owner.id];
        actions.push({ sentAt, respAt, involved: [...line.involved], homes, ...extra, callId });
      }
      return r.status === ok ? r : null;
    }

    /** End the line's call (unmeasured when a step failed) and start a fresh one, which the same agent answers. */
    async function fresh(line: Line, measured: boolean): Promise<boolean> {
      if (measured) {
        if (!(await act(line, 'hangup', 'POST', `/api/calls/${line.callId}/hangup`, line.owner, 200))) {
          if (!running) return false;
          await http.request('POST', `/api/calls/${line.callId}/hangup`, { token: line.owner.token });
        }
      } else await http.request('POST', `/api/calls/${line.callId}/hangup`, { token: line.owner.token });
      line.involved = new Set();
      const c = await act(line, 'create call', 'POST', '/api/calls', null, 201, { name: 'Scale caller', reason: 'Scale test' }, { queueIn: true });
      if (!c) return false;
      line.callId = (c.body as { id: string }).id;
      const agent = line.owner; // wrap-up is off in this benchmark: available again at once
      line.involved.add(agent.id);
      // Answered at once, not on a slot of the schedule: the queue stays as short as a staffed one
      // (every waiting call is in every queue event; a long queue is the surge case, not measured here).
      const a = await act(line, 'accept', 'POST', `/api/calls/${line.callId}/accept`, agent, 200, undefined, { onCall: agent.id, queueOut: true }, false);
      return a !== null;
    }

    async function run(line: Line, index: number) {
      for (let cycle = 0; running && cycle < 100_000; cycle++) {
        // A third of the lines each cycle, first: hang up, a new caller, the same agent answers.
        if ((cycle + index) % 3 === 0 && !(await fresh(line, true))) return;
        if (!(await act(line, 'hold', 'POST', `/api/calls/${line.callId}/hold`, line.owner, 200, { hold: true }))) {
          if (!running || !(await fresh(line, false))) return;
          continue;
        }
        if (!(await act(line, 'resume', 'POST', `/api/calls/${line.callId}/hold`, line.owner, 200, { hold: false }))) {
          if (!running || !(await fresh(line, false))) return;
          continue;
        }
        const B = free.shift();
        if (B) {
          line.involved.add(B.id);
          const t = await act(line, 'transfer start', 'POST', `/api/calls/${line.callId}/transfers`, line.owner, 201, { target: { type: 'agent', agentId: B.id }, notes: 'Verified identity; wants a refund.' }, { homes: [line.owner.id, B.id] });
          if (!t) {
            free.push(B);
            if (!running) return;
            continue;
          }
          const transferId = (t.body as { id: string }).id;
          if (!(await act(line, 'transfer accept', 'POST', `/api/transfers/${transferId}/accept`, B, 200, undefined, { homes: [line.owner.id, B.id] }))) {
            await http.request('POST', `/api/transfers/${transferId}/cancel`, { token: line.owner.token });
            free.push(B);
            if (!running) return;
            continue;
          }
          if (!(await act(line, 'transfer complete', 'POST', `/api/transfers/${transferId}/complete`, line.owner, 200, {}, { homes: [line.owner.id, B.id] }))) {
            await http.request('POST', `/api/transfers/${transferId}/cancel`, { token: line.owner.token });
            free.push(B);
            if (!running) return;
            continue;
          }
          free.push(line.owner);
          line.owner = B;
        }
      }
    }

    const pipelines = lines.map((l, i) => run(l, i));
    const fire = () => {
      const go = ready.shift();
      if (go) go(true);
      else if (measuring) missed++;
    };
    // Warm-up (not reported): JIT, plans, the consoles' first refetches.
    await runAtFixedRate({ ratePerSec: o.rate, durationS: o.warmupS, drainMs: 1, onSlot: fire });
    for (const w of workers) w.post({ op: 'reset' });
    const scrape0: Scrape | null = await scrapeMetrics(stack.baseUrl).catch(() => null); // also restarts its event-loop figures
    measuring = true;
    const eld = monitorEventLoopDelay({ resolution: 10 });
    eld.enable();
    const [rr, cpu, wallMs] = await withCpu(stack.pid, () => runAtFixedRate({ ratePerSec: o.rate, durationS: o.durationS, drainMs: 1, onSlot: fire }));
    measuring = false;
    eld.disable();
    const scrape1: Scrape | null = await scrapeMetrics(stack.baseUrl).catch(() => null);
    running = false;
    for (const go of ready.splice(0)) go(false);
    await Promise.race([Promise.all(pipelines), sleep(20_000)]);
    await sleep(2000); // the last events reach the consoles
    const results = await Promise.all(workers.map((w) => w.ask<WorkerResult>({ op: 'finish', actions }, 'result')));

    const durationS = wallMs / 1000;
    const cat = (k: 'callEvent' | 'callMe' | 'queue' | 'presence') => results.flatMap((r) => Array.from(r[k]));
    const d = { callEvent: cat('callEvent'), callMe: cat('callMe'), queue: cat('queue'), presence: cat('presence') };
    const sum = (f: (r: WorkerResult) => Record<string, number>) => {
      const out: Record<string, number> = {};
      for (const r of results) for (const [k, v] of Object.entries(f(r))) out[k] = (out[k] ?? 0) + v;
      return out;
    };
    const requests = sum((r) => r.requests);
    const events = sum((r) => r.events);
    const actionsOut = Object.fromEntries(Object.entries(ops).map(([k, v]) => [k, { summary: rounded(summarize(v.latencies)), errors: v.errors, statuses: v.statuses }]));
    const measured = ['accept', 'hold', 'resume', 'transfer start', 'transfer accept', 'transfer complete'];
    const worstActionP99 = Math.max(...measured.map((k) => actionsOut[k]!.summary.p99).filter(Number.isFinite));
    // Old mode: list events carry nothing, the news is known when the refetch answers (queue, presence);
    // so there 'all' holds only the call/transfer events, and 'known' is the comparable figure.
    const all = rounded(summarize(mode === 'routed' ? [...d.callEvent, ...d.queue, ...d.presence] : d.callEvent));
    const known = rounded(summarize([...d.callMe, ...d.queue, ...d.presence]));
    const report: ModeReport = {
      mode,
      agents: o.agents,
      consolesOpen,
      consolesFailed,
      openStreamsS,
      liveCalls: lines.length,
      offeredRate: o.rate,
      achievedRate: Math.round((Object.values(ops).reduce((n, v) => n + v.latencies.length + v.errors, 0) / durationS) * 10) / 10,
      missedSlots: missed,
      actions: actionsOut,
      worstActionP99,
      delivery: {
        callEvent: rounded(summarize(d.callEvent)),
        callMe: rounded(summarize(d.callMe)),
        queue: rounded(summarize(d.queue)),
        presence: rounded(summarize(d.presence)),
        all,
        known,
      },
      memory: {
        apiRssBeforeMB: Math.round(rssBefore / 1e5) / 10,
        apiRssAfterMB: Math.round(rssAfter / 1e5) / 10,
        perConsoleKB: Math.round((rssAfter - rssBefore) / Math.max(1, consolesOpen) / 102.4) / 10,
        marginalPerConsoleKB: Math.round((rssAfter - rssMid) / Math.max(1, secondHalf) / 102.4) / 10,
      },
      cpu,
      consoles: {
        requestsPerS: Math.round((Object.values(requests).reduce((a, b) => a + b, 0) / durationS) * 10) / 10,
        requests,
        requestErrors: results.reduce((n, r) => n + r.requestErrors, 0),
        eventsPerS: Math.round((Object.values(events).reduce((a, b) => a + b, 0) / durationS) * 10) / 10,
        events,
        receivedKBPerS: Math.round(results.reduce((n, r) => n + r.bytes, 0) / durationS / 102.4) / 10,
        streamsEnded: results.reduce((n, r) => n + r.streamsEnded, 0),
      },
      loadGenerator: { workers: o.workers, workerEventLoopDelayP99Ms: results.map((r) => r.eventLoopDelayP99Ms), mainEventLoopDelayP99Ms: Math.round(eld.percentile(99) / 1e4) / 100 },
      api: scrape0 && scrape1 ? apiSelfReport(scrape0, scrape1) : null,
      met: { actions: worstActionP99 < AIM.actionP99Ms, delivery: (mode === 'routed' ? all : known).p99 < AIM.deliveryP99Ms },
    };
    if (rr.undrained) console.log(`  (${rr.undrained} slots still running at the end)`);
    printMode(report);
    return report;
  } finally {
    await Promise.all(workers.map((w) => w.ask({ op: 'close' }, 'closed', 10_000).catch(() => {})));
    await Promise.all(workers.map((w) => w.terminate()));
    http.close();
    await stack.stop();
  }
}

function printMode(r: ModeReport) {
  const c = r.cpu.percentOfCore;
  console.log(`\n(${r.mode}) actions: offered ${r.offeredRate}/s, achieved ${r.achievedRate}/s${r.missedSlots ? `, ${r.missedSlots} missed slots (every line busy)` : ''}`);
  console.log(
    table(
      ['action', 'ok', 'errors', 'p50 ms', 'p99 ms', 'max ms'],
      Object.entries(r.actions).map(([k, v]) => [k, String(v.summary.n), String(v.errors), v.summary.median, v.summary.p99, v.summary.max]),
    ),
  );
  const errs = Object.entries(r.actions).filter(([, v]) => v.errors);
  if (errs.length) console.log(`statuses: ${errs.map(([k, v]) => `${k} ${JSON.stringify(v.statuses)}`).join('; ')}`);
  console.log(`\n(${r.mode}) delivery, ms from the action's response (0: the event beat the response)`);
  console.log(
    table(
      ['news', 'deliveries', 'p50', 'p99', 'max'],
      [
        ['call/transfer event at the consoles of the call', r.delivery.callEvent],
        ['  … and the home (me) for it at the console', r.delivery.callMe],
        ['queue change known at every console', r.delivery.queue],
        ['agent on_call known at every console', r.delivery.presence],
        [r.mode === 'routed' ? 'all event deliveries (call + queue + presence)' : 'all event deliveries (call/transfer; lists carry nothing)', r.delivery.all],
        ['news known (home, queue, presence)', r.delivery.known],
      ].map(([k, s]) => [k as string, String((s as Summary).n), (s as Summary).median, (s as Summary).p99, (s as Summary).max]),
    ),
  );
  console.log(
    `\n(${r.mode}) API RSS ${r.memory.apiRssBeforeMB} MB → ${r.memory.apiRssAfterMB} MB with ${r.consolesOpen} streams: ${r.memory.perConsoleKB} KB per console (the second half alone: ${r.memory.marginalPerConsoleKB} KB each)` +
      `\n  CPU (% of one core): API ${c.api}, livekit-server ${c.livekit}, postgres ${c.postgres}, load generator ${c.bench} (${r.loadGenerator.workers} workers; event-loop delay p99 ${r.loadGenerator.workerEventLoopDelayP99Ms.join(' / ')} ms, main ${r.loadGenerator.mainEventLoopDelayP99Ms} ms); machine ${r.cpu.machineBusy}% busy` +
      `\n  consoles: ${r.consoles.requestsPerS} requests/s (${Object.entries(r.consoles.requests).map(([k, v]) => `${k} ${v}`).join(', ')}; ${r.consoles.requestErrors} errors), ${r.consoles.eventsPerS} events/s received (${r.consoles.receivedKBPerS} KB/s)${r.consoles.streamsEnded ? `, ${r.consoles.streamsEnded} streams ended` : ''}`,
  );
  if (r.api) {
    const a = r.api;
    console.log(
      `  the API itself (its /metrics over the window): event-loop delay p50 ${a.eventLoopDelayMs.p50} / p99 ${a.eventLoopDelayMs.p99} / max ${a.eventLoopDelayMs.max} ms; ` +
        `${a.actionsWithin50ms.share}% of ${a.actionsWithin50ms.count} agent actions answered within 50 ms server-side; ` +
        `${a.livekitRpc.count} LiveKit RPCs, ${a.livekitRpc.within25ms}% within 25 ms, ${a.livekitRpc.within50ms}% within 50 ms; ` +
        `${a.dbPoolWait.count} Postgres connections taken from the pool, ${a.dbPoolWait.within1ms}% within 1 ms, ${a.dbPoolWait.within10ms}% within 10 ms`,
    );
  }
  console.log(
    `aims at ${r.consolesOpen} consoles: actions p99 < ${AIM.actionP99Ms} ms → ${r.met.actions ? 'met' : 'MISSED'} (worst ${r.worstActionP99} ms); event delivery p99 < ${AIM.deliveryP99Ms} ms → ${r.met.delivery ? 'met' : 'MISSED'} (${r.mode === 'routed' ? r.delivery.all.p99 : `news known ${r.delivery.known.p99}`} ms)`,
  );
}

export async function benchScale(o: ScaleOptions = {}) {
  const opts: Required<ScaleOptions> = { agents: 1000, calls: 500, durationS: 60, rate: 50, workers: 2, compare: 0, legacy: 0, warmupS: 5, queues: 0, ...o };
  const modes: ('routed' | 'legacy')[] = opts.compare ? ['routed', 'legacy'] : [opts.legacy ? 'legacy' : 'routed'];
  const reports: ModeReport[] = [];
  for (const m of modes) reports.push(await runMode(m, opts));
  if (reports.length === 2) {
    const [n, l] = reports as [ModeReport, ModeReport];
    console.log(`\nscale: new (routed, lists in the stream) vs old (every event → every console refetches), ${n.consolesOpen} consoles`);
    console.log(
      table(
        ['', 'new', 'old', 'old / new'],
        [
          ['worst action p99 ms', n.worstActionP99, l.worstActionP99, l.worstActionP99 / n.worstActionP99],
          ['news known at consoles p99 ms', n.delivery.known.p99, l.delivery.known.p99, l.delivery.known.p99 / n.delivery.known.p99],
          ['console requests /s', n.consoles.requestsPerS, l.consoles.requestsPerS, l.consoles.requestsPerS / n.consoles.requestsPerS],
          ['API CPU % of a core', n.cpu.percentOfCore.api, l.cpu.percentOfCore.api, l.cpu.percentOfCore.api / n.cpu.percentOfCore.api],
          ['postgres CPU % of a core', n.cpu.percentOfCore.postgres, l.cpu.percentOfCore.postgres, l.cpu.percentOfCore.postgres / n.cpu.percentOfCore.postgres],
          ['KB per console', n.memory.perConsoleKB, l.memory.perConsoleKB, l.memory.perConsoleKB / n.memory.perConsoleKB],
          ['KB per console (second half)', n.memory.marginalPerConsoleKB, l.memory.marginalPerConsoleKB, l.memory.marginalPerConsoleKB / n.memory.marginalPerConsoleKB],
        ].map(([k, a, b, r]) => [k as string, a as number, b as number, Number.isFinite(r as number) ? `${(r as number).toFixed(1)}×` : '–']),
      ),
    );
  }
  return { options: opts, aims: AIM, modes: Object.fromEntries(reports.map((r) => [r.mode, r])) };
}
