// Types shared by the in-page probe (./page.ts) and its Node side (../audio-probe.ts).
// Types only: this file is compiled in both programs (DOM and Node).

export interface ProbeConfig {
  /** Frequencies analysed (Hz). Default 440, 660, 880, 1000. */
  freqs: number[];
  /** Analysis block length in ms. Default 20. */
  blockMs: number;
  /** Blocks kept in memory (ring). Default 15000 (5 min at 20 ms). */
  maxBlocks: number;
  /** Minimum tone amplitude (dBFS) for "present". Default -50. */
  floorDb: number;
  /** Minimum tone share of the block's energy (dB) for "present". Default -10. */
  shareDb: number;
  /** Attach each remote track to a muted <audio> element (needed by Chromium). Default true. */
  attachElement: boolean;
  /** 'auto' tries AudioWorklet, falls back to ScriptProcessor. Default 'auto'. */
  mode: 'auto' | 'worklet' | 'scriptprocessor';
}

/** Summary of the blocks in a time range. Keys of the records are frequencies in Hz. */
export interface ProbeSummary {
  blocks: number;
  /** Epoch ms of the first/last block end in the range (null if no block). */
  from: number | null;
  to: number | null;
  /** Fraction (0..1) of blocks in which the tone is present. */
  fraction: Record<number, number>;
  /** Number of blocks in which the tone is present. */
  presentBlocks: Record<number, number>;
  /** Fraction of blocks in which the tone is present AND the loudest of the target tones. */
  dominant: Record<number, number>;
  /** Median / max tone amplitude in dBFS over the range (-120 = nothing). */
  medianDb: Record<number, number>;
  maxDb: Record<number, number>;
  /** Median block RMS in dBFS. */
  medianRmsDb: number;
}

export interface ProbeState {
  mode: 'worklet' | 'scriptprocessor' | 'none' | 'starting' | 'error';
  error: string | null;
  contextState: string | null;
  sampleRate: number | null;
  blockSize: number | null;
  blocks: number;
  /** Wall-clock ms since the newest block was stamped (null before the first block). A probe
   *  that keeps up shows a few tens of ms; seconds mean the audio thread is stalled. */
  lagMs: number | null;
  peerConnections: number;
  tracks: Array<{ id: string; readyState: string; muted: boolean; addedAt: number }>;
  config: ProbeConfig;
}

export interface IceCandidateInfo {
  address: string | null;
  port: number;
  type: string;
  protocol: string;
}

export interface IcePair {
  /** Index of the peer connection in creation order. */
  pc: number;
  state: string;
  /** Only in `ice(true)` listings. */
  nominated?: boolean;
  local: IceCandidateInfo | null;
  remote: IceCandidateInfo | null;
}

/** What `window.__audioProbe` offers inside the page. */
export interface ProbeApi {
  /** Last block: dBFS per frequency, plus `rms` and `t` (epoch ms). */
  levels(): Record<string, number>;
  /** Summary of the last `ms` milliseconds. */
  window(ms: number): ProbeSummary;
  /** Summary of blocks ending in [sinceEpochMs, untilEpochMs]. */
  since(sinceEpochMs: number, untilEpochMs?: number): ProbeSummary;
  /** Epoch ms of the first block of the first run of `consecutive` blocks (ending after `since`)
   *  in which `freq` is present (want=true) or absent (want=false); null if none yet. */
  firstRun(freq: number, want: boolean, since: number, consecutive: number): number | null;
  reset(): void;
  /** Selected ICE candidate pair of every open peer connection of the page (all pairs if `all`). */
  ice(all?: boolean): Promise<IcePair[]>;
  state(): ProbeState;
  configure(patch: Partial<ProbeConfig>): ProbeConfig;
}

/** A worklet message: one analysed block. */
export interface ProbeBlockMessage {
  /** Epoch ms of the block's end. */
  t: number;
  /** Linear amplitude per target frequency (1 = full-scale sine). */
  amps: number[];
  /** Block RMS, linear. */
  rms: number;
}
