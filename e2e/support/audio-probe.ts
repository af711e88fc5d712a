// In-page audio probe: measures which test tones a browser actually RECEIVES over WebRTC.
//
// `installAudioProbe(context)` adds an init script (runs before any page script, in every
// page/frame of the context) that wraps `window.RTCPeerConnection`. Every remote audio track
// (`track` event on any peer connection) is fed into one WebAudio graph:
//
//   remote track ─► MediaStreamAudioSourceNode ─┐
//   remote track ─► MediaStreamAudioSourceNode ─┼─► mix (GainNode, mono) ─► AudioWorklet ─► gain 0 ─► destination
//                                               ┘        (Goertzel at 440/660/880/1000 Hz every 20 ms)
//
// Each remote track is ALSO attached to a muted, detached <audio> element: Chromium only
// pulls decoded remote WebRTC audio into WebAudio while a media element (or other sink)
// consumes the stream (long-standing crbug 933677). The probe never touches the UI's own
// elements: it measures what the LiveKit server delivers to the browser, so a UI that merely
// mutes an <audio> element still counts as "hears" — that is deliberate (privacy must be
// enforced by the server).
//
// The probe hooks only the browser's WebRTC, so it works with any UI (test page or the SPA).
//
// Per 20 ms block it records, for each target frequency, the tone amplitude in dBFS
// (Hann-windowed Goertzel; a full-scale sine = 0 dBFS) and the block's RMS in dBFS. A tone is
// PRESENT in a block when
//     amplitudeDb >= floorDb   (default -50 dBFS)                       and
//     tone power / block power >= shareDb (default -10 dB, i.e. >= 10% of the block's energy).
// This allows several tones at once (e.g. a three-way introduction: 660 and 880 both present)
// while rejecting codec noise, comfort noise and sidelobe leakage.
//
// In the page: `window.__audioProbe` (see ProbeApi below).
// From Node: measure / hears / waitUntilHears / waitUntilSilent / presentBlocks / … below.
//
// Block timestamps are epoch milliseconds (same clock as Node's Date.now() on this machine),
// so `waitUntilHears(..., { since: tAction })` measures latency from a Node-side action to the
// first received block of a tone. The audio thread maps AudioContext time to Date.now() with a
// sliding 1 s minimum offset: with no sound card (headless, fake audio output) Chromium skips
// render callbacks when the machine is busy, so the context clock runs slower than wall time
// (measured 0.90-0.93x with three Chromium processes on 2 cores). A fixed offset let block times
// fall seconds behind real time, and a window just measured held 0 blocks (issue 7).

import type { BrowserContext, Page } from 'playwright-core';

export const TONES = [440, 660, 880, 1000] as const;

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

export const DEFAULT_PROBE_CONFIG: ProbeConfig = {
  freqs: [...TONES],
  blockMs: 20,
  maxBlocks: 15_000,
  floorDb: -50,
  shareDb: -10,
  attachElement: true,
  mode: 'auto',
};

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

declare global {
  interface Window {
    __audioProbe?: ProbeApi;
  }
}

// ---------------------------------------------------------------------------------------------
// In-page source. Kept as plain JS strings (not serialized TS functions) so that transpiler
// helpers (esbuild's __name etc.) never leak into the page.
// ---------------------------------------------------------------------------------------------

/** Hann-windowed Goertzel analyser, shared by the AudioWorklet and the ScriptProcessor path. */
const ANALYZER_SRC = String.raw`
class WarmlineToneAnalyzer {
  constructor(sampleRate, freqs, blockSize) {
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
  push(samples, len, onBlock) {
    for (let i = 0; i < len; i++) {
      this.buf[this.n++] = samples ? samples[i] : 0;
      if (this.n === this.blockSize) {
        this.n = 0;
        const r = this.analyze();
        onBlock(r.amps, r.rms, i + 1);
      }
    }
  }
  analyze() {
    const N = this.blockSize, x = this.buf, w = this.win;
    let sq = 0;
    for (let i = 0; i < N; i++) sq += x[i] * x[i];
    const rms = Math.sqrt(sq / N);
    const amps = new Array(this.freqs.length);
    for (let k = 0; k < this.freqs.length; k++) {
      const c = this.coeffs[k];
      let s1 = 0, s2 = 0;
      for (let i = 0; i < N; i++) {
        const s = x[i] * w[i] + c * s1 - s2;
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
`;

