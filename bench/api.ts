// Benchmark 3: API latency at a fixed offered rate (open loop, see lib/rate.ts).
//
// (a) POST /api/calls at CALLS_RATE/s, then POST /api/calls/:id/accept of those calls at
//     ACCEPT_RATE/s, each by a free agent from a pool (the agent hangs up right after:
//     not measured, but it is load).
// (b) Transfer operations — create, accept, complete — at TRANSFER_RATE/s in total,
//     pipelined over many agent pairs A_i → B_i. Each pair loops: [A accepts a waiting
//     call] → create → accept → complete → [B hangs up]; bracketed steps are setup and
//     not measured. Each measured operation waits for a slot of the fixed-rate schedule.
// Latency = request sent → response read, on keep-alive connections. The API runs in
// its own process (bench/lib/stack-child.ts). No assertions: a report.
import { performance } from 'node:perf_hooks';
import { cpuGroups, machineBusy, machineSample } from './lib/cpu.js';
import { expectStatus, jsonClient, type HttpResult, type JsonClient } from './lib/http.js';
import { runAtFixedRate, type RateReport } from './lib/rate.js';
import { heading, table } from './lib/report.js';
import { startBenchStack, type BenchAgent } from './lib/stack.js';
import { keepSamples, rounded, summarize, type Summary } from './lib/stats.js';

export interface ApiBenchOptions {
  callsRate?: number;
  callsDurationS?: number;
  acceptRate?: number;
  acceptDurationS?: number;
  acceptAgents?: number;
  transferRate?: number;
  transferDurationS?: number;
  pairs?: number;
  warmupS?: number;
  /** Transfer-operation rates run before the main one, 5 s each (0 = none). */
  sweepFrom?: number;
  sweepStep?: number;
  sweepDurationS?: number;
}

interface OpStats {
  latencies: number[];
  errors: number;
  statuses: Record<string, number>;
}
const newOp = (): OpStats => ({ latencies: [], errors: 0, statuses: {} });
function record(op: OpStats, r: HttpResult, ok: number) {
  op.statuses[String(r.status)] = (op.statuses[String(r.status)] ?? 0) + 1;
  if (r.status === ok) op.latencies.push(r.ms);
  else op.errors++;
}

interface LoadReport {
  /** samples: the successful latencies (ms) for the report's distribution chart, at most 2,000 (lib/stats.ts keepSamples). */
  ops: Record<string, { summary: Summary; errors: number; statuses: Record<string, number>; samples: number[] }>;
  offeredRate: number;
  /** Measured operations actually sent per second (lower than offered when slots were missed). */
  achievedRate: number;
  durationS: number;
  missedSlots: number;
  scheduleLag: Summary;
  undrained: number;
  cpu: Cpu;
  setupErrors: number;
  unmeasuredRequests: number;
}

function finishReport(ops: Record<string, OpStats>, rate: number, durationS: number, missed: number, rr: RateReport, cpu: Cpu, setupErrors: number, unmeasured: number): LoadReport {
  return {
    ops: Object.fromEntries(Object.entries(ops).map(([k, v]) => [k, { summary: rounded(summarize(v.latencies)), errors: v.errors, statuses: v.statuses, samples: keepSamples(v.latencies) }])),
    offeredRate: rate,
    achievedRate: Math.round((Object.values(ops).reduce((n, v) => n + v.latencies.length + v.errors, 0) / durationS) * 10) / 10,
    durationS,
    missedSlots: missed,
    scheduleLag: rounded(summarize(rr.lagMs)),
    undrained: rr.undrained,
    cpu,
    setupErrors,
    unmeasuredRequests: unmeasured,
  };
}

type Cpu = { percentOfCore: Record<'api' | 'livekit' | 'postgres' | 'bench', number>; machineBusy: number };

/** CPU of the API process, its livekit-server, Postgres and this process around fn (% of one core). */
async function withCpu<T>(pid: number, fn: () => Promise<T>): Promise<[T, Cpu]> {
  const c0 = cpuGroups(pid);
  const m0 = machineSample();
  const t0 = performance.now();
  const r = await fn();
  const wall = performance.now() - t0;
  const c1 = cpuGroups(pid);
  const pct = (k: keyof typeof c0) => Math.round(((c1[k] - c0[k]) / wall) * 1000) / 10;
  return [r, { percentOfCore: { api: pct('api'), livekit: pct('livekit'), postgres: pct('postgres'), bench: pct('bench') }, machineBusy: Math.round(machineBusy(m0, machineSample()) * 1000) / 10 }];
}

