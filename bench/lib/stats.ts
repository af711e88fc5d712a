// Percentiles for benchmark reports. Nearest-rank on a sorted copy: p95 of 20
// samples is the 19th smallest, so a single outlier in 20 shows up in p99/max only.

export interface Summary {
  n: number;
  min: number;
  median: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return nearestRank(sorted, p);
}

function nearestRank(sorted: readonly number[], p: number): number {
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { n: 0, min: NaN, median: NaN, p95: NaN, p99: NaN, max: NaN, mean: NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((s, v) => s + v, 0);
  return {
    n: sorted.length,
    min: sorted[0]!,
    median: nearestRank(sorted, 50),
    p95: nearestRank(sorted, 95),
    p99: nearestRank(sorted, 99),
    max: sorted[sorted.length - 1]!,
    mean: sum / sorted.length,
  };
}

/** Rounds every number of a summary to 0.1 ms for printing and JSON. */
export function rounded(s: Summary): Summary {
  const r = (v: number) => (Number.isFinite(v) ? Math.round(v * 10) / 10 : v);
  return { n: s.n, min: r(s.min), median: r(s.median), p95: r(s.p95), p99: r(s.p99), max: r(s.max), mean: r(s.mean) };
}

export const median = (values: readonly number[]) => percentile(values, 50);

/**
 * The raw values a result keeps for its report's distribution chart (bench/lib/report-html.ts),
 * at 0.1 ms, at most `max` of them: beyond that, evenly spaced ranks of the sorted values (the
 * minimum and the maximum included), so the shape and the tail survive and the JSON stays small.
 */
export function keepSamples(values: readonly number[], max = 2000): number[] {
  const r = (v: number) => Math.round(v * 10) / 10;
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length <= max) return finite.map(r);
  const sorted = [...finite].sort((a, b) => a - b);
  return Array.from({ length: max }, (_, i) => r(sorted[Math.round((i * (sorted.length - 1)) / (max - 1))]!));
}