const WORKLET_SRC = String.raw`
${ANALYZER_SRC}
class WarmlineProbeProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const o = options.processorOptions;
    this.analyzer = new WarmlineToneAnalyzer(sampleRate, o.freqs, o.blockSize);
    this.offsets = []; // [ctx s, wall ms - ctx ms], offsets increasing (sliding-minimum deque)
  }
  // Date.now() minus context ms, taken on the audio thread so main-thread stalls cannot skew it:
  // the minimum over the last 1 s of context time. The minimum removes render-burst (one 0.1 s
  // output buffer is rendered at once) and preemption jitter; the 1 s window follows the
  // context clock when it falls behind wall time (see the file header).
  offsetMs() {
    const q = this.offsets;
    const off = Date.now() - currentTime * 1000;
    while (q.length && q[q.length - 1][1] >= off) q.pop();
    q.push([currentTime, off]);
    while (q[0][0] < currentTime - 1) q.shift();
    return q[0][1];
  }
  process(inputs) {
    const input = inputs[0];
    const ch = input && input.length ? input[0] : null;
    const len = ch ? ch.length : 128;
    const t0 = currentTime;
    const offset = this.offsetMs();
    this.analyzer.push(ch, len, (amps, rms, end) => {
      this.port.postMessage({ t: (t0 + end / sampleRate) * 1000 + offset, amps, rms });
    });
    return true;
  }
}
registerProcessor('warmline-probe', WarmlineProbeProcessor);
`;