async function parallel<T>(items: T[], concurrency: number, fn: (x: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

// --- (a) calls and accepts ---------------------------------------------------------

async function createCallsAtRate(http: JsonClient, pid: number, rate: number, durationS: number, ids: string[]): Promise<LoadReport> {
  const op = newOp();
  const [rr, cpu] = await withCpu(pid, () =>
    runAtFixedRate({
      ratePerSec: rate,
      durationS,
      onSlot: async (i) => {
        const r = await http.request('POST', '/api/calls', { body: { name: `Load caller ${i}`, reason: 'Load test: order 77120 refund' } });
        record(op, r, 201);
        if (r.status === 201) ids.push((r.body as { id: string }).id);
      },
    }),
  );
  return finishReport({ 'POST /api/calls': op }, rate, durationS, 0, rr, cpu, 0, 0);
}

async function acceptCallsAtRate(http: JsonClient, pid: number, rate: number, durationS: number, ids: string[], agents: BenchAgent[]): Promise<LoadReport> {
  const op = newOp();
  const free = [...agents];
  let missed = 0;
  let setupErrors = 0;
  let unmeasured = 0;
  const [rr, cpu] = await withCpu(pid, () =>
    runAtFixedRate({
      ratePerSec: rate,
      durationS,
      onSlot: async () => {
        const agent = free.shift();
        const id = ids.shift();
        if (!agent || !id) {
          if (agent) free.push(agent);
          missed++;
          return;
        }
        const r = await http.request('POST', `/api/calls/${id}/accept`, { token: agent.token });
        record(op, r, 200);
        const h = await http.request('POST', `/api/calls/${id}/hangup`, { token: agent.token }); // frees the agent (not measured)
        unmeasured++;
        if (h.status !== 200) setupErrors++;
        free.push(agent);
      },
    }),
  );
  return finishReport({ 'POST /api/calls/:id/accept': op }, rate, durationS, missed, rr, cpu, setupErrors, unmeasured);
}

// --- (b) transfer operations ---------------------------------------------------------

async function transferLoad(
  http: JsonClient,
  pid: number,
  rate: number,
  durationS: number,
  pairs: [BenchAgent, BenchAgent][],
  waiting: string[],
): Promise<LoadReport> {
  const ops = { 'POST /api/calls/:id/transfers': newOp(), 'POST /api/transfers/:id/accept': newOp(), 'POST /api/transfers/:id/complete': newOp() };
  const ready: ((go: boolean) => void)[] = [];
  let missed = 0;
  let setupErrors = 0;
  let unmeasured = 0;
  let running = true;
  const slot = () => new Promise<boolean>((resolve) => (running ? ready.push(resolve) : resolve(false)));
  const setup = async (method: string, path: string, token: string, body?: unknown) => {
    unmeasured++;
    return http.request(method, path, { token, ...(body !== undefined ? { body } : {}) });
  };

  async function pipeline(A: BenchAgent, B: BenchAgent) {
    // Bounded: the schedule ends after durationS; every iteration waits for slots.
    for (let cycle = 0; running && cycle < 10_000; cycle++) {
      let callId = waiting.shift();
      if (!callId) {
        // Ran out of pre-created calls: create one (setup, not measured).
        unmeasured++;
        const created = await http.request('POST', '/api/calls', { body: { name: 'Load caller', reason: 'Load test' } });
        if (created.status !== 201) {
          setupErrors++;
          continue;
        }
        callId = (created.body as { id: string }).id;
      }
      const acc = await setup('POST', `/api/calls/${callId}/accept`, A.token);
      if (acc.status !== 200) {
        setupErrors++;
        continue;
      }
      let owner = A;
      try {
        if (!(await slot())) break;
        const t = await http.request('POST', `/api/calls/${callId}/transfers`, { token: A.token, body: { target: { type: 'agent', agentId: B.id }, notes: 'Verified identity; wants a refund.' } });
        record(ops['POST /api/calls/:id/transfers'], t, 201);
        if (t.status !== 201) continue;
        const transferId = (t.body as { id: string }).id;
        if (!(await slot())) break;
        const a = await http.request('POST', `/api/transfers/${transferId}/accept`, { token: B.token });
        record(ops['POST /api/transfers/:id/accept'], a, 200);
        if (a.status !== 200) continue;
        if (!(await slot())) break;
        const c = await http.request('POST', `/api/transfers/${transferId}/complete`, { token: A.token, body: {} });
        record(ops['POST /api/transfers/:id/complete'], c, 200);
        if (c.status === 200) owner = B;
      } finally {
        // Not measured: end the call so both agents are free for the next cycle.
        // (After a complete A is already off the call; B hanging up frees B.)
        const h = await setup('POST', `/api/calls/${callId}/hangup`, owner.token);
        if (h.status !== 200) setupErrors++;
      }
    }
  }

  const workers = pairs.map(([A, B]) => pipeline(A, B));
  const [rr, cpu] = await withCpu(pid, () =>
    runAtFixedRate({
      ratePerSec: rate,
      durationS,
      drainMs: 1,
      onSlot: () => {
        const go = ready.shift();
        if (go) go(true);
        else missed++;
      },
    }),
  );
  running = false;
  for (const go of ready.splice(0)) go(false);
  await Promise.race([Promise.all(workers), new Promise((r) => setTimeout(r, 20_000))]);
  return finishReport(ops, rate, durationS, missed, rr, cpu, setupErrors, unmeasured);
}

function printLoad(title: string, r: LoadReport) {
  const c = r.cpu.percentOfCore;
  console.log(`\n${title}: offered ${r.offeredRate}/s for ${r.durationS} s, achieved ${r.achievedRate}/s`);
  console.log(`  CPU (% of one core): API ${c.api}, livekit-server ${c.livekit}, postgres ${c.postgres}, bench client ${c.bench}; machine ${r.cpu.machineBusy}% busy (2 cores)`);
  console.log(
    table(
      ['operation', 'ok', 'errors', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
      Object.entries(r.ops).map(([k, v]) => [k, String(v.summary.n), String(v.errors), v.summary.median, v.summary.p95, v.summary.p99, v.summary.max]),
    ),
  );
  const extras = [
    r.missedSlots ? `missed slots (every agent/pipeline busy waiting for responses: the offered rate was not reached): ${r.missedSlots}` : '',
    r.setupErrors ? `setup errors (not measured): ${r.setupErrors}` : '',
    r.unmeasuredRequests ? `unmeasured setup/hang-up requests alongside: ${r.unmeasuredRequests} (${(r.unmeasuredRequests / r.durationS).toFixed(0)}/s)` : '',
    `schedule lag p99 ${r.scheduleLag.p99} ms`,
    Object.values(r.ops).some((v) => v.errors) ? `statuses: ${Object.entries(r.ops).map(([k, v]) => `${k} ${JSON.stringify(v.statuses)}`).join('; ')}` : '',
  ].filter(Boolean);
  console.log(extras.join('; '));
}

export async function benchApi(o: ApiBenchOptions = {}) {
  const opts = {
    callsRate: 100,
    callsDurationS: 10,
    acceptRate: 100,
    acceptDurationS: 10,
    acceptAgents: 40,
    transferRate: 200,
    transferDurationS: 10,
    pairs: 60,
    warmupS: 2,
    sweepFrom: 50,
    sweepStep: 50,
    sweepDurationS: 5,
    ...o,
  };
  const sweepRates: number[] = [];
  for (let r = opts.sweepFrom; r > 0 && r < opts.transferRate && sweepRates.length < 10; r += opts.sweepStep) sweepRates.push(r);
  heading(`API latency at fixed rate (calls ${opts.callsRate}/s, accepts ${opts.acceptRate}/s, transfer ops ${opts.transferRate}/s)`);
  const stack = await startBenchStack({ TRANSFER_RING_TIMEOUT_S: '60' });
  const http = jsonClient(stack.baseUrl, { maxSockets: 128 });
  try {
    const t0 = performance.now();
    const agents = await stack.createAgents(opts.acceptAgents + 2 * opts.pairs, 'load');
    console.log(`  ${agents.length} agents created with createAgent in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const acceptAgents = agents.slice(0, opts.acceptAgents);
    const pairAgents = agents.slice(opts.acceptAgents);
    const pairs: [BenchAgent, BenchAgent][] = Array.from({ length: opts.pairs }, (_, i) => [pairAgents[2 * i]!, pairAgents[2 * i + 1]!]);

    // Warm-up (not reported): JIT, connection pool, Postgres plans.
    const warmIds: string[] = [];
    await createCallsAtRate(http, stack.pid, 50, opts.warmupS, warmIds);
    await acceptCallsAtRate(http, stack.pid, 50, opts.warmupS, warmIds, acceptAgents);
    for (const id of warmIds) await http.request('POST', `/api/calls/${id}/hangup`, { token: acceptAgents[0]!.token });

    const ids: string[] = [];
    const calls = await createCallsAtRate(http, stack.pid, opts.callsRate, opts.callsDurationS, ids);
    printLoad('(a) create calls', calls);
    const accepts = await acceptCallsAtRate(http, stack.pid, opts.acceptRate, opts.acceptDurationS, ids, acceptAgents);
    printLoad('(a) accept calls (pre-created), hang-up after each', accepts);
    for (const id of ids.splice(0)) await http.request('POST', `/api/calls/${id}/hangup`, { token: acceptAgents[0]!.token });

    // (b) Pre-create the waiting calls the pipelines will take (setup, not measured).
    const plannedOps = opts.transferRate * opts.transferDurationS + (opts.transferRate / 2) * opts.warmupS + sweepRates.reduce((n, r) => n + r * opts.sweepDurationS, 0);
    const cycles = Math.ceil((plannedOps / 3) * 1.1) + opts.pairs;
    const waiting: string[] = [];
    const t1 = performance.now();
    await parallel(Array.from({ length: cycles }, (_, i) => i), 16, async (i) => {
      const r = await http.request('POST', '/api/calls', { body: { name: `Transfer caller ${i}`, reason: 'Load test: order 77120 refund' } });
      waiting.push(expectStatus<{ id: string }>(r, 201, 'pre-create call').id);
    });
    console.log(`\n  ${waiting.length} waiting calls pre-created for the transfer pipelines in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    await transferLoad(http, stack.pid, opts.transferRate / 2, opts.warmupS, pairs, waiting); // warm-up
    const sweep: LoadReport[] = [];
    for (const rate of sweepRates) sweep.push(await transferLoad(http, stack.pid, rate, opts.sweepDurationS, pairs, waiting));
    const transfers = await transferLoad(http, stack.pid, opts.transferRate, opts.transferDurationS, pairs, waiting);
    if (sweep.length) {
      console.log(`\n(b) transfer operations: p50 / p99 ms by offered rate (${opts.sweepDurationS} s each, then ${opts.transferDurationS} s at ${opts.transferRate}/s)`);
      const short = (k: string) => k.replace(/^POST \/api\/(calls\/:id\/)?/, '').replace('transfers/:id/', '');
      console.log(
        table(
          ['offered/s', 'achieved/s', ...Object.keys(transfers.ops).map(short), 'errors', 'API cpu%', 'pg cpu%', 'machine%'],
          [...sweep, transfers].map((r) => [
            String(r.offeredRate),
            String(r.achievedRate),
            ...Object.values(r.ops).map((v) => `${v.summary.median} / ${v.summary.p99}`),
            String(Object.values(r.ops).reduce((n, v) => n + v.errors, 0)),
            String(r.cpu.percentOfCore.api),
            String(r.cpu.percentOfCore.postgres),
            String(r.cpu.machineBusy),
          ]),
        ),
      );
    }
    printLoad(`(b) transfer operations over ${opts.pairs} agent pairs`, transfers);
    const worstP99 = Math.max(...Object.values(transfers.ops).map((v) => v.summary.p99));
    const errors = Object.values(transfers.ops).reduce((n, v) => n + v.errors, 0);
    console.log(`\ntarget: transfer operations p99 < 50 ms at ${opts.transferRate} ops/s → ${worstP99 < 50 ? 'met' : 'MISSED'} (worst p99 ${worstP99} ms, ${errors} errors)`);
    return { options: opts, calls, accepts, transfers, transferSweep: sweep, target: { p99Ms: 50, worstP99, met: worstP99 < 50, errors } };
  } finally {
    http.close();
    await stack.stop();
  }
}
