// The in-page half of the audio probe (see ../audio-probe.ts for what it measures and why).
// Bundled by ../audio-probe.ts into the init script of every page of a role's browser context,
// where it runs before any page script: it wraps `window.RTCPeerConnection`, feeds every remote
// audio track into one WebAudio graph analysed by ./worklet.ts, keeps the blocks, and offers
// `window.__audioProbe` (ProbeApi) to the Node side.
import { WarmlineToneAnalyzer } from './analyzer.js';
import type { IcePair, ProbeApi, ProbeBlockMessage, ProbeConfig, ProbeSummary } from './types.js';

// Supplied by the init script's wrapper (../audio-probe.ts): this page's config (a fresh object
// per document; `configure()` changes it) and the bundled worklet's source.
declare const __PROBE_CONFIG__: ProbeConfig;
declare const __PROBE_WORKLET__: string;

declare global {
  interface Window {
    __audioProbe?: ProbeApi;
    webkitRTCPeerConnection?: typeof RTCPeerConnection;
  }
}

interface Block {
  /** Epoch ms of the block's end. */
  t: number;
  db: number[];
  rmsDb: number;
}

interface TrackEntry {
  track: MediaStreamTrack;
  el: HTMLAudioElement | null;
  src: MediaStreamAudioSourceNode | null;
  addedAt: number;
}

const message = (e: unknown): string => (e && (e as Error).message ? (e as Error).message : String(e));

