// Incoming-transfer ring: two short beeps every two seconds until stopped. WebAudio, no asset.
import { audioContext } from './audioContext';

const BEEP_HZ = 1245; // away from the 440/660/880/1000 Hz test tones
const PERIOD_MS = 2000;

class RingTone {
  private timer: number | null = null;

  get ringing(): boolean {
    return this.timer !== null;
  }

  start(): void {
    if (this.timer !== null) return;
    this.burst();
    this.timer = window.setInterval(() => this.burst(), PERIOD_MS);
  }

  stop(): void {
    if (this.timer !== null) window.clearInterval(this.timer);
    this.timer = null;
  }

  private burst(): void {
    const ctx = audioContext();
    if (!ctx || ctx.state !== 'running') return;
    const t = ctx.currentTime + 0.02;
    this.beep(ctx, t);
    this.beep(ctx, t + 0.22);
  }

  private beep(ctx: AudioContext, at: number): void {
    const osc = ctx.createOscillator();
    const env = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.setValueAtTime(BEEP_HZ, at);
    env.gain.setValueAtTime(0, at);
    env.gain.linearRampToValueAtTime(0.18, at + 0.01);
    env.gain.setValueAtTime(0.18, at + 0.14);
    env.gain.linearRampToValueAtTime(0, at + 0.16);
    osc.connect(env).connect(ctx.destination);
    osc.start(at);
    osc.stop(at + 0.2);
  }
}

export const ringTone = new RingTone();
