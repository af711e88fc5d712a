// Phone audio: G.711 μ-law at 8 kHz mono, in 20 ms frames of 160 samples — Twilio's format in both
// directions. rtc-node hands out and takes 8 kHz frames itself (AudioStream / AudioSource at 8000),
// so nothing here resamples.
import alawmulaw from 'alawmulaw';

const { mulaw } = alawmulaw;

export const SAMPLE_RATE = 8000;
export const FRAME_MS = 20;
export const FRAME_SAMPLES = (SAMPLE_RATE * FRAME_MS) / 1000; // 160
/** μ-law of 0: the encoder complements the code word, so silence is 0xFF, not 0x00. */
export const MULAW_SILENCE = 0xff;

/** 16-bit PCM → μ-law bytes (standard Sun/ITU algorithm: BIAS 0x84, CLIP 32635). */
export const mulawEncode = (pcm: Int16Array): Uint8Array => mulaw.encode(pcm);

/** μ-law bytes → 16-bit PCM. */
export const mulawDecode = (bytes: Uint8Array): Int16Array => mulaw.decode(bytes);

/** One 20 ms frame of μ-law silence (shared: never mutate it). */
export const MULAW_SILENT_FRAME: Uint8Array = new Uint8Array(FRAME_SAMPLES).fill(MULAW_SILENCE);

/**
 * Sums frames sample by sample with clipping to 16 bits. Shorter inputs count as zeros past their
 * end; the result has `length` samples (default one frame). Zero inputs give silence.
 */
export function mixFrames(frames: readonly Int16Array[], length = FRAME_SAMPLES): Int16Array {
  if (frames.length === 1 && frames[0]!.length === length) return frames[0]!;
  const acc = new Int32Array(length);
  for (const f of frames) {
    const n = Math.min(f.length, length);
    for (let i = 0; i < n; i++) acc[i]! += f[i]!;
  }
  const out = new Int16Array(length);
  for (let i = 0; i < length; i++) {
    const v = acc[i]!;
    out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
  return out;
}

/**
 * Cuts decoded phone audio of any length into 160-sample frames. Twilio sends 160 bytes per
 * message in practice, but no document promises it (notes §1.4), so a remainder is carried over.
 */
export class Framer {
  private pending = new Int16Array(FRAME_SAMPLES);
  private filled = 0;

  /** Appends samples; returns the complete frames they finish (fresh arrays, safe to keep). */
  push(samples: Int16Array): Int16Array[] {
    const out: Int16Array[] = [];
    // Fast path: aligned 20 ms chunks, the normal case.
    if (this.filled === 0 && samples.length === FRAME_SAMPLES) return [samples];
    let i = 0;
    while (i < samples.length) {
      const n = Math.min(FRAME_SAMPLES - this.filled, samples.length - i);
      this.pending.set(samples.subarray(i, i + n), this.filled);
      this.filled += n;
      i += n;
      if (this.filled === FRAME_SAMPLES) {
        out.push(this.pending);
        this.pending = new Int16Array(FRAME_SAMPLES);
        this.filled = 0;
      }
    }
    return out;
  }

  /** Drops a partial frame (the phone's audio stops being published). */
  reset(): void {
    this.filled = 0;
  }
}
