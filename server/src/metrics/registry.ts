// Every Prometheus metric of the process, in one registry (docs/OPERATIONS.md says what each
// means and what to alert on). Counters and histograms are per process, as Prometheus expects:
// sum them over instances. The gauges read from Postgres (metrics/db-gauges.ts) are the same on
// every instance: take max(), not sum().
//
// A registry of our own rather than prom-client's global one: nothing else in the process can
// register into it, and its names are ours alone.
import client from 'prom-client';

export const registry = new client.Registry();

// Event-loop lag (nodejs_eventloop_lag_*), heap, GC, CPU, open handles: prom-client's defaults.
client.collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });

const seconds = (ms: number) => ms / 1000;

/** Durations of outside calls (LiveKit, Twilio): 5 ms to 10 s. */
const RPC_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10];

export const httpDuration = new client.Histogram({
  name: 'warmline_http_request_duration_seconds',
  help: 'HTTP request duration by route pattern (not the raw URL), method and status code. The event stream is not counted.',
  labelNames: ['method', 'route', 'status_code'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const callWait = new client.Histogram({
  name: 'warmline_call_wait_seconds',
  help: 'Time a caller waited in the queue until an agent answered (queued → accepted); a call put back in the queue counts again.',
  buckets: [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800],
  registers: [registry],
});

export const callsEnded = new client.Counter({
  name: 'warmline_calls_ended_total',
  help: 'Calls that ended, by end reason (abandoned: the caller left while waiting).',
  labelNames: ['reason'] as const,
  registers: [registry],
});

export const transfersStarted = new client.Counter({
  name: 'warmline_transfers_started_total',
  help: 'Warm transfers started, by target type (agent or phone).',
  labelNames: ['target_type'] as const,
  registers: [registry],
});

export const transfersEnded = new client.Counter({
  name: 'warmline_transfers_ended_total',
  help: 'Warm transfers that ended, by outcome (completed, cancelled, declined, timed_out, failed, caller_left), fail reason and target type.',
  labelNames: ['outcome', 'reason', 'target_type'] as const,
  registers: [registry],
});

export const transferStep = new client.Histogram({
  name: 'warmline_transfer_step_seconds',
  help: 'Transfer steps: ring (requested → accepted), consult (accepted → the consultation ends), handoff (completion committed → LiveKit has the caller with the new owner).',
  labelNames: ['step', 'target_type'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600],
  registers: [registry],
});

export const summaryDuration = new client.Histogram({
  name: 'warmline_summary_duration_seconds',
  help: 'Handoff summary latency by provider (local, llm, llm_fallback) and fallback reason (none when the provider answered).',
  labelNames: ['provider', 'fallback'] as const,
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8],
  registers: [registry],
});

export const livekitRpc = new client.Histogram({
  name: 'warmline_livekit_rpc_duration_seconds',
  help: 'LiveKit RoomService calls by method and outcome (ok, not_found, error).',
  labelNames: ['method', 'outcome'] as const,
  buckets: RPC_BUCKETS,
  registers: [registry],
});

/** The bridge's rtc-node participant failed to publish the phone's audio (it retries): the other side hears nothing meanwhile. */
export const phonePublishFailures = new client.Counter({
  name: 'warmline_phone_publish_failures_total',
  help: 'Failed attempts of a phone bridge to publish the phone\'s audio into the call room (each is retried; the room does not hear that phone meanwhile).',
  registers: [registry],
});

export const twilioRpc = new client.Histogram({
  name: 'warmline_twilio_rpc_duration_seconds',
  help: 'Twilio REST calls by method and outcome (ok, client_error: Twilio answered 4xx, server_error: 5xx, unreachable).',
  labelNames: ['method', 'outcome'] as const,
  buckets: RPC_BUCKETS,
  registers: [registry],
});

export const sseConnections = new client.Gauge({
  name: 'warmline_sse_connections',
  help: 'Agent console event streams open on this instance.',
  registers: [registry],
});

export const sseOpened = new client.Counter({
  name: 'warmline_sse_connections_opened_total',
  help: 'Agent console event streams opened on this instance.',
  registers: [registry],
});

export const dbPoolWait = new client.Histogram({
  name: 'warmline_db_pool_wait_seconds',
  help: 'Time a statement or transaction waited for a Postgres connection from the pool (DATABASE_POOL_SIZE). Waits mean the pool, not Postgres, is the limit.',
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  registers: [registry],
});

/** Runs `fn` and records its duration under `method` with the outcome `classify` names. */
export async function timed<T>(
  histogram: client.Histogram<'method' | 'outcome'>,
  method: string,
  fn: () => Promise<T>,
  classify: (err: unknown) => string,
): Promise<T> {
  const started = performance.now();
  try {
    const result = await fn();
    histogram.observe({ method, outcome: 'ok' }, seconds(performance.now() - started));
    return result;
  } catch (err) {
    histogram.observe({ method, outcome: classify(err) }, seconds(performance.now() - started));
    throw err;
  }
}

export { seconds };
