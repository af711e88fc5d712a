// Hann-windowed Goertzel analyser, shared by the AudioWorklet (./worklet.ts) and the
// ScriptProcessor fallback in ./page.ts. Each bundle gets its own copy.

export class WarmlineToneAnalyzer {
  sampleRate: number;
  freqs: number[];
  blockSize: number;
  buf: Float32Array;
  n: number;
  win: Float32Array;
  winSum: number;
  coeffs: number[];

  constructor(sampleRate: number, freqs: readonly number[], blockSize: number) {
    this.sampleRate = sampleRate;
    this.freqs = freqs.slice();
    this.blockSize = blockSize;
    this.buf = new Float32Array(blockSize);
    this.n = 0;
    this.win = new Float32Array(blockSize);
    let sum = 0;
    for (let i = 0; i < blockSize; i++) {
      const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (blockSize - 1));
      this.win[i] = w;
      sum += w;
    }
    this.winSum = sum;
    this.coeffs = this.freqs.map((f) => 2 * Math.cos((2 * Math.PI * f) / sampleRate));
  }

  // Pushes samples (Float32Array or null = silence of length len). Calls onBlock(amps, rms, endIndex)
  // for every completed block; endIndex is the index in this chunk just after the block's last sample.
  push(samples: Float32Array | null, len: number, onBlock: (amps: number[], rms: number, end: number) => void): void {
    for (let i = 0; i < len; i++) {
      this.buf[this.n++] = samples ? samples[i]! : 0;
      if (this.n === this.blockSize) {
        this.n = 0;
        const r = this.analyze();
        onBlock(r.amps, r.rms, i + 1);
      }
    }
  }

  analyze(): { amps: number[]; rms: number } {
    const N = this.blockSize,
      x = this.buf,
      w = this.win;
    let sq = 0;
    for (let i = 0; i < N; i++) sq += x[i]! * x[i]!;
    const rms = Math.sqrt(sq / N);
    const amps: number[] = new Array(this.freqs.length);
    for (let k = 0; k < this.freqs.length; k++) {
      const c = this.coeffs[k]!;
      let s1 = 0,
        s2 = 0;
      for (let i = 0; i < N; i++) {
        const s = x[i]! * w[i]! + c * s1 - s2;
        s2 = s1;
        s1 = s;
      }
      const power = s1 * s1 + s2 * s2 - c * s1 * s2;
      // |X(f)| of a windowed sine of amplitude A is A * sum(w) / 2.
      amps[k] = (2 * Math.sqrt(Math.max(power, 0))) / this.winSum;
    }
    return { amps, rms };
  }
}
