// The benchmark report as ONE self-contained HTML file (issue 13): bench/run.ts writes
// bench/results/<timestamp>.html and latest.html beside the JSON. Chart.js is inlined (no
// network; the file opens from disk), the results are embedded as JSON, and each benchmark the
// run contains gets a section: its key figures (median, p95, p99, aim, met) and charts of its
// distributions, with the previous run of the same benchmark overlaid in a lighter colour.
//
//   renderReport(input)        pure: results JSON (+ previous runs, + Chart.js source) → HTML
//   writeHtmlReports(...)      picks the previous runs in bench/results (or BENCH_COMPARE) and writes
//   npx tsx bench/lib/report-html.ts bench/results/<file>.json [compare.json]
//                              (re)builds <file>.html from a results file
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What bench/run.ts writes. Results are read as `unknown`: old files and new benchmarks differ. */
export interface BenchResultsDoc {
  startedAt?: string;
  environment?: Record<string, unknown>;
  options?: Record<string, unknown>;
  benchmarks: Record<string, unknown>;
}

/** The earlier run of one benchmark that its section overlays. */
export interface PreviousRun {
  /** Where it came from (a file name), shown in the report. */
  label: string;
  startedAt?: string;
  result: unknown;
}

export interface ReportInput {
  results: BenchResultsDoc;
  /** Per benchmark name, the run to compare with. */
  previous?: Record<string, PreviousRun>;
  /** Chart.js UMD source (chart.umd.min.js), inlined in a <script>. */
  chartJs: string;
  title?: string;
}

// ---- reading unknown JSON ------------------------------------------------------------------

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const at = (v: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((o, k) => obj(o)?.[k], v);

interface SummaryLike {
  n?: number;
  median?: number;
  p95?: number;
  p99?: number;
  max?: number;
}
function summaryOf(v: unknown): SummaryLike | undefined {
  const o = obj(v);
  if (!o || !('median' in o) || !('p95' in o)) return undefined;
  return { n: num(o.n), median: num(o.median), p95: num(o.p95), p99: num(o.p99), max: num(o.max) };
}
/** Numbers of an array, or one numeric field of an array of objects (null/missing skipped). */
function values(v: unknown, key?: string): number[] {
  const out: number[] = [];
  for (const x of arr(v)) {
    const n = key === undefined ? num(x) : num(obj(x)?.[key]);
    if (n !== undefined) out.push(n);
  }
  return out;
}
function nearestRank(sorted: readonly number[], p: number): number | undefined {
  if (!sorted.length) return undefined;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1];
}

// ---- escaping ------------------------------------------------------------------------------

