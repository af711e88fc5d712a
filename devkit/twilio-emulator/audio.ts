// What the emulated phone says (tone, silence, a looped clip, or a live feed such as a
// browser microphone) as 8 kHz PCM, and the G.711 μ-law/base64 payload codec.
import alawmulaw from 'alawmulaw';

const { mulaw } = alawmulaw;

export const SAMPLE_RATE = 8000;
/** 20 ms at 8 kHz: the frame Twilio is observed to send (note §1.2). */
export const FRAME_SAMPLES = 160;
export const FRAME_MS = 20;

/** A live source fed from outside (e.g. a microphone relay); empty reads are silence. */
export class PcmFeed {
  private chunks: Int16Array[] = [];
  private offset = 0;
  private queued = 0;
  /** Cap on buffered audio so a stalled reader cannot grow latency without bound. */
  constructor(private readonly maxSamples = SAMPLE_RATE) {}

  push(samples: Int16Array): void {
    this.chunks.push(samples);
    this.queued += samples.length;
    while (this.queued > this.maxSamples) this.read(this.queued - this.maxSamples);
  }

  /** n samples; what is missing is zeros (the phone hears silence, not a glitch). */
  read(n: number): Int16Array {
    const out = new Int16Array(n);
    let filled = 0;
    while (filled < n && this.chunks.length > 0) {
      const head = this.chunks[0]!;
      const take = Math.min(n - filled, head.length - this.offset);
      out.set(head.subarray(this.offset, this.offset + take), filled);
      filled += take;
      this.offset += take;
      this.queued -= take;
      if (this.offset >= head.length) {
        this.chunks.shift();
        this.offset = 0;
      }
    }
    return out;
  }
}

export type PhoneSource =
  | { kind: 'tone'; hz: number; amplitude?: number }
  | { kind: 'silence' }
  | { kind: 'pcm'; samples: Int16Array /* 8 kHz mono, looped */ }
  | { kind: 'feed'; feed: PcmFeed };

/** Turns a source into consecutive frames, keeping tone phase and clip position across calls. */
export class SourceReader {
  private source: PhoneSource = { kind: 'silence' };
  private n = 0; // samples produced since the source was set (tone phase, clip position)

  set(source: PhoneSource): void {
    this.source = source;
    this.n = 0;
  }

  next(count = FRAME_SAMPLES): Int16Array {
    const s = this.source;
    const out = new Int16Array(count);
    if (s.kind === 'tone') {
      const amp = Math.round((s.amplitude ?? 0.3) * 32767);
      const w = (2 * Math.PI * s.hz) / SAMPLE_RATE;
      for (let i = 0; i < count; i++) out[i] = Math.round(amp * Math.sin(w * (this.n + i)));
    } else if (s.kind === 'pcm' && s.samples.length > 0) {
      for (let i = 0; i < count; i++) out[i] = s.samples[(this.n + i) % s.samples.length]!;
    } else if (s.kind === 'feed') {
      return s.feed.read(count);
    }
    this.n += count;
    return out;
  }
}

export function encodePayload(samples: Int16Array): string {
  return Buffer.from(mulaw.encode(samples)).toString('base64');
}

export function decodeMulaw(bytes: Uint8Array): Int16Array {
  return mulaw.decode(bytes);
}

/** μ-law silence is 0xFF, not 0x00 (note §1.4). */
export const MULAW_SILENCE = 0xff;

/**
 * A 16-bit PCM WAV at 8 kHz as samples (first channel), for `{kind:'pcm'}`. Other rates are
 * refused rather than resampled badly (aliasing is a pitfall others shipped, note §7).
 */
export function pcmFromWav(wav: Buffer): Int16Array {
  if (wav.toString('ascii', 0, 4) !== 'RIFF' || wav.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not a WAV file');
  let pos = 12;
  let channels = 1;
  let rate = 0;
  let bits = 0;
  while (pos + 8 <= wav.length) {
    const id = wav.toString('ascii', pos, pos + 4);
    const size = wav.readUInt32LE(pos + 4);
    if (id === 'fmt ') {
      channels = wav.readUInt16LE(pos + 10);
      rate = wav.readUInt32LE(pos + 12);
      bits = wav.readUInt16LE(pos + 22);
    } else if (id === 'data') {
      if (rate !== SAMPLE_RATE || bits !== 16) throw new Error(`WAV must be 16-bit 8000 Hz (got ${bits}-bit ${rate} Hz)`);
      const frames = Math.floor(Math.min(size, wav.length - pos - 8) / (2 * channels));
      const out = new Int16Array(frames);
      for (let i = 0; i < frames; i++) out[i] = wav.readInt16LE(pos + 8 + i * 2 * channels);
      return out;
    }
    pos += 8 + size + (size % 2);
  }
  throw new Error('WAV has no data chunk');
}
