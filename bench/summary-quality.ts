// `summary` benchmark: the local handoff summary over the quality corpus
// (server/test/summary/corpus): share of marked facts kept, invented next steps and values,
// masked-value leaks, and the time one summary takes (p99 aim < 20 ms on 2 cores).
// No stack needed: `npx tsx bench/summary-quality.ts` runs it alone; bench/run.ts can register it.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import * as summary from '../server/src/summary/index.js';
import { CORPUS, FACT_KINDS } from '../server/test/summary/corpus/index.js';
import { scoreCase, scoreCorpus } from '../server/test/summary/quality.js';
import { heading, summaryTable, table } from './lib/report.js';
import { keepSamples, rounded, summarize } from './lib/stats.js';

// Optional while the spoken form is new: the bench still runs on a tree without it.
type Spoken = (s: unknown, maxChars?: number) => string;
const spokenSummary = (summary as unknown as { spokenSummary?: Spoken }).spokenSummary;

export async function benchSummary(o: Record<string, number> = {}) {
  const rounds = Math.max(1, Math.floor(o.rounds ?? 30));
  heading(`summary quality: ${CORPUS.length} handoffs, local provider, ${rounds} timed rounds`);

  const scores = CORPUS.map((c) => {
    const s = summary.summarizeLocally(c.input);
    return scoreCase(c, s.text, spokenSummary ? [spokenSummary(s)] : []);
  });
  const total = scoreCorpus(CORPUS, scores);

  // Warm-up once (model load, JIT), then time every case `rounds` times.
  for (const c of CORPUS) summary.summarizeLocally(c.input);
  // Wall time is what a transfer waits; CPU time shows the cost without other processes'
  // preemption (on a busy 2-core machine the two differ at p99).
  const times: number[] = [];
  const cpu: number[] = [];
  const load = os.loadavg()[0] ?? 0;
  for (let r = 0; r < rounds; r++) {
    for (const c of CORPUS) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      summary.summarizeLocally(c.input);
      times.push(performance.now() - t0);
      const used = process.cpuUsage(c0);
      cpu.push((used.user + used.system) / 1000);
    }
  }
  const timing = rounded(summarize(times));
  const cpuTiming = rounded(summarize(cpu));

  console.log(
    table(
      ['fact kind', 'kept', 'total', 'share'],
      FACT_KINDS.map((k) => [k, String(total.byKind[k].kept), String(total.byKind[k].total), `${pct(total.byKind[k].kept, total.byKind[k].total)}`]),
    ),
  );
  console.log(
    `\nfacts kept ${total.kept}/${total.facts} (${pct(total.kept, total.facts)}) over ${total.cases} handoffs in ${total.domains} domains; ` +
      `invented next steps ${total.inventedNextSteps}, invented values ${total.inventedValues}, leaks ${total.leaks}`,
  );
  const missed = scores.filter((s) => s.missing.length > 0);
  if (missed.length > 0) {
    console.log('\nmissing facts:');
    for (const s of missed) console.log(`  ${s.id}: ${s.missing.map((m) => `${m.kind} "${m.text}"`).join(', ')}`);
  }
  const invented = scores.filter((s) => s.inventedValues.length > 0);
  for (const s of invented) console.log(`  ${s.id}: invented values ${s.inventedValues.join(', ')}`);
  console.log(`\n${summaryTable([['local summary, wall', timing], ['local summary, cpu', cpuTiming]])}`);
  console.log(`(1-minute load average ${load.toFixed(2)} on ${os.cpus().length} cores when timing started)`);
  return {
    ...total,
    keptPercent: Math.round(total.keptShare * 1000) / 10,
    timeMs: timing,
    cpuMs: cpuTiming,
    loadAverage: Math.round(load * 100) / 100,
    // Raw times (ms, at most 2,000) for the report's distribution chart.
    timeSamplesMs: keepSamples(times),
    cpuSamplesMs: keepSamples(cpu),
    missing: missed.map((s) => ({ id: s.id, missing: s.missing })),
  };
}

const pct = (a: number, b: number) => (b === 0 ? '–' : `${((100 * a) / b).toFixed(1)} %`);

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await benchSummary();
}
