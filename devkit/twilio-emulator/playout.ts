// The phone's ear: server `media` is buffered in order and played at 8000 bytes/s, one
// 20 ms frame per tick; a `mark` is echoed once the audio before it has played (or at once
// when nothing is buffered); `clear` drops the buffer and echoes every pending mark
// (note §1.2–1.3: such echoes do not prove playback, so they are flagged `cleared`).
import { performance } from 'node:perf_hooks';
import { FRAME_SAMPLES, MULAW_SILENCE, decodeMulaw } from './audio.js';

export interface PlayedFrame {
  /** performance.now() when the frame started playing. */
  atMs: number;
  /** 160 decoded samples; a partial last frame is padded with silence. */
  samples: Int16Array;
}

export interface EchoedMark {
  name: string;
  atMs: number;
  /** True when echoed because of `clear`, not because its audio played. */
  cleared: boolean;
}

type Entry = { kind: 'audio'; bytes: Uint8Array; offset: number } | { kind: 'mark'; name: string };

export class Playout {
  readonly played: PlayedFrame[] = [];
  readonly marks: EchoedMark[] = [];
  clears = 0;
  underruns = 0;
  bufferedBytes = 0;
  private queue: Entry[] = [];
  /** Marks crossed by the frame now playing: echoed when that frame has finished. */
  private crossed: string[] = [];
  private started = false;
  private closed = false;
  private listeners = new Set<(f: PlayedFrame) => void>();

  constructor(
    private readonly echo: (name: string) => void,
    private readonly keepFrames: number,
  ) {}

  /** Takes one server message; returns a description when it breaks the protocol. */
  accept(msg: any): string | null {
    switch (msg?.event) {
      case 'media': {
        const payload = msg.media?.payload;
        if (typeof payload !== 'string' || payload.length === 0) return 'media without a base64 payload';
        const bytes = Buffer.from(payload, 'base64');
        if (bytes.length === 0 || bytes.toString('base64').replace(/=+$/, '') !== payload.replace(/=+$/, '')) return 'media payload is not base64';
        if (bytes.toString('ascii', 0, 4) === 'RIFF') return 'media payload carries a WAV header';
        this.queue.push({ kind: 'audio', bytes: new Uint8Array(bytes), offset: 0 });
        this.bufferedBytes += bytes.length;
        return null;
      }
      case 'mark': {
        const name = msg.mark?.name;
        if (typeof name !== 'string') return 'mark without mark.name';
        if (this.bufferedBytes === 0) {
          this.flushCrossed();
          this.emit(name, false);
        } else this.queue.push({ kind: 'mark', name });
        return null;
      }
      case 'clear':
        this.clears += 1;
        this.flushCrossed();
        for (const e of this.queue) if (e.kind === 'mark') this.emit(e.name, true);
        this.queue = [];
        this.bufferedBytes = 0;
        return null;
      default:
        return `unsupported event ${JSON.stringify(msg?.event)} (only media, mark, clear)`;
    }
  }

  /** One 20 ms playout period. */
  tick(): void {
    if (this.closed) return;
    this.flushCrossed();
    const frame = new Uint8Array(FRAME_SAMPLES).fill(MULAW_SILENCE);
    let filled = 0;
    while (filled < FRAME_SAMPLES && this.queue.length > 0) {
      const head = this.queue[0]!;
      if (head.kind === 'mark') {
        this.crossed.push(head.name);
        this.queue.shift();
        continue;
      }
      const take = Math.min(FRAME_SAMPLES - filled, head.bytes.length - head.offset);
      frame.set(head.bytes.subarray(head.offset, head.offset + take), filled);
      filled += take;
      head.offset += take;
      this.bufferedBytes -= take;
      if (head.offset >= head.bytes.length) this.queue.shift();
    }
    // Marks right after the last audio byte belong to this frame too.
    while (this.queue[0]?.kind === 'mark') this.crossed.push((this.queue.shift() as { name: string }).name);
    if (filled === 0) {
      if (this.started) this.underruns += 1;
      return;
    }
    this.started = true;
    const played: PlayedFrame = { atMs: performance.now(), samples: decodeMulaw(frame) };
    this.played.push(played);
    if (this.played.length > this.keepFrames + 500) this.played.splice(0, this.played.length - this.keepFrames);
    for (const cb of this.listeners) cb(played);
  }

  listen(cb: (f: PlayedFrame) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  close(): void {
    this.closed = true;
    this.listeners.clear();
  }

  private flushCrossed(): void {
    for (const name of this.crossed) this.emit(name, false);
    this.crossed = [];
  }

  private emit(name: string, cleared: boolean): void {
    this.marks.push({ name, atMs: performance.now(), cleared });
    this.echo(name);
  }
}
