// Goertzel tone detection on one frame of 16-bit PCM.
//
// For each target frequency f the Goertzel filter gives |X(f)|^2. Normalised by the
// frame's energy, fraction = |X(f)|^2 / (N/2 · Σx²) is ≈1 for a pure tone at f and ≈0
// for silence, noise or another tone 100+ Hz away (10 ms frames: 100 Hz resolution).

export interface ToneDetectorOptions {
  sampleRate: number;
  targets: readonly number[];
  /** Frame RMS below this (in full-scale units, 0..1) counts as silence. Default 0.01 (−40 dBFS). */
  rmsFloor?: number;
  /** Fraction of the frame's energy the tone must hold. Default 0.5. */
  minFraction?: number;
}

export interface FrameAnalysis {
  rms: number;
  /** Per target: fraction of the frame's energy at that frequency. */
  fractions: number[];
  /** The target present in this frame (dominant and above the floor), or null. */
  tone: number | null;
}

export function toneDetector(opts: ToneDetectorOptions) {
  const coeffs = opts.targets.map((f) => 2 * Math.cos((2 * Math.PI * f) / opts.sampleRate));
  const floor = opts.rmsFloor ?? 0.01;
  const minFraction = opts.minFraction ?? 0.5;
  return (samples: Int16Array, channels = 1): FrameAnalysis => {
    const n = Math.floor(samples.length / channels);
    let energy = 0;
    for (let i = 0; i < n; i++) {
      const x = samples[i * channels]! / 32768;
      energy += x * x;
    }
    const rms = n > 0 ? Math.sqrt(energy / n) : 0;
    const fractions = coeffs.map((c) => {
      let s1 = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        const s0 = samples[i * channels]! / 32768 + c * s1 - s2;
        s2 = s1;
        s1 = s0;
      }
      const power = s1 * s1 + s2 * s2 - c * s1 * s2;
      return energy > 0 ? power / ((n / 2) * energy) : 0;
    });
    let tone: number | null = null;
    if (rms >= floor) {
      let best = -1;
      for (let k = 0; k < fractions.length; k++) if (best < 0 || fractions[k]! > fractions[best]!) best = k;
      if (best >= 0 && fractions[best]! >= minFraction) tone = opts.targets[best]!;
    }
    return { rms, fractions, tone };
  };
}

/** One 10 ms (or any length) frame of a sine tone, continuing the phase at `startSample`. */
export function sineFrame(freq: number, sampleRate: number, samples: number, startSample: number, amplitude = 0.3): Int16Array {
  const out = new Int16Array(samples);
  const w = (2 * Math.PI * freq) / sampleRate;
  for (let i = 0; i < samples; i++) out[i] = Math.round(amplitude * 32767 * Math.sin(w * (startSample + i)));
  return out;
}
