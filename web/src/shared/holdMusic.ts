// Hold music generated with WebAudio: a soft, looping pentatonic tune over a quiet pad.
// No asset download. Notes are in E-flat major pentatonic so that none of them sits near the
// pure test tones (440, 660, 880, 1000 Hz) that the audio tests use to tell roles apart.
import { audioContext } from './audioContext';

const NOTE = {
  Eb3: 155.56,
  Bb3: 233.08,
  Eb4: 311.13,
  F4: 349.23,
  G4: 392.0,
  Bb4: 466.16,
  C5: 523.25,
  Eb5: 622.25,
} as const;
type NoteName = keyof typeof NOTE;

// [note, beats]; 8 bars of 4 beats, looped.
const MELODY: ReadonlyArray<readonly [NoteName | null, number]> = [
  ['G4', 1], ['Bb4', 1], ['C5', 1], ['Bb4', 1],
  ['G4', 2], ['F4', 1], ['Eb4', 1],
  ['F4', 1], ['G4', 1], ['Bb4', 2],
  ['G4', 3], [null, 1],
  ['C5', 1], ['Eb5', 1], ['C5', 1], ['Bb4', 1],
  ['G4', 2], ['Bb4', 1], ['G4', 1],
  ['F4', 1], ['Eb4', 1], ['F4', 1], ['G4', 1],
  ['Eb4', 3], [null, 1],
];
const PAD: ReadonlyArray<NoteName> = ['Eb3', 'Bb3', 'Eb3', 'Bb3', 'Eb3', 'Bb3', 'Eb3', 'Bb3'];
const BEAT_S = 0.42;
const LOOKAHEAD_S = 0.6;

class HoldMusicPlayer {
  private master: GainNode | null = null;
  private timer: number | null = null;
  private nextTime = 0;
  private step = 0;
  private beatInLoop = 0;

  get playing(): boolean {
    return this.timer !== null;
  }

  start(): void {
    if (this.timer !== null) return;
    const ctx = audioContext();
    if (!ctx) return;
    const master = ctx.createGain();
    master.gain.setValueAtTime(0, ctx.currentTime);
    master.gain.linearRampToValueAtTime(0.16, ctx.currentTime + 0.8); // fade in
    master.connect(ctx.destination);
    this.master = master;
    this.nextTime = ctx.currentTime + 0.1;
    this.step = 0;
    this.beatInLoop = 0;
    this.timer = window.setInterval(() => this.schedule(ctx), 150);
    this.schedule(ctx);
  }

  stop(): void {
    if (this.timer !== null) window.clearInterval(this.timer);
    this.timer = null;
    const master = this.master;
    this.master = null;
    const ctx = audioContext();
    if (master && ctx) {
      master.gain.cancelScheduledValues(ctx.currentTime);
      master.gain.setValueAtTime(master.gain.value, ctx.currentTime);
      master.gain.linearRampToValueAtTime(0, ctx.currentTime + 0.25);
      window.setTimeout(() => master.disconnect(), 400);
    }
  }

  private schedule(ctx: AudioContext): void {
    const master = this.master;
    if (!master) return;
    if (this.nextTime < ctx.currentTime) this.nextTime = ctx.currentTime + 0.05; // tab was throttled
    while (this.nextTime < ctx.currentTime + LOOKAHEAD_S) {
      const [note, beats] = MELODY[this.step]!;
      const dur = beats * BEAT_S;
      if (this.beatInLoop % 4 === 0) {
        const bar = Math.floor(this.beatInLoop / 4) % PAD.length;
        this.tone(ctx, master, NOTE[PAD[bar]!], this.nextTime, 4 * BEAT_S, 0.22, 'sine');
      }
      if (note) this.tone(ctx, master, NOTE[note], this.nextTime, dur * 0.95, 0.5, 'triangle');
      this.nextTime += dur;
      this.beatInLoop += beats;
      this.step = (this.step + 1) % MELODY.length;
      if (this.step === 0) this.beatInLoop = 0;
    }
  }

  private tone(ctx: AudioContext, out: AudioNode, freq: number, at: number, dur: number, level: number, type: OscillatorType): void {
    const osc = ctx.createOscillator();
    const env = ctx.createGain();
    osc.type = type;
    osc.frequency.setValueAtTime(freq, at);
    env.gain.setValueAtTime(0, at);
    env.gain.linearRampToValueAtTime(level, at + 0.04);
    env.gain.exponentialRampToValueAtTime(level * 0.5, at + dur * 0.6);
    env.gain.exponentialRampToValueAtTime(0.0001, at + dur);
    osc.connect(env).connect(out);
    osc.start(at);
    osc.stop(at + dur + 0.05);
  }
}

export const holdMusic = new HoldMusicPlayer();
