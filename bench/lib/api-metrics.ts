// What the API says about itself over a benchmark's measured window, from two scrapes of its
// /metrics (prom-client text): where an action's time went, server-side. Histogram buckets give
// shares "within X", not exact percentiles; prom-client's event-loop figures cover the time
// since the previous scrape (it resets its monitor at each one).
export type Scrape = Map<string, number>; // series (name + labels) → value

export async function scrapeMetrics(baseUrl: string): Promise<Scrape> {
  const res = await fetch(`${baseUrl}/metrics`);
  const text = await res.text();
  const out: Scrape = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

/** Over the window: how many observations, and the share within `le` seconds, of a histogram's series matching `filter`. */
export function histogramShare(before: Scrape, after: Scrape, name: string, le: number, filter: (labels: string) => boolean = () => true) {
  let count = 0;
  let within = 0;
  for (const [series, v] of after) {
    if (!series.startsWith(`${name}_bucket{`)) continue;
    if (!filter(series)) continue;
    const m = /le="([^"]+)"/.exec(series);
    if (!m) continue;
    const d = v - (before.get(series) ?? 0);
    if (m[1] === '+Inf') count += d;
    else if (Number(m[1]) === le) within += d;
  }
  return { count, withinShare: count ? within / count : NaN };
}

/** server/src/metrics/registry.ts's eventLoopMonitoringPrecision: the monitor's figures include it. */
const EVENT_LOOP_SAMPLING_MS = 20;

export interface ApiSelfReport {
  /** Event-loop delay over the window beyond the monitor's own sampling interval (prom-client, ms). */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  /** Agent actions (POST routes but calls creation) answered within 50 ms, server-side. */
  actionsWithin50ms: { count: number; share: number };
  /** LiveKit RoomService calls and the share answered within 25 / 50 ms. */
  livekitRpc: { count: number; within25ms: number; within50ms: number };
  /** Waits for a Postgres connection from the pool, and the share within 1 / 10 ms. */
  dbPoolWait: { count: number; within1ms: number; within10ms: number };
}

export function apiSelfReport(before: Scrape, after: Scrape): ApiSelfReport {
  const ms = (k: string) => Math.max(0, Math.round(((after.get(k) ?? NaN) * 1000 - EVENT_LOOP_SAMPLING_MS) * 10) / 10);
  const action = (s: string) => s.includes('method="POST"') && (s.includes('/api/calls/:id/') || s.includes('/api/transfers/:id/'));
  const a = histogramShare(before, after, 'warmline_http_request_duration_seconds', 0.05, action);
  const lk25 = histogramShare(before, after, 'warmline_livekit_rpc_duration_seconds', 0.025);
  const lk50 = histogramShare(before, after, 'warmline_livekit_rpc_duration_seconds', 0.05);
  const pct = (x: number) => Math.round(x * 1000) / 10;
  const pool1 = histogramShare(before, after, 'warmline_db_pool_wait_seconds', 0.001);
  const pool10 = histogramShare(before, after, 'warmline_db_pool_wait_seconds', 0.01);
  return {
    eventLoopDelayMs: { p50: ms('nodejs_eventloop_lag_p50_seconds'), p99: ms('nodejs_eventloop_lag_p99_seconds'), max: ms('nodejs_eventloop_lag_max_seconds') },
    actionsWithin50ms: { count: a.count, share: pct(a.withinShare) },
    livekitRpc: { count: lk25.count, within25ms: pct(lk25.withinShare), within50ms: pct(lk50.withinShare) },
    dbPoolWait: { count: pool1.count, within1ms: pct(pool1.withinShare), within10ms: pct(pool10.withinShare) },
  };
}