/** The init script (a self-contained IIFE), parameterised by the config JSON. */
export function probeInitScript(config: Partial<ProbeConfig> = {}): string {
  const cfg: ProbeConfig = { ...DEFAULT_PROBE_CONFIG, ...config };
  return String.raw`
(() => {
  if (window.__audioProbe) return;
  const CFG = ${JSON.stringify(cfg)};
  const WORKLET_SRC = ${JSON.stringify(WORKLET_SRC)};
  ${ANALYZER_SRC}

  const FLOOR = -120;
  const toDb = (a) => (a > 1e-6 ? 20 * Math.log10(a) : FLOOR);
  // Date.now(), like the worklet's stamps and Node's Date.now() (one system clock).
  const nowEpoch = () => Date.now();

  // ---- block store ----
  let blocks = []; // { t: epoch ms (block end), db: number[], rmsDb: number }
  let lastLevels = null;

  function record(tEpochMs, amps, rms) {
    const b = { t: tEpochMs, db: amps.map(toDb), rmsDb: toDb(rms) };
    blocks.push(b);
    if (blocks.length > CFG.maxBlocks) blocks.splice(0, blocks.length - CFG.maxBlocks);
    lastLevels = b;
  }

  function present(b, k) {
    const db = b.db[k];
    // tone power (A^2/2) relative to block power (rms^2), in dB
    const share = db - 3.0103 - b.rmsDb;
    return db >= CFG.floorDb && share >= CFG.shareDb;
  }

  function median(arr) {
    if (!arr.length) return FLOOR;
    const s = arr.slice().sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  }

  function summarize(sel) {
    const out = { blocks: sel.length, from: sel.length ? sel[0].t : null, to: sel.length ? sel[sel.length - 1].t : null,
      fraction: {}, presentBlocks: {}, dominant: {}, medianDb: {}, maxDb: {}, medianRmsDb: median(sel.map((b) => b.rmsDb)) };
    CFG.freqs.forEach((f, k) => {
      let p = 0, d = 0, mx = FLOOR;
      const dbs = [];
      for (const b of sel) {
        const isP = present(b, k);
        if (isP) {
          p++;
          let loudest = true;
          for (let j = 0; j < b.db.length; j++) if (j !== k && b.db[j] > b.db[k]) loudest = false;
          if (loudest) d++;
        }
        dbs.push(b.db[k]);
        if (b.db[k] > mx) mx = b.db[k];
      }
      out.fraction[f] = sel.length ? p / sel.length : 0;
      out.presentBlocks[f] = p;
      out.dominant[f] = sel.length ? d / sel.length : 0;
      out.medianDb[f] = Math.round(median(dbs) * 10) / 10;
      out.maxDb[f] = Math.round(mx * 10) / 10;
    });
    out.medianRmsDb = Math.round(out.medianRmsDb * 10) / 10;
    return out;
  }

  // ---- audio graph ----
  let ctx = null, mix = null, mode = 'none', error = null, blockSize = null, graphPromise = null;
  let pcCount = 0;
  const pcs = []; // every RTCPeerConnection created in this page
  const tracks = []; // { track, el, src, addedAt }
  const seen = new WeakSet();

  function ensureGraph() {
    if (graphPromise) return graphPromise;
    mode = 'starting';
    graphPromise = (async () => {
      // A large output buffer: the output is silent, so latency costs nothing, and with no sound
      // card Chromium's fake output drops a whole buffer whenever its thread wakes up later than
      // one buffer. Under CPU load, in the same 1-1.5 s windows of an agent page, a 10 ms buffer
      // ('interactive') rendered 90-94 % of the audio, 0.1 s rendered 99-101 %.
      ctx = new AudioContext({ latencyHint: 0.1 });
      blockSize = Math.round((ctx.sampleRate * CFG.blockMs) / 1000);
      mix = ctx.createGain();
      mix.channelCount = 1;
      mix.channelCountMode = 'explicit';
      mix.channelInterpretation = 'speakers';
      const sink = ctx.createGain();
      sink.gain.value = 0; // keep the graph pulled, output nothing
      sink.connect(ctx.destination);
      let node = null;
      if (CFG.mode !== 'scriptprocessor' && ctx.audioWorklet) {
        try {
          const url = URL.createObjectURL(new Blob([WORKLET_SRC], { type: 'application/javascript' }));
          await ctx.audioWorklet.addModule(url);
          URL.revokeObjectURL(url);
          node = new AudioWorkletNode(ctx, 'warmline-probe', {
            numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1],
            channelCount: 1, channelCountMode: 'explicit', channelInterpretation: 'speakers',
            processorOptions: { freqs: CFG.freqs, blockSize },
          });
          node.port.onmessage = (e) => record(e.data.t, e.data.amps, e.data.rms);
          mode = 'worklet';
        } catch (e) {
          if (CFG.mode === 'worklet') throw e;
          error = 'worklet failed, using ScriptProcessor: ' + (e && e.message ? e.message : String(e));
          node = null;
        }
      }
      if (!node) {
        const an = new WarmlineToneAnalyzer(ctx.sampleRate, CFG.freqs, blockSize);
        node = ctx.createScriptProcessor(1024, 1, 1);
        node.onaudioprocess = (e) => {
          const data = e.inputBuffer.getChannelData(0);
          // Fallback only: runs on the main thread, so a main-thread stall delays these stamps.
          const wallEnd = nowEpoch();
          an.push(data, data.length, (amps, rms, end) => record(wallEnd - ((data.length - end) * 1000) / ctx.sampleRate, amps, rms));
        };
        mode = 'scriptprocessor';
      }
      mix.connect(node);
      node.connect(sink);
      if (ctx.state !== 'running') ctx.resume().catch(() => {});
    })().catch((e) => {
      mode = 'error';
      error = e && e.message ? e.message : String(e);
      throw e;
    });
    return graphPromise;
  }

  async function addTrack(track) {
    if (!track || track.kind !== 'audio' || seen.has(track)) return;
    seen.add(track);
    const entry = { track, el: null, src: null, addedAt: nowEpoch() };
    tracks.push(entry);
    const stream = new MediaStream([track]);
    if (CFG.attachElement) {
      try {
        const el = document.createElement('audio');
        el.muted = true;
        el.autoplay = true;
        el.srcObject = stream;
        el.play().catch(() => {});
        entry.el = el;
      } catch (e) { /* ignore */ }
    }
    try {
      await ensureGraph();
      entry.src = ctx.createMediaStreamSource(stream);
      entry.src.connect(mix);
      if (ctx.state !== 'running') ctx.resume().catch(() => {});
    } catch (e) {
      error = 'addTrack: ' + (e && e.message ? e.message : String(e));
    }
    track.addEventListener('ended', () => {
      try { entry.src && entry.src.disconnect(); } catch (e) {}
      if (entry.el) { entry.el.srcObject = null; entry.el = null; }
    });
  }

  // ---- RTCPeerConnection hook ----
  const Native = window.RTCPeerConnection;
  if (Native) {
    const Hooked = function RTCPeerConnection(...args) {
      const pc = new Native(...args);
      pcCount++;
      pcs.push(pc);
      pc.addEventListener('track', (e) => { addTrack(e.track); });
      return pc;
    };
    Hooked.prototype = Native.prototype;
    Object.setPrototypeOf(Hooked, Native);
    window.RTCPeerConnection = Hooked;
    if (window.webkitRTCPeerConnection) window.webkitRTCPeerConnection = Hooked;
  }

  // Start the graph eagerly so silence is measured too (no remote track = silent blocks).
  const start = () => ensureGraph().catch(() => {});
  start();

  window.__audioProbe = {
    levels() {
      if (!lastLevels) return {};
      const o = { t: lastLevels.t, rms: Math.round(lastLevels.rmsDb * 10) / 10 };
      CFG.freqs.forEach((f, k) => { o[f] = Math.round(lastLevels.db[k] * 10) / 10; });
      return o;
    },
    window(ms) {
      const from = nowEpoch() - ms;
      return summarize(blocks.filter((b) => b.t >= from));
    },
    since(sinceMs, untilMs) {
      const until = untilMs == null ? Infinity : untilMs;
      return summarize(blocks.filter((b) => b.t >= sinceMs && b.t <= until));
    },
    firstRun(freq, want, since, consecutive) {
      const k = CFG.freqs.indexOf(freq);
      if (k < 0) throw new Error('probe does not analyse ' + freq + ' Hz');
      let runStart = null, run = 0;
      for (const b of blocks) {
        if (b.t < since) continue;
        if (present(b, k) === want) {
          if (run === 0) runStart = b.t - CFG.blockMs; // start of the first block of the run
          run++;
          if (run >= consecutive) return runStart;
        } else {
          run = 0;
        }
      }
      return null;
    },
    reset() { blocks = []; lastLevels = null; },
    async ice(all) {
      const out = [];
      for (let i = 0; i < pcs.length; i++) {
        const pc = pcs[i];
        if (pc.connectionState === 'closed') continue;
        const stats = await pc.getStats();
        const byId = new Map();
        stats.forEach((r) => byId.set(r.id, r));
        const cand = (id) => {
          const c = byId.get(id);
          return c ? { address: c.address || c.ip || null, port: c.port, type: c.candidateType, protocol: c.protocol } : null;
        };
        if (all) {
          stats.forEach((r) => {
            if (r.type === 'candidate-pair') {
              out.push({ pc: i, state: r.state, nominated: !!r.nominated, local: cand(r.localCandidateId), remote: cand(r.remoteCandidateId) });
            }
          });
          continue;
        }
        stats.forEach((r) => {
          if (r.type === 'transport' && r.selectedCandidatePairId) {
            const pair = byId.get(r.selectedCandidatePairId);
            if (pair) out.push({ pc: i, state: pair.state, local: cand(pair.localCandidateId), remote: cand(pair.remoteCandidateId) });
          }
        });
      }
      return out;
    },
    state() {
      return {
        mode, error, contextState: ctx ? ctx.state : null, sampleRate: ctx ? ctx.sampleRate : null, blockSize,
        blocks: blocks.length, lagMs: lastLevels ? Math.round(nowEpoch() - lastLevels.t) : null, peerConnections: pcCount,
        tracks: tracks.map((e) => ({ id: e.track.id, readyState: e.track.readyState, muted: e.track.muted, addedAt: e.addedAt })),
        config: Object.assign({}, CFG),
      };
    },
    configure(patch) { Object.assign(CFG, patch || {}); return Object.assign({}, CFG); },
  };
})();
`;
}