export function escapeHtml(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
/** JSON that is safe inside <script>: `<` (so no `</script>` or `<!--`), `>`, `&` and U+2028/2029 as \u escapes. */
export function jsonForScript(v: unknown): string {
  return JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
/** A script's source inlined: `</script` cannot end the element early. */
const inlineScript = (src: string) => src.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');

const fmt = (v: number | undefined | null) => (v === undefined || v === null || !Number.isFinite(v) ? '–' : Math.abs(v) >= 100 ? v.toFixed(0) : String(Math.round(v * 10) / 10));

// ---- sections ------------------------------------------------------------------------------

interface FigureRow {
  label: string;
  summary?: SummaryLike;
  /** A single figure (a count, a share) instead of a distribution; shown across n…p99. */
  value?: string;
  aim?: string;
  met?: boolean | null;
  prevMedian?: number | string;
  /** The benchmark's line in the at-a-glance table (else the first figure with an aim). */
  headline?: boolean;
}
interface ChartSpec {
  title: string;
  note?: string;
  config: Obj;
}
interface Section {
  name: string;
  title: string;
  what?: string;
  figures: FigureRow[];
  charts: ChartSpec[];
  /** Already-escaped HTML blocks (banners, small tables). */
  blocks: string[];
  meta: [string, string][];
  failures: string[];
  error?: string;
  previous?: PreviousRun;
}

const PALETTE = ['#2563eb', '#ea580c', '#16a34a', '#9333ea', '#0d9488', '#db2777', '#ca8a04', '#475569'];
const AIM = '#dc2626';
function rgba(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}
function line(label: string, points: { x: number; y: number }[], colour: string, prev: boolean, extra: Obj = {}): Obj {
  return {
    label: prev ? `${label} (previous)` : label,
    data: points,
    borderColor: prev ? rgba(colour, 0.35) : colour,
    backgroundColor: prev ? rgba(colour, 0.25) : colour,
    borderWidth: prev ? 1.5 : 2,
    pointRadius: points.length <= 60 ? (prev ? 2 : 3) : 0,
    tension: 0,
    ...extra,
  };
}
const aimLine = (label: string, y: number, x0: number, x1: number): Obj => ({
  label,
  data: [
    { x: x0, y },
    { x: x1, y },
  ],
  borderColor: AIM,
  borderDash: [6, 4],
  borderWidth: 1.5,
  pointRadius: 0,
});

interface Series {
  label: string;
  values: number[];
}
/**
 * Sorted values against their percentile rank (nearest rank: the largest at 100): the whole
 * distribution, the tail at the right edge. Series of the previous run in the same colour, lighter.
 */
function percentileChart(title: string, series: Series[], previous: Series[], opts: { yLabel?: string; aim?: { y: number; label: string }; note?: string } = {}): ChartSpec | null {
  const present = series.filter((s) => s.values.length > 0);
  if (!present.length) return null;
  const pts = (vs: number[]) => {
    const sorted = [...vs].sort((a, b) => a - b);
    return sorted.map((y, i) => ({ x: Math.round(((i + 1) / sorted.length) * 1000) / 10, y: Math.round(y * 10) / 10 }));
  };
  const datasets: Obj[] = [];
  series.forEach((s, i) => {
    const colour = PALETTE[i % PALETTE.length]!;
    if (s.values.length) datasets.push(line(`${s.label} (n=${s.values.length})`, pts(s.values), colour, false));
    const p = previous.find((x) => x.label === s.label);
    if (p?.values.length) datasets.push(line(`${s.label} (n=${p.values.length})`, pts(p.values), colour, true));
  });
  if (opts.aim) datasets.push(aimLine(opts.aim.label, opts.aim.y, 0, 100));
  // A long tail squashes the body on a linear axis: log scale when the max is far above the median.
  const all = present.flatMap((s) => s.values).sort((a, b) => a - b);
  const med = nearestRank(all, 50) ?? 0;
  const log = med > 0 && all[0]! > 0 && all[all.length - 1]! / med > 20;
  return {
    title,
    note: opts.note ?? `Each point is one sample: sorted, at its percentile rank; the tail is at the right.${log ? ' Log scale (long tail).' : ''}`,
    config: {
      type: 'line',
      data: { datasets },
      options: {
        scales: {
          x: { type: 'linear', min: 0, max: 100, title: { display: true, text: 'percentile' } },
          y: { type: log ? 'logarithmic' : 'linear', beginAtZero: !log, title: { display: true, text: opts.yLabel ?? 'ms' } },
        },
      },
    },
  };
}

function barChart(title: string, labels: string[], current: number[], previous: number[] | null, opts: { yLabel?: string; colours?: string[]; note?: string } = {}): ChartSpec {
  const colours = opts.colours ?? labels.map(() => PALETTE[0]!);
  const datasets: Obj[] = [{ label: 'this run', data: current, backgroundColor: colours, borderColor: colours, borderWidth: 1 }];
  if (previous) datasets.push({ label: 'previous', data: previous, backgroundColor: colours.map((c) => rgba(c, 0.3)), borderColor: colours.map((c) => rgba(c, 0.5)), borderWidth: 1 });
  return {
    title,
    ...(opts.note ? { note: opts.note } : {}),
    config: {
      type: 'bar',
      data: { labels, datasets },
      options: { scales: { y: { beginAtZero: true, suggestedMax: 1, ticks: { precision: 0 }, title: { display: true, text: opts.yLabel ?? 'count' } } } },
    },
  };
}

const summaryRow = (label: string, s: unknown, prev: unknown, aim?: string, met?: boolean | null): FigureRow => {
  const row: FigureRow = { label, summary: summaryOf(s) ?? {} };
  const pm = summaryOf(prev)?.median;
  if (pm !== undefined) row.prevMedian = pm;
  if (aim !== undefined) row.aim = aim;
  if (met !== undefined) row.met = met;
  return row;
};
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);

function privacyBanner(leaked: number | undefined, what: string): string {
  if (leaked === undefined) return '';
  const ok = leaked === 0;
  return `<p class="banner ${ok ? 'ok' : 'bad'}">${escapeHtml(what)}: <strong>${escapeHtml(leaked)}</strong> ${ok ? '— zero, as it must be' : '— NOT ZERO'}</p>`;
}

function joinSection(r: Obj, prev: Obj | undefined, s: Section) {
  s.what = 'Caller POST /api/calls → both the caller and the agent hear the other’s tone.';
  const keys: [string, string][] = [
    ['total', 'POST /api/calls → two-way audio'],
    ['callerHearsAgent', 'first 660 Hz frame at the caller'],
    ['agentHearsCaller', 'first 440 Hz frame at the agent'],
    ['create', 'POST /api/calls'],
    ['accept', 'agent accept (after create)'],
  ];
  const aimMs = num(at(r, 'target', 'p95Ms')) ?? 1000;
  for (const [k, label] of keys) {
    s.figures.push(summaryRow(label, at(r, 'summaries', k), at(prev, 'summaries', k), k === 'total' ? `p95 < ${aimMs} ms` : undefined, k === 'total' ? bool(at(r, 'target', 'met')) : undefined));
  }
  s.meta.push(['calls', fmt(num(r.calls))], ['warm-up', fmt(num(r.warmup))]);
  const series = (o: unknown) => keys.slice(0, 3).map(([k, label]) => ({ label, values: values(at(o, 'samples'), k) }));
  push(s, percentileChart('Join: POST /api/calls → two-way audio, per call', series(r), prev ? series(prev) : [], { aim: { y: aimMs, label: `aim: p95 < ${aimMs} ms` } }));
}

function handoffSection(r: Obj, prev: Obj | undefined, s: Section) {
  s.what = 'Warm transfer: `complete` sent → the caller’s first frame of B; privacy during the consultation.';
  const aimMs = num(at(r, 'target', 'gapP95Ms')) ?? 150;
  s.figures.push(summaryRow('HANDOFF GAP: complete → caller hears B', at(r, 'summaries', 'gap'), at(prev, 'summaries', 'gap'), `p95 < ${aimMs} ms`, bool(at(r, 'target', 'met'))));
  const others: [string, string][] = [
    ['bHearsCaller', 'complete → B hears the caller'],
    ['completeApi', 'complete API response'],
    ['transferApi', 'POST transfers (201, caller held)'],
    ['mouthToEar', 'one-way audio latency (A → B)'],
  ];
  for (const [k, label] of others) s.figures.push(summaryRow(label, at(r, 'summaries', k), at(prev, 'summaries', k)));
  const leaked = num(at(r, 'privacy', 'leakedFrames'));
  const prevLeaked = num(at(prev, 'privacy', 'leakedFrames'));
  s.figures.push({ label: 'PRIVACY: leaked frames (whole run)', value: fmt(leaked), aim: '0', met: leaked === undefined ? null : leaked === 0, ...(prevLeaked !== undefined ? { prevMedian: String(prevLeaked) } : {}) });
  s.blocks.push(privacyBanner(leaked, 'Leaked frames (consultation audio at the caller, the caller at B)'));
  s.meta.push(['transfers', fmt(num(r.transfers))], ['consultation', `${fmt(num(r.consultMs))} ms each`], ['pre-hold frames in flight (not a leak)', fmt(num(at(r, 'privacy', 'inFlightTail')))]);
  const gap = (o: unknown) => [{ label: 'complete → caller hears B', values: values(at(o, 'samples'), 'gap') }];
  push(s, percentileChart('Handoff gap, per transfer', gap(r), prev ? gap(prev) : [], { aim: { y: aimMs, label: `aim: p95 < ${aimMs} ms` } }));
  const more = (o: unknown) => others.slice(0, 3).map(([k, label]) => ({ label, values: values(at(o, 'samples'), k) }));
  push(s, percentileChart('Around the handoff, per transfer', more(r), prev ? more(prev) : []));
  const kinds: [string, string, string][] = [
    ['callerHeardAConsult', 'caller heard A consulting', AIM],
    ['callerHeardB', 'caller heard B', AIM],
    ['bHeardCaller', 'B heard the caller', AIM],
    ['inFlightTail', 'A’s pre-hold audio in flight (not a leak)', '#94a3b8'],
  ];
  if (obj(r.privacy)) {
    s.charts.push(
      barChart(
        'Privacy: frames in the consultation window (leaks must be 0)',
        kinds.map((k) => `${k[1]}: ${fmt(num(at(r, 'privacy', k[0])) ?? 0)}`),
        kinds.map((k) => num(at(r, 'privacy', k[0])) ?? 0),
        obj(at(prev, 'privacy')) ? kinds.map((k) => num(at(prev, 'privacy', k[0])) ?? 0) : null,
        { yLabel: 'frames (10 ms)', colours: kinds.map((k) => k[2]), note: 'Red bars are leaks and must be empty (the count is in each label); the grey bar is what A said before the hold, still in flight.' },
      ),
    );
  }
}

function apiSection(r: Obj, prev: Obj | undefined, s: Section) {
  s.what = 'API latency at fixed offered rates (open loop): request sent → response read.';
  const aimMs = num(at(r, 'target', 'p99Ms')) ?? 50;
  const main = obj(r.transfers);
  const ops = Object.keys(obj(main?.ops) ?? {});
  const runs = (o: unknown) =>
    [...arr(at(o, 'transferSweep')), at(o, 'transfers')]
      .map(obj)
      .filter((x): x is Obj => !!x && num(x.offeredRate) !== undefined)
      .sort((a, b) => num(a.offeredRate)! - num(b.offeredRate)!);
  for (const [group, title] of [
    ['calls', 'create calls'],
    ['accepts', 'accept calls'],
  ] as const) {
    for (const [op, v] of Object.entries(obj(at(r, group, 'ops')) ?? {})) {
      s.figures.push(summaryRow(`${op} @ ${fmt(num(at(r, group, 'offeredRate')))}/s (${title})`, obj(v)?.summary, at(prev, group, 'ops', op, 'summary')));
    }
  }
  for (const op of ops) {
    const sum = summaryOf(at(main, 'ops', op, 'summary'));
    s.figures.push(summaryRow(`${op} @ ${fmt(num(main?.offeredRate))}/s (transfer ops)`, at(main, 'ops', op, 'summary'), at(prev, 'transfers', 'ops', op, 'summary'), `p99 < ${aimMs} ms`, sum?.p99 === undefined ? null : sum.p99 < aimMs));
  }
  s.figures.push({ headline: true, label: 'worst transfer-op p99, errors', value: `${fmt(num(at(r, 'target', 'worstP99')))} ms, ${fmt(num(at(r, 'target', 'errors')))} errors`, aim: `p99 < ${aimMs} ms`, met: bool(at(r, 'target', 'met')), ...(num(at(prev, 'target', 'worstP99')) !== undefined ? { prevMedian: `${fmt(num(at(prev, 'target', 'worstP99')))} ms` } : {}) });
  for (const run of runs(r)) {
    const errors = Object.values(obj(run.ops) ?? {}).reduce<number>((n, v) => n + (num(obj(v)?.errors) ?? 0), 0);
    s.meta.push([`transfer ops offered ${fmt(num(run.offeredRate))}/s`, `achieved ${fmt(num(run.achievedRate))}/s, ${errors} errors, ${fmt(num(run.missedSlots))} missed slots, API ${fmt(num(at(run, 'cpu', 'percentOfCore', 'api')))}% / pg ${fmt(num(at(run, 'cpu', 'percentOfCore', 'postgres')))}% of a core`]);
  }
  // Latency against offered rate, one chart per transfer operation.
  for (const op of ops) {
    const datasets: Obj[] = [];
    const pcts: [keyof SummaryLike, string][] = [
      ['median', 'p50'],
      ['p95', 'p95'],
      ['p99', 'p99'],
    ];
    const rates: number[] = [];
    for (const [who, o] of [
      ['this', r],
      ['prev', prev],
    ] as const) {
      if (!o) continue;
      pcts.forEach(([k, label], i) => {
        const points = runs(o)
          .map((run) => ({ x: num(run.offeredRate)!, y: summaryOf(at(run, 'ops', op, 'summary'))?.[k] }))
          .filter((p): p is { x: number; y: number } => p.y !== undefined);
        rates.push(...points.map((p) => p.x));
        if (points.length) datasets.push(line(label, points, PALETTE[i]!, who === 'prev', { pointRadius: who === 'prev' ? 2 : 3 }));
      });
    }
    if (!datasets.length) continue;
    datasets.push(aimLine(`aim: p99 < ${aimMs} ms`, aimMs, Math.min(...rates), Math.max(...rates)));
    s.charts.push({
      title: `${op}: latency by offered rate (transfer ops/s, all three operations together)`,
      config: {
        type: 'line',
        data: { datasets },
        options: { scales: { x: { type: 'linear', title: { display: true, text: 'offered transfer operations / s' } }, y: { beginAtZero: true, title: { display: true, text: 'ms' } } } },
      },
    });
  }
  // Distributions at the main rates (raw samples, kept since issue 13).
  const dist = (o: unknown): Series[] =>
    [
      ...Object.keys(obj(at(o, 'calls', 'ops')) ?? {}).map((op) => ({ label: op, values: values(at(o, 'calls', 'ops', op, 'samples')) })),
      ...Object.keys(obj(at(o, 'accepts', 'ops')) ?? {}).map((op) => ({ label: op, values: values(at(o, 'accepts', 'ops', op, 'samples')) })),
      ...Object.keys(obj(at(o, 'transfers', 'ops')) ?? {}).map((op) => ({ label: op, values: values(at(o, 'transfers', 'ops', op, 'samples')) })),
    ];
  push(s, percentileChart('Latency distribution at the main rates, per operation', dist(r), prev ? dist(prev) : [], { aim: { y: aimMs, label: `aim (transfer ops): p99 < ${aimMs} ms` } }));
}

function phoneSection(r: Obj, prev: Obj | undefined, s: Section) {
  s.what = 'The phone bridge (Twilio Media Streams ↔ LiveKit): one-way latency by tone onset, and legs per process.';
  const aimMs = num(at(r, 'target', 'bridgeAddsMs')) ?? 20;
  const legsAim = num(at(r, 'target', 'legsPerCore')) ?? 200;
  const keys: [string, string][] = [
    ['down', 'room → phone'],
    ['downRef', 'room → 48 kHz listener (reference)'],
    ['downAdds', 'room → phone: bridge adds (per onset)'],
    ['up', 'phone → room'],
    ['upRef', 'direct 8 kHz publisher → room (reference)'],
  ];
  for (const [k, label] of keys) {
    const adds = k === 'downAdds';
    const med = summaryOf(at(r, 'latency', k))?.median;
    s.figures.push(summaryRow(label, at(r, 'latency', k), at(prev, 'latency', k), adds ? `median ≤ ${aimMs} ms` : undefined, adds ? (med === undefined ? null : med <= aimMs) : undefined));
  }
  const upAdds = num(at(r, 'latency', 'phoneToRoomAddsMs'));
  const pUp = num(at(prev, 'latency', 'phoneToRoomAddsMs'));
  s.figures.push({ label: 'phone → room: bridge adds (median − direct median)', value: `${fmt(upAdds)} ms`, aim: `≤ ${aimMs} ms`, met: upAdds === undefined ? null : upAdds <= aimMs, ...(pUp !== undefined ? { prevMedian: pUp } : {}) });
  const perLeg = num(at(r, 'capacity', 'cpuPerLegPercent'));
  const perCore = perLeg ? Math.floor(100 / perLeg) : undefined;
  s.figures.push({ label: 'legs per core (extrapolated from clean steps)', value: fmt(perCore), aim: `≥ ${legsAim}`, met: perCore === undefined ? null : perCore >= legsAim });
  s.meta.push(['largest clean step', `${fmt(num(at(r, 'capacity', 'maxCleanLegs')))} legs`], ['missed onsets', fmt(num(at(r, 'latency', 'misses')))]);
  const bridge = at(r, 'latency', 'bridge');
  if (typeof bridge === 'string') s.meta.push(['bridge', bridge]);
  const lat = (o: unknown) => keys.map(([k, label]) => ({ label, values: values(at(o, 'latency', 'samples', k)) }));
  push(s, percentileChart('Phone bridge: one-way latency, per tone onset', lat(r), prev ? lat(prev) : [], { aim: { y: aimMs, label: `aim: bridge adds ≤ ${aimMs} ms` } }));
  const steps = arr(at(r, 'capacity', 'steps')).map(obj).filter((x): x is Obj => !!x);
  if (steps.length) {
    const pt = (o: unknown, k: string) =>
      arr(at(o, 'capacity', 'steps'))
        .map(obj)
        .filter((x): x is Obj => !!x && num(x.legs) !== undefined && num(x[k]) !== undefined)
        .map((x) => ({ x: num(x.legs)!, y: num(x[k])! }));
    const datasets: Obj[] = [];
    const series: [string, string][] = [
      ['bridgeCpuPercentOfCore', 'bridge process CPU (% of a core)'],
      ['phoneUnderrunPercent', 'phone underruns (%)'],
      ['partnerTonePercent', 'partner tone heard (%)'],
    ];
    series.forEach(([k, label], i) => {
      datasets.push(line(label, pt(r, k), PALETTE[i]!, false));
      if (prev) {
        const p = pt(prev, k);
        if (p.length) datasets.push(line(label, p, PALETTE[i]!, true));
      }
    });
    s.charts.push({
      title: 'Phone bridge capacity ramp',
      note: 'A step is clean with no skipped pacer tick, < 1 % underruns and > 95 % partner tone.',
      config: { type: 'line', data: { datasets }, options: { scales: { x: { type: 'linear', title: { display: true, text: 'legs' } }, y: { beginAtZero: true, title: { display: true, text: '%' } } } } },
    });
  }
}

function phoneHandoffSection(r: Obj, prev: Obj | undefined, s: Section) {
  s.what = 'Warm transfer to a phone specialist: `complete` sent → the caller hears the phone; privacy while consulting.';
  const keys: [string, string][] = [
    ['gap', 'HANDOFF GAP: complete → caller hears the phone'],
    ['phoneHearsCaller', 'complete → the phone hears the caller'],
    ['dialToConsult', 'POST transfers → consulting'],
  ];
  for (const [k, label] of keys) s.figures.push(summaryRow(label, at(r, 'summaries', k), at(prev, 'summaries', k)));
  const p = obj(r.privacy);
  const leaked = p ? (num(p.phoneHeardCaller) ?? 0) + (num(p.callerHeardPhoneOrA) ?? 0) : undefined;
  s.figures.push({ label: 'PRIVACY: leaked frames (whole run)', value: fmt(leaked), aim: '0', met: leaked === undefined ? null : leaked === 0 });
  s.blocks.push(privacyBanner(leaked, 'Leaked frames (the phone heard the caller, the caller heard A or the phone)'));
  s.meta.push(['transfers', fmt(num(r.transfers))]);
  const ser = (o: unknown) => keys.slice(0, 2).map(([k, label]) => ({ label, values: values(at(o, 'samples'), k) }));
  push(s, percentileChart('Phone handoff, per transfer', ser(r), prev ? ser(prev) : []));
  if (p) {
    const kinds: [string, string][] = [
      ['phoneHeardCaller', 'the phone heard the caller'],
      ['callerHeardPhoneOrA', 'the caller heard A or the phone'],
    ];
    s.charts.push(
      barChart(
        'Privacy: frames while consulting (must be 0)',
        kinds.map((k) => `${k[1]}: ${fmt(num(p[k[0]]) ?? 0)}`),
        kinds.map((k) => num(p[k[0]]) ?? 0),
        obj(at(prev, 'privacy')) ? kinds.map((k) => num(at(prev, 'privacy', k[0])) ?? 0) : null,
        { yLabel: 'frames', colours: [AIM, AIM], note: 'Red bars are leaks and must be empty (the count is in each label).' },
      ),
    );
  }
}

function summarySection(r: Obj, prev: Obj | undefined, s: Section) {
  s.what = 'The local handoff summary over the quality corpus: facts kept, nothing invented, time per summary.';
  const p99 = summaryOf(r.timeMs)?.p99;
  s.figures.push(summaryRow('local summary, wall', r.timeMs, prev?.timeMs, 'p99 < 20 ms', p99 === undefined ? null : p99 < 20));
  s.figures.push(summaryRow('local summary, cpu', r.cpuMs, prev?.cpuMs));
  const kept = num(r.keptPercent);
  s.figures.push({ label: 'facts kept', value: `${fmt(num(r.kept))}/${fmt(num(r.facts))} (${fmt(kept)} %)`, ...(num(prev?.keptPercent) !== undefined ? { prevMedian: `${fmt(num(prev?.keptPercent))} %` } : {}) });
  for (const [k, label] of [
    ['inventedNextSteps', 'invented next steps'],
    ['inventedValues', 'invented values'],
    ['leaks', 'masked values leaked'],
  ] as const) {
    const v = num(r[k]);
    s.figures.push({ label, value: fmt(v), aim: '0', met: v === undefined ? null : v === 0, ...(num(prev?.[k]) !== undefined ? { prevMedian: String(num(prev?.[k])) } : {}) });
  }
  s.meta.push(['handoffs', `${fmt(num(r.cases))} in ${fmt(num(r.domains))} domains`], ['load average when timing', fmt(num(r.loadAverage))]);
  const ser = (o: unknown) => [
    { label: 'wall', values: values(at(o, 'timeSamplesMs')) },
    { label: 'cpu', values: values(at(o, 'cpuSamplesMs')) },
  ];
  push(s, percentileChart('Local summary: time per summary', ser(r), prev ? ser(prev) : [], { aim: { y: 20, label: 'aim: p99 < 20 ms' } }));
  const byKind = obj(r.byKind);
  if (byKind) {
    const kinds = Object.keys(byKind);
    const share = (o: unknown) => kinds.map((k) => {
      const total = num(at(o, 'byKind', k, 'total'));
      return total ? Math.round(((num(at(o, 'byKind', k, 'kept')) ?? 0) / total) * 1000) / 10 : 0;
    });
    const c = barChart('Facts kept by kind', kinds, share(r), obj(prev?.byKind) ? share(prev) : null, { yLabel: '% kept' });
    (at(c.config, 'options', 'scales', 'y') as Obj).max = 100;
    s.charts.push(c);
  }
}

/** `scale` (bench/scale.ts): many consoles on one instance, per fan-out mode (routed, legacy). */
function scaleSection(r: Obj, prev: Obj | undefined, s: Section) {
  s.what = 'Many agent consoles on one API instance: action latency at a fixed rate, and how fast the news reaches every console.';
  const actionAim = num(at(r, 'aims', 'actionP99Ms')) ?? 50;
  const deliveryAim = num(at(r, 'aims', 'deliveryP99Ms')) ?? 250;
  const modes = Object.keys(obj(r.modes) ?? {});
  for (const mode of modes) {
    const m = obj(at(r, 'modes', mode))!;
    const pm = at(prev, 'modes', mode);
    const worst = num(m.worstActionP99);
    const pw = num(at(pm, 'worstActionP99'));
    s.figures.push({ label: `${mode}: worst action p99`, value: `${fmt(worst)} ms`, aim: `p99 < ${actionAim} ms`, met: bool(at(m, 'met', 'actions')), ...(pw !== undefined ? { prevMedian: `${fmt(pw)} ms` } : {}) });
    s.figures.push(summaryRow(`${mode}: delivery to every console (all news)`, at(m, 'delivery', 'all'), at(pm, 'delivery', 'all'), `p99 < ${deliveryAim} ms`, bool(at(m, 'met', 'delivery'))));
    for (const [a, v] of Object.entries(obj(m.actions) ?? {})) s.figures.push(summaryRow(`${mode}: ${a}`, obj(v)?.summary, at(pm, 'actions', a, 'summary')));
    for (const [k, v] of Object.entries(obj(m.delivery) ?? {})) if (k !== 'all') s.figures.push(summaryRow(`${mode}: delivery, ${k}`, v, at(pm, 'delivery', k)));
    s.meta.push([
      mode,
      `${fmt(num(m.consolesOpen))} consoles open (${fmt(num(m.consolesFailed))} failed), ${fmt(num(m.liveCalls))} live calls, offered ${fmt(num(m.offeredRate))}/s, achieved ${fmt(num(m.achievedRate))}/s, ` +
        `API RSS ${fmt(num(at(m, 'memory', 'perConsoleKB')))} KB per console, consoles ${fmt(num(at(m, 'consoles', 'requestsPerS')))} requests/s`,
    ]);
  }
  // Per action (and per kind of news), p50 and p99 of each mode as bars; the previous run lighter.
  const bars = (title: string, key: 'actions' | 'delivery', aim: number) => {
    const labels = [...new Set(modes.flatMap((m) => Object.keys(obj(at(r, 'modes', m, key)) ?? {})))];
    if (!labels.length) return;
    const pick = (o: unknown, mode: string, l: string, k: 'median' | 'p99') => summaryOf(key === 'actions' ? at(o, 'modes', mode, key, l, 'summary') : at(o, 'modes', mode, key, l))?.[k] ?? null;
    const datasets: Obj[] = [];
    modes.forEach((mode, i) => {
      (['median', 'p99'] as const).forEach((k, j) => {
        const colour = PALETTE[(i * 2 + j) % PALETTE.length]!;
        const name = `${mode} ${k === 'median' ? 'p50' : 'p99'}`;
        datasets.push({ label: name, data: labels.map((l) => pick(r, mode, l, k)), backgroundColor: colour });
        if (prev && at(prev, 'modes', mode)) datasets.push({ label: `${name} (previous)`, data: labels.map((l) => pick(prev, mode, l, k)), backgroundColor: rgba(colour, 0.3) });
      });
    });
    s.charts.push({
      title,
      note: `Aim: p99 < ${aim} ms.`,
      config: { type: 'bar', data: { labels, datasets }, options: { scales: { y: { beginAtZero: true, title: { display: true, text: 'ms' } } } } },
    });
  };
  bars('Action latency (request sent → response read), p50 and p99', 'actions', actionAim);
  bars('Delivery of the news to the consoles that should hear it, p50 and p99', 'delivery', deliveryAim);
}

/** Any other benchmark (e.g. one added later): its summaries, target and numeric samples, found by shape. */
function genericSection(r: Obj, prev: Obj | undefined, s: Section) {
  const found: { path: string; summary: SummaryLike; raw: unknown }[] = [];
  const samples: Series[] = [];
  const walk = (v: unknown, p: string[], depth: number) => {
    if (depth > 4) return;
    const sm = summaryOf(v);
    if (sm) {
      found.push({ path: p.join('.'), summary: sm, raw: v });
      return;
    }
    if (Array.isArray(v)) {
      const nums = values(v);
      if (nums.length >= 3 && nums.length === v.length) samples.push({ label: p.join('.'), values: nums });
      else if (v.length && v.every((x) => obj(x))) {
        const first = obj(v[0])!;
        for (const k of Object.keys(first)) {
          const col = values(v, k);
          if (col.length >= 3) samples.push({ label: `${p.join('.')}.${k}`, values: col });
        }
      }
      return;
    }
    const o = obj(v);
    if (o) for (const [k, x] of Object.entries(o)) if (k !== 'target' && k !== 'benchEventLoopDelayMs') walk(x, [...p, k], depth + 1);
  };
  walk(r, [], 0);
  const target = obj(r.target);
  const met = bool(target?.met);
  const aimText = target
    ? Object.entries(target)
        .filter(([k]) => k !== 'met')
        .map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
        .join(', ')
    : undefined;
  for (const f of found.slice(0, 30)) {
    const pv = f.path.split('.').reduce<unknown>((o, k) => obj(o)?.[k], prev);
    s.figures.push(summaryRow(f.path, f.raw, pv));
  }
  if (target) s.figures.push({ label: 'target', value: '', ...(aimText ? { aim: aimText } : {}), met });
  for (const [k, v] of Object.entries(r)) {
    if (typeof v === 'number' && !['busyBeforePercent', 'durationS'].includes(k)) s.meta.push([k, fmt(v)]);
    else if (typeof v === 'string' && k !== 'error') s.meta.push([k, v]);
  }
  // The same paths in the previous run (a path through an array of objects reads that field).
  const prevValues = (label: string): number[] => {
    let v: unknown = prev;
    for (const k of label.split('.')) {
      if (Array.isArray(v)) return values(v, k);
      v = obj(v)?.[k];
    }
    return values(v);
  };
  const prevSeries = prev ? samples.map((sr) => ({ label: sr.label, values: prevValues(sr.label) })) : [];
  push(s, percentileChart(`${s.name}: distributions`, samples.slice(0, 8), prevSeries));
}

function push(s: Section, c: ChartSpec | null) {
  if (c) s.charts.push(c);
}

const TITLES: Record<string, string> = {
  join: 'join → two-way audio',
  handoff: 'handoff gap and privacy',
  api: 'API latency at fixed rates',
  phone: 'phone bridge',
  'phone-handoff': 'phone handoff',
  summary: 'summary quality',
  scale: 'many consoles on one instance',
};
const VIEWS: Record<string, (r: Obj, prev: Obj | undefined, s: Section) => void> = {
  join: joinSection,
  handoff: handoffSection,
  api: apiSection,
  phone: phoneSection,
  'phone-handoff': phoneHandoffSection,
  summary: summarySection,
  scale: scaleSection,
};

function buildSection(name: string, raw: unknown, previous: PreviousRun | undefined): Section {
  const r = obj(raw) ?? {};
  const s: Section = { name, title: TITLES[name] ?? name, figures: [], charts: [], blocks: [], meta: [], failures: [] };
  const prevResult = obj(previous?.result);
  if (previous && prevResult && !('error' in prevResult)) s.previous = previous;
  const usePrev = s.previous ? prevResult : undefined;
  if (typeof r.error === 'string') s.error = r.error;
  else (VIEWS[name] ?? genericSection)(r, usePrev, s);
  s.failures = arr(r.failures).map((f) => String(f));
  const busy = num(r.busyBeforePercent);
  const dur = num(r.durationS);
  const eld = num(at(r, 'benchEventLoopDelayMs', 'p99'));
  const run: string[] = [];
  if (dur !== undefined) run.push(`${fmt(dur)} s`);
  if (busy !== undefined) run.push(`machine ${fmt(busy)}% busy before`);
  if (eld !== undefined) run.push(`measuring process event-loop delay p99 ${fmt(eld)} ms`);
  if (run.length) s.meta.unshift(['run', run.join('; ')]);
  if (busy !== undefined && busy > 25) s.blocks.unshift(`<p class="banner warn">The machine was ${escapeHtml(fmt(busy))}% busy with other work before this benchmark started: its figures are pessimistic.</p>`);
  return s;
}

// ---- HTML ----------------------------------------------------------------------------------

function metCell(met: boolean | null | undefined): string {
  if (met === true) return '<td class="met">✓ met</td>';
  if (met === false) return '<td class="missed">✗ not met</td>';
  return '<td class="na">–</td>';
}

function figuresTable(s: Section): string {
  if (!s.figures.length) return '';
  const cmp = !!s.previous;
  const head = `<tr><th>figure (ms unless said)</th><th>n</th><th>median</th><th>p95</th><th>p99</th><th>aim</th><th>met</th>${cmp ? '<th class="prev">previous median</th>' : ''}</tr>`;
  const rows = s.figures.map((f) => {
    const cells =
      f.value !== undefined
        ? `<td colspan="4" class="value">${escapeHtml(f.value)}</td>`
        : `<td>${escapeHtml(fmt(f.summary?.n))}</td><td>${escapeHtml(fmt(f.summary?.median))}</td><td>${escapeHtml(fmt(f.summary?.p95))}</td><td>${escapeHtml(fmt(f.summary?.p99))}</td>`;
    const prev = cmp ? `<td class="prev">${escapeHtml(typeof f.prevMedian === 'number' ? fmt(f.prevMedian) : (f.prevMedian ?? '–'))}</td>` : '';
    return `<tr><th scope="row">${escapeHtml(f.label)}</th>${cells}<td>${escapeHtml(f.aim ?? '')}</td>${metCell(f.met)}${prev}</tr>`;
  });
  return `<table class="figures">${head}${rows.join('')}</table>`;
}

function sectionHtml(s: Section, index: number, charts: { id: string; config: Obj }[]): string {
  const out: string[] = [`<section id="bench-${escapeHtml(s.name)}"><h2>${escapeHtml(s.name)} <small>${escapeHtml(s.title === s.name ? '' : s.title)}</small></h2>`];
  if (s.what) out.push(`<p class="what">${escapeHtml(s.what)}</p>`);
  if (s.previous) out.push(`<p class="compare">Compared with <span class="prev-swatch"></span> ${escapeHtml(s.previous.label)}${s.previous.startedAt ? ` (${escapeHtml(s.previous.startedAt)})` : ''}: lighter lines and bars, and the “previous median” column.</p>`);
  if (s.error) out.push(`<p class="banner bad">This benchmark failed: <code>${escapeHtml(s.error)}</code></p>`);
  out.push(...s.blocks.filter(Boolean));
  out.push(figuresTable(s));
  if (s.meta.length) out.push(`<table class="meta">${s.meta.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>`);
  if (s.failures.length) out.push(`<details class="failures"><summary>${s.failures.length} failure(s)</summary><ul>${s.failures.map((f) => `<li>${escapeHtml(f)}</li>`).join('')}</ul></details>`);
  s.charts.forEach((c, k) => {
    const id = `chart-${index}-${k}`;
    charts.push({ id, config: c.config });
    out.push(`<figure class="chart"><figcaption>${escapeHtml(c.title)}</figcaption><div class="canvas-box"><canvas id="${id}" role="img" aria-label="${escapeHtml(c.title)}"></canvas></div>${c.note ? `<p class="note">${escapeHtml(c.note)}</p>` : ''}</figure>`);
  });
  out.push('</section>');
  return out.join('\n');
}

/** One line per benchmark: its headline figure (the first with an aim), this run against the previous. */
function glance(sections: Section[]): string {
  const cmp = sections.some((s) => s.previous);
  const rows = sections.map((s) => {
    const link = `<th scope="row"><a href="#bench-${escapeHtml(s.name)}">${escapeHtml(s.name)}</a></th>`;
    if (s.error) return `<tr>${link}<td class="left">failed</td><td colspan="3"></td><td></td><td class="missed">✗ failed</td>${cmp ? '<td></td>' : ''}</tr>`;
    const f = s.figures.find((x) => x.headline) ?? s.figures.find((x) => x.aim && x.met !== undefined) ?? s.figures[0];
    if (!f) return `<tr>${link}<td class="left">–</td><td colspan="3"></td><td></td><td></td>${cmp ? '<td></td>' : ''}</tr>`;
    const cells = f.value !== undefined ? `<td colspan="3" class="value">${escapeHtml(f.value)}</td>` : `<td>${escapeHtml(fmt(f.summary?.median))}</td><td>${escapeHtml(fmt(f.summary?.p95))}</td><td>${escapeHtml(fmt(f.summary?.p99))}</td>`;
    const prev = cmp ? `<td class="prev">${escapeHtml(typeof f.prevMedian === 'number' ? fmt(f.prevMedian) : (f.prevMedian ?? '–'))}</td>` : '';
    return `<tr>${link}<td class="left">${escapeHtml(f.label)}</td>${cells}<td>${escapeHtml(f.aim ?? '')}</td>${metCell(f.met)}${prev}</tr>`;
  });
  return `<table class="figures glance"><tr><th>benchmark</th><th class="left">headline figure (ms unless said)</th><th>median</th><th>p95</th><th>p99</th><th>aim</th><th>met</th>${cmp ? '<th class="prev">previous median</th>' : ''}</tr>${rows.join('')}</table>`;
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1100px;padding:16px 24px;color:#0f172a;background:#fff}
h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin:28px 0 6px;border-bottom:2px solid #e2e8f0;padding-bottom:4px}h2 small{color:#64748b;font-weight:normal;font-size:14px}
table{border-collapse:collapse;margin:8px 0}th,td{padding:3px 10px;border-bottom:1px solid #e2e8f0;text-align:right;font-variant-numeric:tabular-nums}
th[scope=row],table.meta td{text-align:left}table.figures th{background:#f8fafc}table.meta{font-size:12.5px;color:#334155}
td.met{color:#15803d;font-weight:600}td.missed{color:#b91c1c;font-weight:600}td.na{color:#94a3b8}td.value{text-align:center}.prev{color:#64748b}
.banner{padding:8px 12px;border-radius:6px;font-size:15px}.banner.ok{background:#dcfce7;color:#14532d}.banner.bad{background:#fee2e2;color:#7f1d1d}.banner.warn{background:#fef9c3;color:#713f12}.left{text-align:left}
.what,.compare,.note{color:#475569;margin:4px 0}.note{font-size:12px}.prev-swatch{display:inline-block;width:22px;height:4px;background:rgba(37,99,235,.35);vertical-align:middle}
figure.chart{margin:14px 0 20px}figcaption{font-weight:600;margin-bottom:4px}.canvas-box{position:relative;height:320px}
.failures{margin:6px 0;color:#7f1d1d}code{white-space:pre-wrap}footer{margin-top:32px;color:#94a3b8;font-size:12px}
`;

/** Results (and the runs to compare with) in, one self-contained HTML document out. */
export function renderReport(input: ReportInput): string {
  const { results } = input;
  const names = Object.keys(results.benchmarks ?? {});
  const sections = names.map((n) => buildSection(n, results.benchmarks[n], input.previous?.[n]));
  const charts: { id: string; config: Obj }[] = [];
  const body = sections.map((s, i) => sectionHtml(s, i, charts)).join('\n');
  const env = obj(results.environment) ?? {};
  const envRows = Object.entries(env).map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(Array.isArray(v) ? v.join(' ') : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v))}</td></tr>`);
  const opts = Object.entries(obj(results.options) ?? {});
  if (opts.length) envRows.push(`<tr><th scope="row">options</th><td>${escapeHtml(opts.map(([k, v]) => `${k}=${String(v)}`).join(' '))}</td></tr>`);
  const title = input.title ?? `Warmline benchmarks${results.startedAt ? ` — ${results.startedAt}` : ''}`;
  const toc = sections.map((s) => `<a href="#bench-${escapeHtml(s.name)}">${escapeHtml(s.name)}</a>`).join(' · ');
  const boot = `
(function () {
  var data = JSON.parse(document.getElementById('bench-charts').textContent);
  if (typeof Chart === 'undefined') { document.body.insertAdjacentHTML('afterbegin', '<p class="banner bad">Chart.js did not load: charts are missing.</p>'); return; }
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.plugins.legend.labels.boxWidth = 14;
  data.forEach(function (c) { var el = document.getElementById(c.id); if (el) new Chart(el, c.config); });
})();`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>${toc}</p>
${glance(sections)}
<table class="meta">${envRows.join('')}</table>
<p class="note">Numbers are a report, never a test (bench/README.md). Medians and percentiles are nearest-rank, in ms.</p>
${body}
<footer>Generated by bench/lib/report-html.ts; the results are embedded below (script#bench-results) and the charts drawn by an inlined Chart.js.</footer>
<script type="application/json" id="bench-results">${jsonForScript(results)}</script>
<script type="application/json" id="bench-charts">${jsonForScript(charts)}</script>
<script>${inlineScript(input.chartJs)}</script>
<script>${boot}</script>
</body>
</html>
`;
}

// ---- files ---------------------------------------------------------------------------------

/** The Chart.js UMD build from node_modules (a devDependency). */
export function readChartJs(): string {
  const require = createRequire(import.meta.url);
  return fs.readFileSync(path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
}

const STAMPED = /^\d{4}-\d{2}-\d{2}T.*\.json$/;

/**
 * Per benchmark of `results`, the run to compare with: every benchmark `compareFile` contains
 * (BENCH_COMPARE), else the newest earlier stamped JSON in `dir` that has it (without an error).
 */
export function findPrevious(dir: string, currentFile: string, results: BenchResultsDoc, compareFile?: string): Record<string, PreviousRun> {
  const want = Object.keys(results.benchmarks).filter((n) => !obj(results.benchmarks[n])?.error);
  const out: Record<string, PreviousRun> = {};
  const usable = (v: unknown) => obj(v) && !obj(v)!.error;
  const read = (file: string): BenchResultsDoc | null => {
    try {
      const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as BenchResultsDoc;
      return obj(doc?.benchmarks) ? doc : null;
    } catch {
      return null;
    }
  };
  if (compareFile) {
    const doc = read(compareFile);
    if (!doc) throw new Error(`BENCH_COMPARE: ${compareFile} is not a benchmark results file`);
    for (const n of want) if (usable(doc.benchmarks[n])) out[n] = { label: path.basename(compareFile), ...(doc.startedAt ? { startedAt: doc.startedAt } : {}), result: doc.benchmarks[n] };
    return out;
  }
  let files: string[] = [];
  try {
    files = fs.readdirSync(dir).filter((f) => STAMPED.test(f) && f < path.basename(currentFile)).sort().reverse();
  } catch {
    return out;
  }
  for (const f of files.slice(0, 200)) {
    if (want.every((n) => out[n])) break;
    const doc = read(path.join(dir, f));
    if (!doc || (results.startedAt && doc.startedAt === results.startedAt)) continue; // the same run (latest.json)
    for (const n of want) if (!out[n] && usable(doc.benchmarks[n])) out[n] = { label: f, ...(doc.startedAt ? { startedAt: doc.startedAt } : {}), result: doc.benchmarks[n] };
  }
  return out;
}

/**
 * Writes `<jsonFile minus .json>.html` (and `latest.html` beside it when `latest`) for a results
 * file just written. BENCH_COMPARE=<file> compares with that run (a path, or a name in `dir`);
 * BENCH_COMPARE=none compares with nothing. Returns the HTML file written.
 */
export function writeHtmlReports(jsonFile: string, results: BenchResultsDoc, opts: { latest?: boolean; compare?: string | undefined } = {}): string {
  const dir = path.dirname(jsonFile);
  const cmp = opts.compare?.trim();
  let compareFile: string | undefined;
  if (cmp && !['none', 'off', '0'].includes(cmp)) compareFile = fs.existsSync(cmp) ? cmp : path.join(dir, cmp);
  let previous: Record<string, PreviousRun> = {};
  try {
    if (!cmp || compareFile) previous = findPrevious(dir, jsonFile, results, compareFile);
  } catch (err) {
    console.warn(`report: no comparison (${(err as Error).message})`);
  }
  const html = renderReport({ results, previous, chartJs: readChartJs() });
  const out = jsonFile.replace(/\.json$/, '') + '.html';
  fs.writeFileSync(out, html);
  if (opts.latest) fs.writeFileSync(path.join(dir, 'latest.html'), html);
  return out;
}

// CLI: rebuild the HTML of an existing results file (and optionally compare with another).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [file, compare] = process.argv.slice(2);
  if (!file) {
    console.error('usage: npx tsx bench/lib/report-html.ts bench/results/<file>.json [compare.json]');
    process.exit(2);
  }
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as BenchResultsDoc;
  console.log(`report: ${writeHtmlReports(file, doc, { compare: compare ?? process.env.BENCH_COMPARE })}`);
}
