// μ-law (against the facts note's vectors), the frame mixer, the framer, and the generated hold
// music: deterministic, audible, and measurably away from the tones the tests listen for.
import { describe, expect, it } from 'vitest';
import { toneDetector, sineFrame } from '../../../testkit/goertzel.js';
import { FRAME_SAMPLES, Framer, MULAW_SILENCE, MULAW_SILENT_FRAME, mixFrames, mulawDecode, mulawEncode } from '../../src/phone/audio.js';
import { HOLD_MUSIC_FREQUENCIES, HoldMusic, holdMusicLoop } from '../../src/phone/hold-music.js';

const TEST_TONES = [440, 660, 880, 1000];

describe('μ-law', () => {
  it('matches the standard Sun/ITU vectors (notes §1.4)', () => {
    expect([...mulawDecode(new Uint8Array([0x00, 0x80, 0xff, 0x7f]))]).toEqual([-32124, 32124, 0, 0]);
    expect([...mulawEncode(new Int16Array([0, 32767, -32768, 1000]))]).toEqual([0xff, 0x80, 0x00, 0xce]);
    expect(mulawDecode(new Uint8Array([0xce]))[0]).toBe(988);
    expect(MULAW_SILENCE).toBe(0xff);
    expect(MULAW_SILENT_FRAME.length).toBe(160);
    expect([...mulawDecode(MULAW_SILENT_FRAME)].every((v) => v === 0)).toBe(true);
  });

  it('keeps a tone a tone through encode and decode', () => {
    const detect = toneDetector({ sampleRate: 8000, targets: TEST_TONES });
    const back = mulawDecode(mulawEncode(sineFrame(1000, 8000, 160, 0)));
    expect(detect(back).tone).toBe(1000);
  });
});

describe('mixFrames', () => {
  it('sums sample by sample and clips to 16 bits', () => {
    const a = new Int16Array([1000, 30000, -30000, 5]);
    const b = new Int16Array([-500, 10000, -10000, 5]);
    expect([...mixFrames([a, b], 4)]).toEqual([500, 32767, -32768, 10]);
  });

  it('treats a shorter frame as zeros past its end, and no frames as silence', () => {
    expect([...mixFrames([new Int16Array([1, 2, 3, 4]), new Int16Array([10])], 4)]).toEqual([11, 2, 3, 4]);
    const silent = mixFrames([]);
    expect(silent.length).toBe(FRAME_SAMPLES);
    expect(silent.every((v) => v === 0)).toBe(true);
  });

  it('mixes two tones so both stay detectable', () => {
    const both = mixFrames([sineFrame(440, 8000, 160, 0, 0.2), sineFrame(660, 8000, 160, 0, 0.2)]);
    const a = toneDetector({ sampleRate: 8000, targets: TEST_TONES, minFraction: 0.3 })(both);
    expect(a.fractions[0]).toBeGreaterThan(0.3);
    expect(a.fractions[1]).toBeGreaterThan(0.3);
  });
});

describe('Framer', () => {
  it('cuts any payload size into 160-sample frames, carrying the remainder', () => {
    const f = new Framer();
    const ramp = (from: number, n: number) => Int16Array.from({ length: n }, (_, i) => from + i);
    expect(f.push(ramp(0, 100))).toHaveLength(0);
    const out = f.push(ramp(100, 400)); // 500 samples in all → 3 frames, 20 left
    expect(out).toHaveLength(3);
    expect(out.map((x) => x.length)).toEqual([160, 160, 160]);
    expect([...out[2]!.slice(-1)]).toEqual([479]);
    expect(f.push(ramp(500, 140))[0]![0]).toBe(480);
  });

  it('passes aligned 160-sample payloads through, and reset drops a partial frame', () => {
    const f = new Framer();
    const frame = new Int16Array(160);
    expect(f.push(frame)[0]).toBe(frame);
    f.push(new Int16Array(10));
    f.reset();
    expect(f.push(new Int16Array(160))).toHaveLength(1);
  });
});

describe('hold music', () => {
  it('documents notes that all stay ≥ 70 Hz away from the test tones', () => {
    for (const f of HOLD_MUSIC_FREQUENCIES) for (const t of TEST_TONES) expect(Math.abs(f - t)).toBeGreaterThanOrEqual(70);
  });

  it('is deterministic, loops seamlessly and is audible', () => {
    const a = new HoldMusic();
    const b = new HoldMusic();
    for (let i = 0; i < 500; i++) expect(a.next()).toEqual(b.next());
    const loop = holdMusicLoop();
    expect(loop.length % FRAME_SAMPLES).toBe(0);
    const peak = Math.max(...loop.map(Math.abs));
    expect(peak).toBeGreaterThan(0.25 * 32767);
    expect(Math.abs(loop[0]! - loop[loop.length - 1]!)).toBeLessThan(0.05 * 32767); // no click at the wrap
  });

  it('never trips the Goertzel detectors the tests use, on its μ-law form', () => {
    const detect = toneDetector({ sampleRate: 8000, targets: TEST_TONES });
    const music = new HoldMusic();
    let loud = 0;
    let maxFraction = 0;
    for (let i = 0; i < 400; i++) {
      const a = detect(mulawDecode(mulawEncode(music.next())));
      expect(a.tone).toBeNull();
      if (a.rms >= 0.01) loud++;
      maxFraction = Math.max(maxFraction, ...a.fractions);
    }
    expect(loud).toBeGreaterThan(380); // heard as audio nearly every frame, not silence
    expect(maxFraction).toBeLessThan(0.2);
  });

  it('keeps under 1 % of its energy within ±60 Hz of each test tone (1 Hz resolution)', () => {
    const x = mulawDecode(mulawEncode(holdMusicLoop()));
    const N = 8000; // 1 s windows → 1 Hz bins
    const hann = Float64Array.from({ length: N }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / N));
    let total = 0;
    const inBand = new Map<number, number>(TEST_TONES.map((t) => [t, 0]));
    for (let w = 0; w + N <= x.length; w += N) {
      const seg = Float64Array.from({ length: N }, (_, i) => (x[w + i]! / 32768) * hann[i]!);
      // Parseval over the windowed segment: Σ|X(k)|² = N Σ seg².
      total += N * seg.reduce((s, v) => s + v * v, 0);
      for (const t of TEST_TONES) {
        let band = 0;
        for (let f = t - 60; f <= t + 60; f++) band += 2 * goertzelPower(seg, f, 8000); // ±f bins
        inBand.set(t, inBand.get(t)! + band);
      }
    }
    for (const [t, e] of inBand) expect(e / total, `energy near ${t} Hz`).toBeLessThan(0.01);
  });
});

function goertzelPower(x: Float64Array, f: number, rate: number): number {
  const c = 2 * Math.cos((2 * Math.PI * f) / rate);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < x.length; i++) {
    const s0 = x[i]! + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - c * s1 * s2;
}