/** Adds the probe to every page of the context. Call before the first navigation. */
export async function installAudioProbe(context: BrowserContext, config: Partial<ProbeConfig> = {}): Promise<void> {
  await context.addInitScript({ content: probeInitScript(config) });
}

// ---------------------------------------------------------------------------------------------
// Node-side helpers
// ---------------------------------------------------------------------------------------------

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function probeCall<T>(page: Page, fn: string, args: unknown[]): Promise<T> {
  return page.evaluate(
    ([fnName, a]) => {
      const p = (window as unknown as { __audioProbe?: Record<string, (...x: unknown[]) => unknown> }).__audioProbe;
      if (!p) throw new Error('audio probe not installed in this page (installAudioProbe before navigating)');
      const f = p[fnName as string];
      if (typeof f !== 'function') throw new Error('no probe function ' + String(fnName));
      return f(...(a as unknown[]));
    },
    [fn, args] as const,
  ) as Promise<T>;
}

/** Selected ICE candidate pairs of the page's open peer connections (to assert media stays on loopback). */
export function selectedIcePairs(page: Page): Promise<IcePair[]> {
  return probeCall(page, 'ice', []);
}

/** Every ICE candidate pair (diagnostics: why a pair did or did not connect). */
export function allIcePairs(page: Page): Promise<IcePair[]> {
  return probeCall(page, 'ice', [true]);
}

