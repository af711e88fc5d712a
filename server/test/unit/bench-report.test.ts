// bench/lib/report-html.ts: the benchmark results as one self-contained HTML page (issue 13).
// Pure: results JSON (+ the runs to compare with, + the Chart.js source) in, HTML out. The page
// loads nothing from the network, has one canvas per chart of the benchmarks the run contains,
// escapes every string taken from the results, and embeds the data.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPrevious, readChartJs, renderReport, type BenchResultsDoc } from '../../../bench/lib/report-html.js';
import { keepSamples } from '../../../bench/lib/stats.js';

const CHART_JS = readChartJs();
const EVIL = '</script><script>alert("pwned")</script><img src=x onerror=alert(1)>';

const summary = (median: number, n = 20) => ({ n, min: median / 2, median, p95: median * 1.5, p99: median * 2, max: median * 3, mean: median });
const load = (rate: number, p50: number) => ({
  ops: {
    'POST /api/calls/:id/transfers': { summary: summary(p50), errors: 0, statuses: { '201': 20 }, samples: [p50, p50 + 1, p50 + 9] },
    'POST /api/transfers/:id/accept': { summary: summary(p50 + 1), errors: 0, statuses: { '200': 20 }, samples: [p50 + 1, p50 + 2] },
  },
  offeredRate: rate,
  achievedRate: rate,
  durationS: 5,
  missedSlots: 0,
  cpu: { percentOfCore: { api: 40, livekit: 1, postgres: 30, bench: 20 }, machineBusy: 60 },
});

function results(): BenchResultsDoc {
  return {
    startedAt: '2026-11-27T01:00:00.000Z',
    environment: { node: 'v20', cpus: 2, cpuModel: `EPYC ${EVIL}` },
    options: { transfers: 3 },
    benchmarks: {
      join: {
        calls: 3,
        warmup: 1,
        failures: [],
        summaries: { total: summary(612.3), create: summary(8) },
        samples: [{ total: 600.1, create: 8 }, { total: 612.3, create: 9 }, { total: 987.6, create: 7 }],
        target: { p95Ms: 1000, met: true },
      },
      handoff: {
        transfers: 3,
        warmup: 1,
        consultMs: 1500,
        failures: [`transfer 4: ${EVIL}`],
        summaries: { gap: summary(71.7), bHearsCaller: summary(90) },
        privacy: { callerHeardAConsult: 0, callerHeardB: 0, bHeardCaller: 0, inFlightTail: 4, windowMs: 4500, leakedFrames: 0, framesInWindowIncludingInFlight: 4 },
        samples: [{ gap: 61.25, bHearsCaller: 80 }, { gap: 71.75, bHearsCaller: 90 }, { gap: 143.5, bHearsCaller: 99 }],
        target: { gapP95Ms: 150, met: true, leaksZero: true },
      },
      api: {
        calls: { ...load(100, 5), ops: { 'POST /api/calls': { summary: summary(4), errors: 0, statuses: {}, samples: [3, 4, 5] } } },
        accepts: { ...load(100, 6), ops: { 'POST /api/calls/:id/accept': { summary: summary(6), errors: 0, statuses: {}, samples: [5, 6, 7] } } },
        transfers: load(200, 12),
        transferSweep: [load(50, 4), load(100, 6)],
        target: { p99Ms: 50, worstP99: 26, met: true, errors: 0 },
      },
      [`scale${EVIL}`]: { error: `stack failed: ${EVIL}` },
    },
  };
}

const jsonScript = (html: string, id: string): unknown => {
  const m = html.match(new RegExp(`<script type="application/json" id="${id}">([\\s\\S]*?)</script>`));
  expect(m, id).not.toBeNull();
  return JSON.parse(m![1]!);
};
const canvases = (html: string) => [...html.matchAll(/<canvas id="([^"]+)"/g)].map((m) => m[1]!);

