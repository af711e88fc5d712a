// Fixed-rate (open-loop) scheduler: slot i fires at t0 + i / rate, whatever happened
// to earlier slots, so a slow server does not slow the offered load down (no
// coordinated omission). Bounded: exactly `rate * durationS` slots, then it waits for
// the slot handlers still running, at most `drainMs`.
import { performance } from 'node:perf_hooks';

export interface RateOptions {
  ratePerSec: number;
  durationS: number;
  /** Called at each slot; may start async work (returned promise awaited at the end). */
  onSlot: (slot: number, intendedAt: number) => Promise<unknown> | void;
  /** Max wait for in-flight handlers after the last slot. Default 15 s. */
  drainMs?: number;
}

export interface RateReport {
  slots: number;
  /** How late slots fired relative to their intended time (timer and event loop lag), ms. */
  lagMs: number[];
  elapsedMs: number;
  /** Handlers still running when the drain timed out. */
  undrained: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function runAtFixedRate(opts: RateOptions): Promise<RateReport> {
  const total = Math.round(opts.ratePerSec * opts.durationS);
  const period = 1000 / opts.ratePerSec;
  const lagMs: number[] = [];
  const inflight = new Set<Promise<unknown>>();
  const t0 = performance.now() + 20;
  let i = 0;
  // Bounded loop: each iteration fires at least one slot or sleeps until the next one;
  // the guard stops it if the clock misbehaves.
  const hardStop = t0 + opts.durationS * 1000 + 30_000;
  while (i < total && performance.now() < hardStop) {
    const now = performance.now();
    while (i < total && t0 + i * period <= now) {
      const intended = t0 + i * period;
      lagMs.push(now - intended);
      const r = opts.onSlot(i, intended);
      if (r && typeof (r as Promise<unknown>).then === 'function') {
        const p = (r as Promise<unknown>).catch(() => {}).finally(() => inflight.delete(p));
        inflight.add(p);
      }
      i++;
    }
    if (i < total) await sleep(Math.max(0, t0 + i * period - performance.now()));
  }
  const drainMs = opts.drainMs ?? 15_000;
  await Promise.race([Promise.all([...inflight]), sleep(drainMs)]);
  return { slots: i, lagMs, elapsedMs: performance.now() - t0, undrained: inflight.size };
}