export function probeState(page: Page): Promise<ProbeState> {
  return probeCall(page, 'state', []);
}

/** Last 20 ms block: dBFS per frequency, plus `rms` and `t`. */
export function levels(page: Page): Promise<Record<string, number>> {
  return probeCall(page, 'levels', []);
}

export function resetProbe(page: Page): Promise<void> {
  return probeCall(page, 'reset', []);
}

export function configureProbe(page: Page, patch: Partial<ProbeConfig>): Promise<ProbeConfig> {
  return probeCall(page, 'configure', [patch]);
}

/** Raw summary of the blocks that ended in [since, until] (epoch ms; until defaults to now).
 *  No coverage check: for diagnostics. Assertions use presentBlocks / assertNeverHeard / measure. */
export function summarySince(page: Page, since: number, until?: number): Promise<ProbeSummary> {
  return probeCall(page, 'since', until === undefined ? [since] : [since, until]);
}

/** A window counts only if the probe analysed at least this share of its blocks: "0 blocks of
 *  X" from a stalled or dead probe proves nothing. */
export const MIN_BLOCK_COVERAGE = 0.8;

async function checkBlocks(page: Page, s: ProbeSummary, windowMs: number, blockMs = DEFAULT_PROBE_CONFIG.blockMs): Promise<void> {
  const expected = windowMs / blockMs;
  if (s.blocks < expected * MIN_BLOCK_COVERAGE) {
    const st = await probeState(page).catch(() => null);
    throw new Error(
      `audio probe produced only ${s.blocks} blocks in ${windowMs} ms (expected ~${Math.round(expected)}, ` +
        `at least ${Math.ceil(expected * MIN_BLOCK_COVERAGE)}): is the AudioContext running? ` +
        `probe: ${JSON.stringify(st && { mode: st.mode, error: st.error, contextState: st.contextState, lagMs: st.lagMs, blocks: st.blocks })}`,
    );
  }
}

/**
 * Summary of the blocks that ended in [since, until], taken once the probe has stamped a block
 * at or after `until` (the window's last blocks may still be on their way from the audio thread:
 * wait for that, not for a fixed time). Throws if the window holds < MIN_BLOCK_COVERAGE of its blocks.
 */
export async function coveredSummary(page: Page, since: number, until: number, timeoutMs = 5_000): Promise<ProbeSummary> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const last = (await levels(page)).t;
    // On timeout, fall through: checkBlocks reports the shortfall with the probe's state.
    if ((last !== undefined && last >= until) || Date.now() > deadline) break;
    await sleep(20);
  }
  const s = await summarySince(page, since, until);
  if (process.env.E2E_PROBE_LOG === '1') {
    // Diagnostics: how much of each checked window the probe covered, and how late it delivered.
    const path = new URL(page.url()).pathname;
    console.log(`[probe ${path}] ${until - since} ms window: ${s.blocks} blocks (${Math.round((s.blocks * DEFAULT_PROBE_CONFIG.blockMs * 100) / (until - since))} %), ready ${Date.now() - until} ms after its end`);
  }
  await checkBlocks(page, s, until - since);
  return s;
}

/** Number of blocks ending in [since, until] (until defaults to now) in which `freq` was present.
 *  Throws if the probe did not cover the window (see coveredSummary). */
export async function presentBlocks(page: Page, freq: number, since: number, until = Date.now()): Promise<number> {
  const s = await coveredSummary(page, since, until);
  return s.presentBlocks[freq] ?? 0;
}

