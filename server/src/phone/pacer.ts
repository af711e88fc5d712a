// A fixed-period loop scheduled against a monotonic deadline (performance.now()), not setInterval:
// setInterval and chained setTimeout(20) drift late a little every period, and a phone leg that sends
// 20 ms of audio every 20.5 ms starves Twilio's playout (notes §7, "Pacing and chunk size").
//
// Each wake-up runs every tick whose deadline has passed, so a late timer is caught up on the spot
// and the long-run rate is exact. After a long stall (event loop blocked) it runs at most
// `maxCatchUp` ticks and skips the rest: sending a burst of old audio would only sit in Twilio's
// buffer as extra latency for the rest of the call.
import { performance } from 'node:perf_hooks';

export interface PacerStats {
  /** Ticks run. */
  ticks: number;
  /** Ticks run more than one period after their deadline. */
  late: number;
  /** Ticks skipped after a stall. */
  skipped: number;
  /** Worst lateness of a tick seen (ms). */
  maxLateMs: number;
}

export class Pacer {
  private deadline = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private readonly s: PacerStats = { ticks: 0, late: 0, skipped: 0, maxLateMs: 0 };

  /**
   * @param periodMs  the period (20 for phone audio)
   * @param tick      called once per period; must not throw (the pacer stops if it does)
   * @param maxCatchUp  ticks run back to back at most after a stall (default 3 = 60 ms)
   */
  constructor(
    private readonly periodMs: number,
    private readonly tick: () => void,
    private readonly maxCatchUp = 3,
  ) {}

  /** First tick one period from now. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.deadline = performance.now() + this.periodMs;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  stats(): PacerStats {
    return { ...this.s, maxLateMs: Math.round(this.s.maxLateMs * 10) / 10 };
  }

  private schedule() {
    if (!this.running) return;
    const wait = Math.max(0, this.deadline - performance.now());
    this.timer = setTimeout(() => this.wake(), wait);
  }

  private wake() {
    this.timer = null;
    if (!this.running) return;
    const now = performance.now();
    let due = Math.floor((now - this.deadline) / this.periodMs) + 1;
    if (due > this.maxCatchUp) {
      const skip = due - this.maxCatchUp;
      this.s.skipped += skip;
      this.deadline += skip * this.periodMs;
      due = this.maxCatchUp;
    }
    for (let k = 0; k < due && this.running; k++) {
      const lateMs = now - this.deadline;
      if (lateMs > this.s.maxLateMs) this.s.maxLateMs = lateMs;
      if (lateMs > this.periodMs) this.s.late++;
      this.s.ticks++;
      this.deadline += this.periodMs;
      this.tick();
    }
    this.schedule();
  }
}