describe('renderReport', () => {
  it('is self-contained: Chart.js inlined, nothing loaded by URL', () => {
    const html = renderReport({ results: results(), chartJs: CHART_JS });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(CHART_JS.slice(0, 200)); // the library itself, not a reference to it
    expect(html).not.toMatch(/<(script|link|img|iframe|source)\b[^>]*\s(src|href)\s*=/i); // no external script, style, image
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(\s*["']?https?:/i);
  });

  it('draws one canvas per chart, only for the benchmarks the run contains', () => {
    const only = results();
    only.benchmarks = { join: only.benchmarks.join, handoff: only.benchmarks.handoff };
    const html = renderReport({ results: only, chartJs: CHART_JS });
    const charts = jsonScript(html, 'bench-charts') as { id: string; config: { type: string } }[];
    const ids = canvases(html);
    expect(ids).toEqual(charts.map((c) => c.id)); // one canvas per chart, each with its chart
    expect(new Set(ids).size).toBe(ids.length);
    expect(html).toContain('id="bench-join"');
    expect(html).toContain('id="bench-handoff"');
    expect(html).not.toContain('id="bench-api"');
    // join: two-way audio; handoff: the gap, around the handoff, privacy counts.
    expect(html.match(/<figcaption>/g)).toHaveLength(4);
    expect(html).toContain('Handoff gap, per transfer');
    expect(html).toContain('Privacy: frames in the consultation window');

    const all = renderReport({ results: results(), chartJs: CHART_JS });
    expect(all).toContain('latency by offered rate');
    expect(canvases(all)).toEqual((jsonScript(all, 'bench-charts') as { id: string }[]).map((c) => c.id));
    expect(canvases(all).length).toBeGreaterThan(ids.length);
  });

  it('shows key figures and the privacy count plainly', () => {
    const html = renderReport({ results: results(), chartJs: CHART_JS });
    expect(html).toMatch(/HANDOFF GAP: complete → caller hears B<\/th><td>20<\/td><td>71\.7<\/td><td>108<\/td><td>143<\/td><td>p95 &lt; 150 ms<\/td><td class="met">/);
    expect(html).toMatch(/class="banner ok">Leaked frames[^<]*: <strong>0<\/strong>/);
    const leaky = results();
    (leaky.benchmarks.handoff as { privacy: { leakedFrames: number } }).privacy.leakedFrames = 3;
    expect(renderReport({ results: leaky, chartJs: CHART_JS })).toMatch(/class="banner bad">Leaked frames[^<]*: <strong>3<\/strong> — NOT ZERO/);
  });

  it('escapes every string from the results', () => {
    const html = renderReport({ results: results(), chartJs: CHART_JS });
    const outsideLibrary = html.replace(CHART_JS, '');
    expect(outsideLibrary).not.toContain('<script>alert');
    expect(outsideLibrary).not.toContain('<img src=x');
    expect(outsideLibrary).toContain('&lt;/script&gt;&lt;script&gt;alert(&quot;pwned&quot;)');
    // Only our own four <script> elements (two JSON, Chart.js, the boot code).
    expect(outsideLibrary.match(/<script\b/g)).toHaveLength(4);
    expect(outsideLibrary.match(/<\/script>/g)).toHaveLength(4);
  });

  it('embeds the data: the results round-trip, and the charts carry the samples', () => {
    const input = results();
    const html = renderReport({ results: input, chartJs: CHART_JS });
    expect(jsonScript(html, 'bench-results')).toEqual(input);
    const charts = jsonScript(html, 'bench-charts') as { config: { data: { datasets: { label: string; data: { x: number; y: number }[] }[] } } }[];
    const gap = charts.flatMap((c) => c.config.data.datasets).find((d) => d.label.startsWith('complete → caller hears B'))!;
    expect(gap.data.map((p) => p.y)).toEqual([61.3, 71.8, 143.5]); // sorted, 0.1 ms
    expect(gap.data.at(-1)!.x).toBe(100); // the largest at the 100th percentile: the tail shows
  });

  it('overlays the previous run of a benchmark, lighter, with its median in the table', () => {
    const prev = results().benchmarks.handoff as { summaries: { gap: ReturnType<typeof summary> }; samples: { gap: number }[] };
    prev.summaries.gap = summary(222.2);
    prev.samples = [{ gap: 200 }, { gap: 222.2 }];
    const html = renderReport({ results: results(), previous: { handoff: { label: '2026-11-26T00-00-00-000Z.json', result: prev } }, chartJs: CHART_JS });
    expect(html).toContain('Compared with');
    expect(html).toContain('2026-11-26T00-00-00-000Z.json');
    expect(html).toMatch(/HANDOFF GAP[^\n]*<td class="prev">222<\/td>/);
    const datasets = (jsonScript(html, 'bench-charts') as { config: { data: { datasets: { label: string; borderColor?: string }[] } } }[]).flatMap((c) => c.config.data.datasets);
    const previous = datasets.find((d) => d.label === 'complete → caller hears B (n=2) (previous)');
    expect(previous?.borderColor).toMatch(/^rgba\(.*0\.35\)$/);
    // No previous given: no comparison column.
    expect(renderReport({ results: results(), chartJs: CHART_JS })).not.toContain('previous median');
  });
});

describe('renderReport, other results', () => {
  it('shows a failed benchmark plainly, and charts one it has no view for by the shape of its result', () => {
    const doc = results();
    doc.benchmarks = {
      [`scale${EVIL}`]: { error: `stack failed: ${EVIL}`, busyBeforePercent: 80 },
      newbench: { summaries: { fanout: summary(12) }, samples: [{ fanoutMs: 10 }, { fanoutMs: 12 }, { fanoutMs: 30 }], target: { p99Ms: 100, met: false } },
    };
    const html = renderReport({ results: doc, chartJs: CHART_JS });
    expect(html).toContain('This benchmark failed: <code>stack failed: &lt;/script&gt;');
    expect(html).toContain('80% busy with other work');
    expect(html).toMatch(/summaries\.fanout<\/th><td>20<\/td><td>12<\/td>/);
    expect(html).toContain('<td class="missed">✗ not met</td>');
    const charts = jsonScript(html, 'bench-charts') as { config: { data: { datasets: { label: string }[] } } }[];
    expect(charts).toHaveLength(1);
    expect(charts[0]!.config.data.datasets[0]!.label).toBe('samples.fanoutMs (n=3)');
    expect(canvases(html)).toHaveLength(1);
  });
});

describe('renderReport, scale', () => {
  it('tabulates each fan-out mode against its aims and charts actions and deliveries', () => {
    const mode = (p99: number) => ({
      actions: { hold: { summary: summary(10), errors: 0, statuses: {} } },
      worstActionP99: p99,
      delivery: { all: summary(40), queue: summary(30) },
      met: { actions: p99 < 50, delivery: true },
    });
    const doc: BenchResultsDoc = { benchmarks: { scale: { aims: { actionP99Ms: 50, deliveryP99Ms: 250 }, modes: { routed: mode(31), legacy: mode(77) } } } };
    const html = renderReport({ results: doc, chartJs: CHART_JS });
    expect(html).toMatch(/routed: worst action p99<\/th><td colspan="4" class="value">31 ms<\/td><td>p99 &lt; 50 ms<\/td><td class="met">/);
    expect(html).toMatch(/legacy: worst action p99<\/th><td colspan="4" class="value">77 ms<\/td><td>p99 &lt; 50 ms<\/td><td class="missed">/);
    expect(html).toContain('routed: delivery to every console (all news)');
    expect(canvases(html)).toHaveLength(2);
  });
});

describe('findPrevious', () => {
  it('takes, per benchmark, the newest earlier run that has it without an error, or the BENCH_COMPARE file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-report-'));
    try {
      const write = (name: string, benchmarks: Record<string, unknown>) => fs.writeFileSync(path.join(dir, name), JSON.stringify({ startedAt: name, benchmarks }));
      write('2026-01-01T00-00-00-000Z.json', { join: { v: 'old join' }, handoff: { v: 'old handoff' } });
      write('2026-01-02T00-00-00-000Z.json', { join: { v: 'newer join' }, handoff: { error: 'failed' } });
      write('2026-01-04T00-00-00-000Z.json', { join: { v: 'later than the current run' } });
      write('latest.json', { join: { v: 'latest' } });
      const current = { benchmarks: { join: {}, handoff: {}, api: {} } };
      const prev = findPrevious(dir, path.join(dir, '2026-01-03T00-00-00-000Z.json'), current);
      expect(prev.join).toMatchObject({ label: '2026-01-02T00-00-00-000Z.json', result: { v: 'newer join' } });
      expect(prev.handoff).toMatchObject({ label: '2026-01-01T00-00-00-000Z.json', result: { v: 'old handoff' } });
      expect(prev.api).toBeUndefined();
      const chosen = findPrevious(dir, path.join(dir, '2026-01-03T00-00-00-000Z.json'), current, path.join(dir, '2026-01-01T00-00-00-000Z.json'));
      expect(chosen.join).toMatchObject({ label: '2026-01-01T00-00-00-000Z.json', result: { v: 'old join' } });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('keepSamples', () => {
  it('keeps every value up to the bound, then evenly spaced ranks with the min and the max', () => {
    expect(keepSamples([3.14159, 2, Number.NaN])).toEqual([3.1, 2]);
    const many = Array.from({ length: 10_000 }, (_, i) => (i * 7919) % 10_000);
    const kept = keepSamples(many, 2000);
    expect(kept).toHaveLength(2000);
    expect(kept[0]).toBe(0);
    expect(kept.at(-1)).toBe(9999);
    expect([...kept].sort((a, b) => a - b)).toEqual(kept);
  });
});