function installProbe(CFG: ProbeConfig, WORKLET_SRC: string): void {
  if (window.__audioProbe) return;

  const FLOOR = -120;
  const toDb = (a: number) => (a > 1e-6 ? 20 * Math.log10(a) : FLOOR);
  // Date.now(), like the worklet's stamps and Node's Date.now() (one system clock).
  const nowEpoch = () => Date.now();

  // ---- block store ----
  let blocks: Block[] = [];
  let lastLevels: Block | null = null;

  function record(tEpochMs: number, amps: number[], rms: number): void {
    const b: Block = { t: tEpochMs, db: amps.map(toDb), rmsDb: toDb(rms) };
    blocks.push(b);
    if (blocks.length > CFG.maxBlocks) blocks.splice(0, blocks.length - CFG.maxBlocks);
    lastLevels = b;
  }

  function present(b: Block, k: number): boolean {
    const db = b.db[k]!;
    // tone power (A^2/2) relative to block power (rms^2), in dB
    const share = db - 3.0103 - b.rmsDb;
    return db >= CFG.floorDb && share >= CFG.shareDb;
  }

  function median(arr: number[]): number {
    if (!arr.length) return FLOOR;
    const s = arr.slice().sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
  }

  function summarize(sel: Block[]): ProbeSummary {
    const out: ProbeSummary = {
      blocks: sel.length,
      from: sel.length ? sel[0]!.t : null,
      to: sel.length ? sel[sel.length - 1]!.t : null,
      fraction: {},
      presentBlocks: {},
      dominant: {},
      medianDb: {},
      maxDb: {},
      medianRmsDb: median(sel.map((b) => b.rmsDb)),
    };
    CFG.freqs.forEach((f, k) => {
      let p = 0,
        d = 0,
        mx = FLOOR;
      const dbs: number[] = [];
      for (const b of sel) {
        const isP = present(b, k);
        if (isP) {
          p++;
          let loudest = true;
          for (let j = 0; j < b.db.length; j++) if (j !== k && b.db[j]! > b.db[k]!) loudest = false;
          if (loudest) d++;
        }
        dbs.push(b.db[k]!);
        if (b.db[k]! > mx) mx = b.db[k]!;
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
  let ctx: AudioContext | null = null,
    mix: GainNode | null = null,
    mode: 'worklet' | 'scriptprocessor' | 'none' | 'starting' | 'error' = 'none',
    error: string | null = null,
    blockSize: number | null = null,
    graphPromise: Promise<void> | null = null;
  let pcCount = 0;
  const pcs: RTCPeerConnection[] = []; // every RTCPeerConnection created in this page
  const tracks: TrackEntry[] = [];
  const seen = new WeakSet<MediaStreamTrack>();

  function ensureGraph(): Promise<void> {
    if (graphPromise) return graphPromise;
    mode = 'starting';
    graphPromise = (async () => {
      // A large output buffer: the output is silent, so latency costs nothing, and with no sound
      // card Chromium's fake output drops a whole buffer whenever its thread wakes up later than
      // one buffer. Under CPU load, in the same 1-1.5 s windows of an agent page, a 10 ms buffer
      // ('interactive') rendered 90-94 % of the audio, 0.1 s rendered 99-101 %.
      const ac = (ctx = new AudioContext({ latencyHint: 0.1 }));
      const size = (blockSize = Math.round((ac.sampleRate * CFG.blockMs) / 1000));
      const mixer = (mix = ac.createGain());
      mixer.channelCount = 1;
      mixer.channelCountMode = 'explicit';
      mixer.channelInterpretation = 'speakers';
      const sink = ac.createGain();
      sink.gain.value = 0; // keep the graph pulled, output nothing
      sink.connect(ac.destination);
      let node: AudioNode | null = null;
      if (CFG.mode !== 'scriptprocessor' && ac.audioWorklet) {
        try {
          const url = URL.createObjectURL(new Blob([WORKLET_SRC], { type: 'application/javascript' }));
          await ac.audioWorklet.addModule(url);
          URL.revokeObjectURL(url);
          const worklet = new AudioWorkletNode(ac, 'warmline-probe', {
            numberOfInputs: 1,
            numberOfOutputs: 1,
            outputChannelCount: [1],
            channelCount: 1,
            channelCountMode: 'explicit',
            channelInterpretation: 'speakers',
            processorOptions: { freqs: CFG.freqs, blockSize: size },
          });
          worklet.port.onmessage = (e: MessageEvent<ProbeBlockMessage>) => record(e.data.t, e.data.amps, e.data.rms);
          node = worklet;
          mode = 'worklet';
        } catch (e) {
          if (CFG.mode === 'worklet') throw e;
          error = 'worklet failed, using ScriptProcessor: ' + message(e);
          node = null;
        }
      }
      if (!node) {
        const an = new WarmlineToneAnalyzer(ac.sampleRate, CFG.freqs, size);
        const sp = ac.createScriptProcessor(1024, 1, 1);
        sp.onaudioprocess = (e) => {
          const data = e.inputBuffer.getChannelData(0);
          // Fallback only: runs on the main thread, so a main-thread stall delays these stamps.
          const wallEnd = nowEpoch();
          an.push(data, data.length, (amps, rms, end) => record(wallEnd - ((data.length - end) * 1000) / ac.sampleRate, amps, rms));
        };
        node = sp;
        mode = 'scriptprocessor';
      }
      mixer.connect(node);
      node.connect(sink);
      if (ac.state !== 'running') ac.resume().catch(() => {});
    })().catch((e: unknown) => {
      mode = 'error';
      error = message(e);
      throw e;
    });
    return graphPromise;
  }

  async function addTrack(track: MediaStreamTrack | null): Promise<void> {
    if (!track || track.kind !== 'audio' || seen.has(track)) return;
    seen.add(track);
    const entry: TrackEntry = { track, el: null, src: null, addedAt: nowEpoch() };
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
      } catch (e) {
        /* ignore */
      }
    }
    try {
      await ensureGraph();
      entry.src = ctx!.createMediaStreamSource(stream);
      entry.src.connect(mix!);
      if (ctx!.state !== 'running') ctx!.resume().catch(() => {});
    } catch (e) {
      error = 'addTrack: ' + message(e);
    }
    track.addEventListener('ended', () => {
      try {
        entry.src && entry.src.disconnect();
      } catch (e) {}
      if (entry.el) {
        entry.el.srcObject = null;
        entry.el = null;
      }
    });
  }

  // ---- RTCPeerConnection hook ----
  const Native = window.RTCPeerConnection;
  if (Native) {
    const Hooked = function RTCPeerConnection(...args: ConstructorParameters<typeof Native>) {
      const pc = new Native(...args);
      pcCount++;
      pcs.push(pc);
      pc.addEventListener('track', (e) => {
        addTrack(e.track);
      });
      return pc;
    } as unknown as typeof Native;
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
      const last = lastLevels;
      const o: Record<string, number> = { t: last.t, rms: Math.round(last.rmsDb * 10) / 10 };
      CFG.freqs.forEach((f, k) => {
        o[f] = Math.round(last.db[k]! * 10) / 10;
      });
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
      let runStart: number | null = null,
        run = 0;
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
    reset() {
      blocks = [];
      lastLevels = null;
    },
    async ice(all) {
      const out: IcePair[] = [];
      for (let i = 0; i < pcs.length; i++) {
        const pc = pcs[i]!;
        if (pc.connectionState === 'closed') continue;
        const stats = await pc.getStats();
        // RTCStatsReport entries, read loosely (candidate, candidate-pair and transport reports).
        const byId = new Map<string, Record<string, any>>();
        stats.forEach((r: Record<string, any>) => byId.set(r.id, r));
        const cand = (id: string) => {
          const c = byId.get(id);
          return c ? { address: c.address || c.ip || null, port: c.port, type: c.candidateType, protocol: c.protocol } : null;
        };
        if (all) {
          stats.forEach((r: Record<string, any>) => {
            if (r.type === 'candidate-pair') {
              out.push({ pc: i, state: r.state, nominated: !!r.nominated, local: cand(r.localCandidateId), remote: cand(r.remoteCandidateId) });
            }
          });
          continue;
        }
        stats.forEach((r: Record<string, any>) => {
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
        mode,
        error,
        contextState: ctx ? ctx.state : null,
        sampleRate: ctx ? ctx.sampleRate : null,
        blockSize,
        blocks: blocks.length,
        lagMs: lastLevels ? Math.round(nowEpoch() - lastLevels.t) : null,
        peerConnections: pcCount,
        tracks: tracks.map((e) => ({ id: e.track.id, readyState: e.track.readyState, muted: e.track.muted, addedAt: e.addedAt })),
        config: Object.assign({}, CFG),
      };
    },
    configure(patch) {
      Object.assign(CFG, patch || {});
      return Object.assign({}, CFG);
    },
  };
}

installProbe(__PROBE_CONFIG__, __PROBE_WORKLET__);
