// The probe's AudioWorklet processor (audio thread). Bundled on its own by ../audio-probe.ts and
// loaded by ./page.ts from a Blob URL. Every 20 ms block: Goertzel amplitudes and RMS, stamped
// with an epoch-ms time taken here, on the audio thread.
import { WarmlineToneAnalyzer } from './analyzer.js';
import type { ProbeBlockMessage } from './types.js';

// AudioWorkletGlobalScope (TypeScript ships no lib for it).
declare const sampleRate: number;
declare const currentTime: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
  constructor();
}
declare function registerProcessor(name: string, ctor: new (options: AudioWorkletNodeOptions) => AudioWorkletProcessor): void;

interface ProcessorOptions {
  freqs: number[];
  blockSize: number;
}

class WarmlineProbeProcessor extends AudioWorkletProcessor {
  analyzer: WarmlineToneAnalyzer;
  offsets: Array<[number, number]>;

  constructor(options: AudioWorkletNodeOptions) {
    super();
    const o = options.processorOptions as ProcessorOptions;
    this.analyzer = new WarmlineToneAnalyzer(sampleRate, o.freqs, o.blockSize);
    this.offsets = []; // [ctx s, wall ms - ctx ms], offsets increasing (sliding-minimum deque)
  }

  // Date.now() minus context ms, taken on the audio thread so main-thread stalls cannot skew it:
  // the minimum over the last 1 s of context time. The minimum removes render-burst (one 0.1 s
  // output buffer is rendered at once) and preemption jitter; the 1 s window follows the
  // context clock when it falls behind wall time (see ../audio-probe.ts).
  offsetMs(): number {
    const q = this.offsets;
    const off = Date.now() - currentTime * 1000;
    while (q.length && q[q.length - 1]![1] >= off) q.pop();
    q.push([currentTime, off]);
    while (q[0]![0] < currentTime - 1) q.shift();
    return q[0]![1];
  }

  process(inputs: Float32Array[][]): boolean {
    const input = inputs[0];
    const ch = input && input.length ? input[0]! : null;
    const len = ch ? ch.length : 128;
    const t0 = currentTime;
    const offset = this.offsetMs();
    this.analyzer.push(ch, len, (amps, rms, end) => {
      const m: ProbeBlockMessage = { t: (t0 + end / sampleRate) * 1000 + offset, amps, rms };
      this.port.postMessage(m);
    });
    return true;
  }
}

registerProcessor('warmline-probe', WarmlineProbeProcessor);
