// Pure-tone WAV files for Chromium's `--use-file-for-fake-audio-capture`.
//
// Each test role gets its own sine (caller 440 Hz, agent A 660 Hz, agent B 880 Hz,
// phone 1000 Hz) so that "who hears whom" becomes a frequency measurement
// (see e2e/support/audio-probe.ts). Written in code: no sox needed at test time.
//
// Format: RIFF/WAVE, PCM 16-bit, mono, 48 kHz, ~60 s. Chromium loops the file.
// The length is a whole number of periods for integer frequencies, so the loop
// point is click-free. Files are cached by name (`tone-<freq>hz-<sr>-<secs>s-a<amp>.wav`).

import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The conventional tone per role in Warmline's e2e tests. */
export const ROLE_TONES = {
  caller: 440,
  agentA: 660,
  agentB: 880,
  phone: 1000,
} as const;

export interface ToneOptions {
  /** Sample rate in Hz. Default 48000. */
  sampleRate?: number;
  /** Duration in seconds. Default 60. */
  seconds?: number;
  /** Peak amplitude, 0..1. Default 0.5 (-6 dBFS). */
  amplitude?: number;
}

/** Builds the WAV bytes of a pure sine (16-bit PCM mono). */
export function sineWav(freqHz: number, opts: ToneOptions = {}): Buffer {
  const sampleRate = opts.sampleRate ?? 48_000;
  const seconds = opts.seconds ?? 60;
  const amplitude = opts.amplitude ?? 0.5;
  if (!(freqHz > 0 && freqHz < sampleRate / 2)) throw new Error(`bad tone frequency ${freqHz}`);
  if (!(amplitude > 0 && amplitude <= 1)) throw new Error(`bad amplitude ${amplitude}`);

  const frames = Math.round(sampleRate * seconds);
  const dataBytes = frames * 2;
  const buf = Buffer.alloc(44 + dataBytes);
  // RIFF header
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + dataBytes, 4);
  buf.write('WAVE', 8, 'ascii');
  // fmt chunk
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16); // chunk size
  buf.writeUInt16LE(1, 20); // PCM
  buf.writeUInt16LE(1, 22); // channels
  buf.writeUInt32LE(sampleRate, 24);
  buf.writeUInt32LE(sampleRate * 2, 28); // byte rate
  buf.writeUInt16LE(2, 32); // block align
  buf.writeUInt16LE(16, 34); // bits per sample
  // data chunk
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(dataBytes, 40);
  const w = (2 * Math.PI * freqHz) / sampleRate;
  const peak = Math.round(amplitude * 32767);
  for (let i = 0; i < frames; i++) {
    buf.writeInt16LE(Math.round(peak * Math.sin(w * i)), 44 + i * 2);
  }
  return buf;
}

/**
 * Makes sure `dir` holds a sine WAV of `freqHz` and returns its absolute path.
 * Cached by file name: an existing file of the right size is reused.
 */
export async function ensureToneWav(freqHz: number, dir: string, opts: ToneOptions = {}): Promise<string> {
  const sampleRate = opts.sampleRate ?? 48_000;
  const seconds = opts.seconds ?? 60;
  const amplitude = opts.amplitude ?? 0.5;
  const file = join(dir, `tone-${freqHz}hz-${sampleRate}-${seconds}s-a${amplitude}.wav`);
  const expectedSize = 44 + Math.round(sampleRate * seconds) * 2;
  try {
    const s = await stat(file);
    if (s.isFile() && s.size === expectedSize) return file;
  } catch {
    /* not there yet */
  }
  await mkdir(dir, { recursive: true });
  // Write to a temp name then rename, so concurrent callers never see a partial file.
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(tmp, sineWav(freqHz, { sampleRate, seconds, amplitude }));
  await rename(tmp, file);
  return file;
}
