// Hold music for phone legs, generated (no files, no downloads) and deterministic: an 8-second loop
// of four soft chords (C – Am – F – G), each a bass note and a pad swelling in and out under a slow
// arpeggio of bell-like notes (40 ms attack, ~0.35 s decay). Pure sines only: no harmonics.
//
// The tests and benchmarks tell people apart by tones (440, 660, 880 and 1000 Hz, Goertzel on 20 ms
// frames), so no note of the music comes within 70 Hz of those. Allowed: below 370 Hz, 510–590 Hz,
// 730–810 Hz, above 1070 Hz. The notes used (Hz, equal temperament):
//
//   chord  bass    pad                    arpeggio (4 × 0.5 s)
//   C      130.81  261.63 329.63          523.25  783.99  1318.51  783.99
//   Am     110.00  220.00 329.63          523.25  1318.51 1760.00  1318.51
//   F       87.31  174.61 220.00 261.63   523.25  1396.91 1760.00  1396.91
//   G       98.00  196.00 246.94 293.66   587.33  783.99  1975.53  1174.66
//
// The loop is computed once per process (64 000 samples, 125 kB) and every leg reads it, so hold
// music costs a leg nothing but the μ-law encoding of each frame.
import { FRAME_SAMPLES, SAMPLE_RATE } from './audio.js';

interface Chord {
  bass: number;
  pad: number[];
  arpeggio: number[];
}

const CHORDS: Chord[] = [
  { bass: 130.81, pad: [261.63, 329.63], arpeggio: [523.25, 783.99, 1318.51, 783.99] },
  { bass: 110.0, pad: [220.0, 329.63], arpeggio: [523.25, 1318.51, 1760.0, 1318.51] },
  { bass: 87.31, pad: [174.61, 220.0, 261.63], arpeggio: [523.25, 1396.91, 1760.0, 1396.91] },
  { bass: 98.0, pad: [196.0, 246.94, 293.66], arpeggio: [587.33, 783.99, 1975.53, 1174.66] },
];

/** Every frequency the music contains (for tests that check it stays off the test tones). */
export const HOLD_MUSIC_FREQUENCIES: readonly number[] = [
  ...new Set(CHORDS.flatMap((c) => [c.bass, ...c.pad, ...c.arpeggio])),
].sort((a, b) => a - b);

const CHORD_S = 2;
const LOOP_SAMPLES = CHORDS.length * CHORD_S * SAMPLE_RATE; // 64 000 = 400 frames of 160
const PEAK = 0.3; // of full scale (≈ −10 dBFS): soft, well above the detectors' −40 dBFS floor

/** Adds one enveloped sine to the loop, wrapping around its end so the loop is seamless. */
function addNote(buf: Float64Array, freq: number, startS: number, lengthS: number, amp: number, env: (t: number) => number) {
  const start = Math.round(startS * SAMPLE_RATE);
  const n = Math.round(lengthS * SAMPLE_RATE);
  const w = (2 * Math.PI * freq) / SAMPLE_RATE;
  for (let k = 0; k < n; k++) {
    const i = (((start + k) % LOOP_SAMPLES) + LOOP_SAMPLES) % LOOP_SAMPLES;
    buf[i]! += amp * env(k / SAMPLE_RATE) * Math.sin(w * k);
  }
}

// Slow raised-cosine edges: an envelope spreads a sine's spectrum by about 1/(edge time), so 40 ms
// and longer edges keep every note's energy within ±25 Hz of its frequency.
const raised = (x: number) => 0.5 - 0.5 * Math.cos(Math.PI * Math.min(1, Math.max(0, x)));

const BELL_S = 1.2;
const bell = (t: number) => raised(t / 0.04) * Math.exp(-t / 0.35) * raised((BELL_S - t) / 0.1);

const SWELL_S = CHORD_S + 0.3;
const swell = (t: number) => raised(t / 0.3) * raised((SWELL_S - t) / 0.3);

function render(): Int16Array {
  const buf = new Float64Array(LOOP_SAMPLES);
  CHORDS.forEach((chord, c) => {
    const t0 = c * CHORD_S;
    // Pad and bass start 0.15 s early and end 0.15 s late: consecutive chords cross-fade.
    addNote(buf, chord.bass, t0 - 0.15, SWELL_S, 0.1, swell);
    for (const f of chord.pad) addNote(buf, f, t0 - 0.15, SWELL_S, 0.05, swell);
    chord.arpeggio.forEach((f, k) => addNote(buf, f, t0 + k * 0.5, BELL_S, 0.09, bell));
  });
  let peak = 0;
  for (const v of buf) peak = Math.max(peak, Math.abs(v));
  const gain = (PEAK * 32767) / peak;
  const out = new Int16Array(LOOP_SAMPLES);
  for (let i = 0; i < LOOP_SAMPLES; i++) out[i] = Math.round(buf[i]! * gain);
  return out;
}

let loop: Int16Array | null = null;

/** The whole loop (rendered on first use). */
export function holdMusicLoop(): Int16Array {
  loop ??= render();
  return loop;
}

/** One leg's position in the loop. Every leg starts at the top, so the music is the same each call. */
export class HoldMusic {
  private pos = 0;

  /** The next 20 ms frame: a view into the shared loop — read it, never write to it. */
  next(): Int16Array {
    const all = holdMusicLoop();
    const frame = all.subarray(this.pos, this.pos + FRAME_SAMPLES);
    this.pos = (this.pos + FRAME_SAMPLES) % LOOP_SAMPLES;
    return frame;
  }

  /** Back to the top: a caller put on hold again hears the music from the start. */
  rewind(): void {
    this.pos = 0;
  }
}
