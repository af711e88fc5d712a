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
// In the page: `window.__audioProbe` (ProbeApi, ./probe/types.ts), from ./probe/page.ts.
// From Node: measure / hears / waitUntilHears / waitUntilSilent / presentBlocks / … below.
//
// Block timestamps are epoch milliseconds (same clock as Node's Date.now() on this machine),
// so `waitUntilHears(..., { since: tAction })` measures latency from a Node-side action to the
// first received block of a tone. The audio thread maps AudioContext time to Date.now() with a
// sliding 1 s minimum offset: with no sound card (headless, fake audio output) Chromium skips
// render callbacks when the machine is busy, so the context clock runs slower than wall time
// (measured 0.90-0.93x with three Chromium processes on 2 cores). A fixed offset let block times
// fall seconds behind real time, and a window just measured held 0 blocks (issue 7).

import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import type { IcePair, ProbeConfig, ProbeSummary, ProbeState } from './probe/types.js';

export type { IceCandidateInfo, IcePair, ProbeApi, ProbeConfig, ProbeState, ProbeSummary } from './probe/types.js';

export const TONES = [440, 660, 880, 1000] as const;

export const DEFAULT_PROBE_CONFIG: ProbeConfig = {
  freqs: [...TONES],
  blockMs: 20,
  maxBlocks: 15_000,
  floorDb: -50,
  shareDb: -10,
  attachElement: true,
  mode: 'auto',
};

// ---------------------------------------------------------------------------------------------
// In-page source: ./probe/page.ts (+ worklet.ts, analyzer.ts), type-checked with the DOM lib
// (`tsc -p e2e/support/probe`) and bundled here with esbuild, once per process, into a string.
// ---------------------------------------------------------------------------------------------

const PROBE_DIR = fileURLToPath(new URL('./probe/', import.meta.url));

function bundle(entry: string, format: 'iife' | 'esm'): string {
  const out = buildSync({
    entryPoints: [PROBE_DIR + entry],
    tsconfig: PROBE_DIR + 'tsconfig.json',
    bundle: true,
    write: false,
    format,
    platform: 'browser',
    target: 'es2022',
    legalComments: 'none',
  });
  return out.outputFiles[0]!.text;
}

let sources: { page: string; worklet: string } | null = null;

/** The init script (a self-contained function call), parameterised by the config JSON. */
export function probeInitScript(config: Partial<ProbeConfig> = {}): string {
  const cfg: ProbeConfig = { ...DEFAULT_PROBE_CONFIG, ...config };
  sources ??= { worklet: bundle('worklet.ts', 'esm'), page: bundle('page.ts', 'iife') };
  // page.ts reads its config and the worklet's source from these two free names.
  return `((__PROBE_CONFIG__, __PROBE_WORKLET__) => {\n${sources.page}})(${JSON.stringify(cfg)}, ${JSON.stringify(sources.worklet)});\n`;
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
