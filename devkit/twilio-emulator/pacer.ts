// A 20 ms clock scheduled against performance.now() deadlines: setInterval(20) drifts and
// makes a phone leg underrun (note §7, openclaw#119070), so each tick is due at
// start + k·period and a late timer runs every tick that has fallen due.
import { performance } from 'node:perf_hooks';

export interface Pacer {
  stop(): void;
  /** Ticks skipped because the process stalled longer than maxCatchUp periods. */
  readonly skipped: number;
}

/**
 * Calls onTick(k, dueMs) for k = 1, 2, … at start + k·periodMs. After a stall, up to
 * maxCatchUp overdue ticks run back to back (audio bursts like network jitter); older
 * ones are skipped so the clock does not race for seconds.
 */
export function startPacer(periodMs: number, onTick: (k: number, dueMs: number) => void, maxCatchUp = 10): Pacer {
  const start = performance.now();
  let k = 0;
  let skipped = 0;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  const run = () => {
    timer = null;
    if (stopped) return;
    const now = performance.now();
    const due = Math.floor((now - start) / periodMs);
    if (due - k > maxCatchUp) {
      skipped += due - k - maxCatchUp;
      k = due - maxCatchUp;
    }
    while (k < due && !stopped) {
      k += 1;
      onTick(k, start + k * periodMs);
    }
    if (!stopped) timer = setTimeout(run, Math.max(0, start + (k + 1) * periodMs - performance.now()));
  };
  timer = setTimeout(run, periodMs);

  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
    get skipped() {
      return skipped;
    },
  };
}
