// Runs the benchmarks and writes bench/results/<timestamp>.json and latest.json, and the same
// as an HTML report with charts: <timestamp>.html and latest.html (lib/report-html.ts).
//   npx tsx bench/run.ts                 all three
//   npx tsx bench/run.ts handoff api     a subset (join | handoff | api)
//   npx tsx bench/run.ts api transferRate=100 transferDurationS=5
//                                        numeric options (see each benchmark's options)
// Numbers come from a benchmark, never from a timed test (the aims are in bench/README.md).

// rtc-node's logger prints at debug level unless NODE_ENV is production. This process
// only hosts the load generator and the audio participants; the API runs in a child
// process with NODE_ENV=test (bench/lib/stack.ts).
process.env.NODE_ENV = 'production';

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const { machineBusy, machineSample } = await import('./lib/cpu.js');

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RESULTS = path.join(HERE, 'results');

type Options = Record<string, number>;
type Runner = (o: Options) => Promise<unknown>;
const BENCHMARKS: Record<string, Runner> = {
  join: async (o) => (await import('./join.js')).benchJoin(o),
  handoff: async (o) => (await import('./handoff.js')).benchHandoff(o),
  api: async (o) => (await import('./api.js')).benchApi(o),
  phone: async (o) => (await import('./phone-bridge.js')).benchPhone(o),
  summary: async (o) => (await import('./summary-quality.js')).benchSummary(o),
  'phone-handoff': async (o) => (await import('./phone-handoff.js')).benchPhoneHandoff(o),
  scale: async (o) => (await import('./scale.js')).benchScale(o),
};

const argv = process.argv.slice(2).filter((a) => a !== '--');
const options: Options = {};
for (const a of argv.filter((x) => x.includes('='))) {
  const [k, v] = a.split('=') as [string, string];
  if (!Number.isFinite(Number(v))) {
    console.error(`option ${k} must be a number (got "${v}")`);
    process.exit(2);
  }
  options[k] = Number(v);
}
const args = argv.filter((x) => !x.includes('='));
const unknown = args.filter((a) => !(a in BENCHMARKS));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; choose from ${Object.keys(BENCHMARKS).join(', ')}`);
  process.exit(2);
}
const selected = args.length ? Object.keys(BENCHMARKS).filter((k) => args.includes(k)) : Object.keys(BENCHMARKS);

/** CPU used by other processes before we start: a busy machine makes every figure worse. */
async function backgroundLoad(): Promise<number> {
  const a = machineSample();
  await new Promise((r) => setTimeout(r, 1000));
  return Math.round(machineBusy(a, machineSample()) * 1000) / 10;
}

const started = new Date();
const environment = {
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? '?',
  loadavg: os.loadavg().map((v) => Math.round(v * 100) / 100),
  busyBeforeStartPercent: await backgroundLoad(),
};
console.log(`Warmline benchmarks: ${selected.join(', ')}  (node ${environment.node}, ${environment.cpus} × ${environment.cpuModel})`);
if (environment.busyBeforeStartPercent > 15) {
  console.log(`!! the machine was already ${environment.busyBeforeStartPercent}% busy before the benchmarks started (load ${environment.loadavg.join(' ')}): figures will be pessimistic`);
}

const results: Record<string, unknown> = {};
let failed = 0;
for (const name of selected) {
  const eld = monitorEventLoopDelay({ resolution: 10 });
  eld.enable();
  const t0 = performance.now();
  // Other processes (a test run, a browser) skew every figure on 2 cores: wait up to
  // 30 s for the machine to calm down, then go anyway and record how busy it was.
  let busyBefore = await backgroundLoad();
  for (let waited = 0; busyBefore > 25 && waited < 30; waited++) {
    if (waited === 0) console.log(`(machine ${busyBefore}% busy with other work; waiting up to 30 s for it to settle)`);
    busyBefore = await backgroundLoad();
  }
  try {
    const r = (await BENCHMARKS[name]!(options)) as Record<string, unknown>;
    results[name] = { ...r, busyBeforePercent: busyBefore };
  } catch (err) {
    failed++;
    console.error(`\n${name}: FAILED\n${err instanceof Error ? err.stack : String(err)}`);
    results[name] = { error: err instanceof Error ? err.message : String(err), busyBeforePercent: busyBefore };
  } finally {
    eld.disable();
    const entry = results[name] as Record<string, unknown>;
    entry.durationS = Math.round((performance.now() - t0) / 100) / 10;
    // Event-loop delay of this (measuring) process: large values would blur timestamps.
    entry.benchEventLoopDelayMs = { p99: Math.round(eld.percentile(99) / 1e4) / 100, max: Math.round(eld.max / 1e4) / 100 };
    console.log(`\n(${name}: ${entry.durationS} s; measuring process event-loop delay p99 ${(entry.benchEventLoopDelayMs as { p99: number }).p99} ms)`);
  }
}

fs.mkdirSync(RESULTS, { recursive: true });
const stamp = started.toISOString().replace(/[:.]/g, '-');
const file = path.join(RESULTS, `${stamp}.json`);
const json = JSON.stringify({ startedAt: started.toISOString(), environment, options, benchmarks: results }, null, 2);
fs.writeFileSync(file, json);
fs.writeFileSync(path.join(RESULTS, 'latest.json'), json);
console.log(`\nresults: ${path.relative(process.cwd(), file)} (and bench/results/latest.json)`);
// The same results as one self-contained HTML page with charts, the previous run of each
// benchmark overlaid (BENCH_COMPARE=<file> picks another, =none none): bench/lib/report-html.ts.
try {
  const { writeHtmlReports } = await import('./lib/report-html.js');
  const html = writeHtmlReports(file, JSON.parse(json), { latest: true, compare: process.env.BENCH_COMPARE });
  console.log(`report:  ${path.relative(process.cwd(), html)} (and bench/results/latest.html)`);
} catch (err) {
  failed++;
  console.error(`HTML report: FAILED ${err instanceof Error ? err.stack : String(err)}`);
}
process.exit(failed ? 1 : 0);
