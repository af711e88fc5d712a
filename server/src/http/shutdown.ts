// SIGTERM/SIGINT: drain, then exit, always within SHUTDOWN_TIMEOUT_MS.
//
// app.close() runs, in Fastify's order: stop accepting (requests arriving on open keep-alive
// connections get 503 + Connection: close, so a load balancer retries them elsewhere), the
// preClose hooks (event streams end, telling each console to reconnect, which the load balancer
// sends to another instance; phone bridges end: a specialist's leg is hung up by Twilio, a phone
// caller's <Connect action> reopens the stream on another instance, docs/PHONES.md), in-flight
// requests finish (their connections close as they go idle), then the onClose hooks (background sweeps stop after their current tick, the
// event bus unlistens, the metrics port closes). Then the database closes and the process exits 0.
//
// Bounds: at 80% of the budget whatever connections remain (a request that never finishes, a
// client that stalls mid-upload) are cut so the rest of the close can run; at 100% the process
// exits 1 whatever is still pending, saying what it gave up waiting for (e.g. the database pool,
// which waits for a client held by a request stuck on a row lock; server/test/ops/shutdown.test.ts).
// A second signal exits at once. Live calls lose nothing: their state is in Postgres and their
// media in LiveKit; another instance (or this one, restarted) carries on from the record.
import type { FastifyInstance } from 'fastify';
import type { Db } from '../store/db.js';

export interface ShutdownOptions {
  app: FastifyInstance;
  db: Db;
  timeoutMs: number;
  say: (msg: string) => void;
  exit?: (code: number) => void;
}

/** While draining, every answer says Connection: close: a client or load balancer does not reuse a closing instance. */
export function registerDrainHeaders(app: FastifyInstance) {
  let draining = false;
  app.addHook('preClose', async () => {
    draining = true;
  });
  app.addHook('onSend', async (_req, reply) => {
    if (draining) reply.header('connection', 'close');
  });
}

export function installShutdown(opts: ShutdownOptions) {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      opts.say(`${signal} again: exiting now`);
      exit(1);
      return;
    }
    stopping = true;
    void drain(opts, signal, exit).then(exit);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

async function drain({ app, db, timeoutMs, say }: ShutdownOptions, signal: string, exit: (code: number) => void): Promise<number> {
  const started = Date.now();
  const elapsed = () => `${Date.now() - started} ms`;
  say(`${signal}: draining (no new requests; event streams close; in-flight requests finish; at most ${timeoutMs} ms)`);
  // What the drain is waiting for, named in the give-up line (e.g. the database pool waits for a
  // client still checked out by a request stuck on a row lock held elsewhere).
  let stage = 'closing the API';
  const hard = setTimeout(() => {
    say(`shutdown not finished after ${elapsed()} (SHUTDOWN_TIMEOUT_MS), still ${stage}: gave up waiting, exiting 1`);
    exit(1);
  }, timeoutMs);
  // Node closes the connections idle when close() starts; keep-alive connections whose last
  // request finishes later (an answered in-flight request, an ended event stream) would otherwise
  // stay open until the client drops them.
  const idle = setInterval(() => app.server.closeIdleConnections(), 100);
  const force = setTimeout(() => {
    app.server.getConnections((_err, n) => {
      if (n > 0) say(`cutting ${n} connection(s) still open after ${elapsed()}`);
      app.server.closeAllConnections();
    });
  }, Math.floor(timeoutMs * 0.8));
  let code = 0;
  try {
    await app.close();
  } catch (err) {
    say(`closing the API failed: ${(err as Error).message}`);
    code = 1;
  }
  clearTimeout(force);
  clearInterval(idle);
  stage = 'closing the database';
  await db.close().catch((err: Error) => say(`closing the database failed: ${err.message}`));
  clearTimeout(hard);
  say(`stopped in ${elapsed()}`);
  return code;
}
