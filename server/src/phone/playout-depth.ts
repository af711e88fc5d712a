// How much audio Twilio holds for a phone leg, from `mark` echoes, and when to drop a frame.
//
// Twilio plays every `media` message in order at real time and drops none (notes §1.3), so each
// burst the bridge sends (catching up after a stall of its event loop) or the network delivers
// stays in Twilio's buffer as latency for the rest of the call. Twilio echoes a mark when the audio
// sent before it has played, or at once when nothing is buffered. So:
//   - a probe mark sent while nothing is buffered (first thing on the stream, and right after each
//     `clear`) comes back after one round trip: the floor, in frames (20 ms each);
//   - a mark after every 10th frame (200 ms): when it comes back, the frames sent since then are
//     still queued at Twilio or in flight (the floor);
//   - when a whole 2 s window of those stayed 2 or more frames above the floor, frames are skipped
//     to bring it back to one above: at most 2 per window and 100 ms apart, so a wrong floor can
//     cost no more than 2 % of the audio.
// A `clear` makes Twilio echo every pending mark at once (notes §7: not proof of playback): marks
// sent before it are void. The floor is the smaller of the probes' and the smallest depth seen.

const FRAME_MS = 20;
const MARK_EVERY = 10; // frames: 200 ms
const WINDOW = 10; // echoes: 2 s
const EXCESS_FRAMES = 2;
const MAX_SKIPS_PER_WINDOW = 2;
const SKIP_SPACING = 5; // ticks between two skipped frames
const MAX_OUTSTANDING = 64;
const PREFIX = 'wl-';
const PROBE = 'wl-probe-';

export interface PlayoutDepthStats {
  marksSent: number;
  echoes: number;
  /** Frames not sent to shrink Twilio's buffer. */
  framesSkipped: number;
  /** Last measured depth (frames sent since the echoed mark), -1 before the first echo. */
  depthFrames: number;
  /** In-flight frames with nothing buffered (from probes), -1 before the first. */
  floorFrames: number;
  /** Smallest probe round trip, ms (-1 before the first). */
  roundTripMs: number;
}

export class PlayoutDepth {
  private sent = 0;
  private seq = 0;
  private voidUpTo = 0;
  private readonly outstanding = new Map<number, number>(); // mark seq → frames sent when marked
  private readonly probes = new Map<number, number>(); // probe seq → time sent
  private probeSeq = 0;
  private rtt = Number.POSITIVE_INFINITY;
  private minDepth = Number.POSITIVE_INFINITY;
  private window: number[] = [];
  private skipBudget = 0;
  private sinceSkip = 0;
  private readonly s = { marksSent: 0, echoes: 0, framesSkipped: 0, depthFrames: -1 };

  /** A mark to send while nothing is buffered (stream start, right after a clear). */
  probe(nowMs: number): string {
    const seq = ++this.probeSeq;
    this.probes.set(seq, nowMs);
    if (this.probes.size > 8) this.probes.delete(this.probes.keys().next().value!);
    this.s.marksSent++;
    return `${PROBE}${seq}`;
  }

  /** After each media frame sent: the name of a mark to send now, or null. */
  afterSend(): string | null {
    this.sent++;
    if (this.sent % MARK_EVERY !== 0) return null;
    const seq = ++this.seq;
    this.outstanding.set(seq, this.sent);
    if (this.outstanding.size > MAX_OUTSTANDING) this.outstanding.delete(this.outstanding.keys().next().value!);
    this.s.marksSent++;
    return `${PREFIX}${seq}`;
  }

  /** A `clear` was sent: every pending echo means nothing (send a probe next). */
  cleared(): void {
    this.voidUpTo = this.seq;
    this.outstanding.clear();
    this.window = [];
    this.skipBudget = 0;
  }

  /** A `mark` came back from Twilio. Unknown or stale names are ignored. */
  echoed(name: string, nowMs: number): void {
    if (name.startsWith(PROBE)) {
      const sentAt = this.probes.get(Number(name.slice(PROBE.length)));
      if (sentAt !== undefined) this.rtt = Math.min(this.rtt, nowMs - sentAt);
      return;
    }
    if (!name.startsWith(PREFIX)) return;
    const seq = Number(name.slice(PREFIX.length));
    const at = this.outstanding.get(seq);
    if (!Number.isInteger(seq) || seq <= this.voidUpTo || at === undefined) return;
    for (const k of this.outstanding.keys()) if (k <= seq) this.outstanding.delete(k);
    const depth = this.sent - at;
    this.s.echoes++;
    this.s.depthFrames = depth;
    this.minDepth = Math.min(this.minDepth, depth);
    this.window.push(depth);
    if (this.window.length >= WINDOW) {
      const excess = Math.min(...this.window) - this.floor();
      if (excess >= EXCESS_FRAMES) this.skipBudget = Math.min(Math.floor(excess) - 1, MAX_SKIPS_PER_WINDOW);
      this.window = [];
    }
  }

  /** Asked once per tick; true: send nothing this tick (Twilio's buffer shrinks by 20 ms). */
  takeSkip(): boolean {
    this.sinceSkip++;
    if (this.skipBudget === 0 || this.sinceSkip < SKIP_SPACING) return false;
    this.skipBudget--;
    this.sinceSkip = 0;
    this.s.framesSkipped++;
    return true;
  }

  stats(): PlayoutDepthStats {
    const floor = this.floor();
    return {
      ...this.s,
      floorFrames: Number.isFinite(floor) ? Math.round(floor * 10) / 10 : -1,
      roundTripMs: Number.isFinite(this.rtt) ? Math.round(this.rtt) : -1,
    };
  }

  // Both are upper bounds of the truth: a probe answered late (a busy event loop at the start)
  // overstates it, and so does a depth that never saw the buffer empty.
  private floor(): number {
    return Math.min(this.rtt / FRAME_MS, this.minDepth);
  }
}
