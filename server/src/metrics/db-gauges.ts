// Gauges read from the record at scrape time, so every instance reports the same truth (use
// max() across instances, not sum()). Two index-backed queries over live rows only (calls by
// calls_queue_idx on (state, queued_at), transfers by transfers_ringing_idx on (state, …)):
// their cost follows the live calls, not the history.
import { OPEN_TRANSFER_STATES } from '@warmline/contract';
import client from 'prom-client';
import { sqlList, type Db } from '../store/db.js';
import { registry } from './registry.js';

const LIVE_CALL_STATES = ['waiting', 'active', 'on_hold'] as const;
const SCRAPE_TIMEOUT_MS = 1000;

// The database of the app most recently built in this process (one app per process in
// production; tests may build several, one after the other).
const sources: Db[] = [];

export function watchDatabase(db: Db): () => void {
  sources.push(db);
  return () => {
    const i = sources.lastIndexOf(db);
    if (i >= 0) sources.splice(i, 1);
  };
}

const callsByState = new client.Gauge({
  name: 'warmline_calls',
  help: 'Live calls by state (waiting, active, on_hold), from the database at scrape time.',
  labelNames: ['state'] as const,
  registers: [registry],
});

const oldestWait = new client.Gauge({
  name: 'warmline_queue_oldest_wait_seconds',
  help: 'How long the longest-waiting caller has been in the queue (0 when nobody waits), from the database.',
  registers: [registry],
});

const openTransfers = new client.Gauge({
  name: 'warmline_transfers_open',
  help: 'Open transfers by state (ringing, consulting, introducing), from the database at scrape time.',
  labelNames: ['state'] as const,
  registers: [registry],
});

const scrapeErrors = new client.Counter({
  name: 'warmline_metrics_db_errors_total',
  help: 'Scrapes whose database gauges could not be read (the gauges are then absent from that scrape).',
  registers: [registry],
});

/** Reads the gauges once, just before the registry renders them. Called by the /metrics handler. */
export async function refreshDbGauges(): Promise<void> {
  const db = sources[sources.length - 1];
  callsByState.reset();
  oldestWait.reset();
  openTransfers.reset();
  if (!db) return;
  let timer: NodeJS.Timeout | undefined;
  try {
    const [calls, transfers] = await Promise.race([
      Promise.all([
        db.query<{ state: string; n: number; oldest: number | null }>(
          `SELECT state, count(*)::int AS n,
             extract(epoch FROM clock_timestamp() - min(queued_at))::float8 AS oldest
           FROM calls WHERE state IN ${sqlList(LIVE_CALL_STATES)} GROUP BY state`,
        ),
        db.query<{ state: string; n: number }>(
          `SELECT state, count(*)::int AS n FROM transfers WHERE state IN ${sqlList(OPEN_TRANSFER_STATES)} GROUP BY state`,
        ),
      ]),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('database gauges timed out')), SCRAPE_TIMEOUT_MS);
      }),
    ]);
    // Every state is reported, zeros included, so a rate or an alert never sees a gap.
    for (const state of LIVE_CALL_STATES) callsByState.set({ state }, calls.find((r) => r.state === state)?.n ?? 0);
    oldestWait.set(Math.max(0, calls.find((r) => r.state === 'waiting')?.oldest ?? 0));
    for (const state of OPEN_TRANSFER_STATES) openTransfers.set({ state }, transfers.find((r) => r.state === state)?.n ?? 0);
  } catch {
    callsByState.reset();
    oldestWait.reset();
    openTransfers.reset();
    scrapeErrors.inc();
  } finally {
    clearTimeout(timer);
  }
}