export interface NeverHeardOptions {
  /** End of the window (epoch ms). Default: now. */
  until?: number;
  /** Who is listening, for the error message (e.g. 'caller during consultation'). */
  what?: string;
}

/**
 * Privacy check: none of `freqs` was present in any block of [since, until], AND the probe
 * analysed at least 80 % of that window's 20 ms blocks, so the silence was measured.
 * Throws otherwise; returns the window's summary.
 */
export async function assertNeverHeard(page: Page, freqs: number | number[], since: number, opts: NeverHeardOptions = {}): Promise<ProbeSummary> {
  const until = opts.until ?? Date.now();
  const s = await coveredSummary(page, since, until);
  const heard = [freqs].flat().filter((f) => (s.presentBlocks[f] ?? 0) > 0);
  if (heard.length > 0) {
    throw new Error(
      `${opts.what ?? page.url()}: heard ${heard.map((f) => `${f} Hz in ${s.presentBlocks[f]} of ${s.blocks} blocks`).join(', ')} ` +
        `of a ${until - since} ms window that must be silent`,
    );
  }
  return s;
}

/** Waits `windowMs`, then summarises exactly that window (all statistics). */
export async function measureDetailed(page: Page, windowMs = 1500): Promise<ProbeSummary> {
  const from = Date.now();
  await sleep(windowMs); // the observation window itself
  return coveredSummary(page, from, from + windowMs);
}

/** Waits `windowMs`, then returns, per frequency, the fraction (0..1) of blocks where it was present. */
export async function measure(page: Page, windowMs = 1500): Promise<Record<number, number>> {
  return (await measureDetailed(page, windowMs)).fraction;
}

export interface HearsOptions {
  windowMs?: number;
  /** Fraction of blocks in which the tone must be present. Default 0.8. */
  minFraction?: number;
}

/** True when `freq` is present in at least `minFraction` of the blocks of the next `windowMs`. */
export async function hears(page: Page, freqHz: number, opts: HearsOptions = {}): Promise<boolean> {
  const s = await measureDetailed(page, opts.windowMs ?? 1500);
  return (s.fraction[freqHz] ?? 0) >= (opts.minFraction ?? 0.8);
}

export interface WaitOptions {
  /** Only blocks ending after this epoch ms count (default: the call time). Use the time of the
   *  action you want to time, e.g. `const t = Date.now(); await api.complete(); await waitUntilHears(..., { since: t })`. */
  since?: number;
  /** Length of the run of consecutive blocks required. Default 5 (100 ms) for hears, 10 (200 ms) for silent. */
  consecutive?: number;
  pollMs?: number;
}

export interface WaitResult {
  /** Epoch ms of the start of the first block of the run. */
  at: number;
  /** at - since. */
  latencyMs: number;
}

async function waitRun(page: Page, freq: number, want: boolean, timeoutMs: number, opts: WaitOptions, defConsec: number): Promise<WaitResult> {
  const since = opts.since ?? Date.now();
  const consecutive = opts.consecutive ?? defConsec;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const at = await probeCall<number | null>(page, 'firstRun', [freq, want, since, consecutive]);
    if (at !== null) return { at, latencyMs: at - since };
    if (Date.now() > deadline) {
      const s = await summarySince(page, Math.max(since, Date.now() - 2000)).catch(() => null);
      const st = await probeState(page).catch(() => null);
      throw new Error(
        `timeout after ${timeoutMs} ms waiting until ${want ? 'hears' : 'silent on'} ${freq} Hz; ` +
          `last 2 s: ${JSON.stringify(s)}; probe: ${JSON.stringify(st && { ...st, config: undefined })}`,
      );
    }
    await sleep(opts.pollMs ?? 50);
  }
}

/** Resolves when `freq` is present in `consecutive` consecutive blocks after `since`. */
export function waitUntilHears(page: Page, freqHz: number, timeoutMs = 10_000, opts: WaitOptions = {}): Promise<WaitResult> {
  return waitRun(page, freqHz, true, timeoutMs, opts, 5);
}

/** Resolves when `freq` is absent in `consecutive` consecutive blocks after `since`. */
export function waitUntilSilent(page: Page, freqHz: number, timeoutMs = 10_000, opts: WaitOptions = {}): Promise<WaitResult> {
  return waitRun(page, freqHz, false, timeoutMs, opts, 10);
}
