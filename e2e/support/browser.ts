// One Chromium PROCESS per test role, each with its own fake microphone playing a pure tone.
//
//   const a = await launchRole('agentA', 660);
//   await a.page.goto(url);
//   ...
//   await a.close();          // closes the browser and removes its temp profile
//
// Flags: headless with fake media (the WAV is the microphone, permission prompts auto-accepted),
// loopback WebRTC without mDNS candidates, autoplay allowed, and no background network chatter
// (see chromiumArgs; docs/ARCHITECTURE.md "Testing"). playwright-core refuses a
// `--user-data-dir` in `args`, so the fresh temp profile is given as the userDataDir of
// `chromium.launchPersistentContext` (which is how Playwright passes `--user-data-dir`).
// Every role's context gets the audio probe (./audio-probe.ts) unless `probe: false`.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { installAudioProbe, type ProbeConfig } from './audio-probe.js';
import { ensureToneWav } from './tones.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where tone WAVs are cached. */
export const TONE_DIR = process.env.WARMLINE_TONE_DIR ?? join(tmpdir(), 'warmline-e2e-tones');

/**
 * Playwright's own `--disable-features=` list (playwright-core 1.65 chromiumSwitches.ts).
 * Chromium keeps only the LAST `--disable-features` switch, so ours must repeat Playwright's
 * list or it silently re-enables them (MediaRouter, OptimizationHints, … = network chatter).
 */
const PLAYWRIGHT_DISABLED_FEATURES = [
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
];

/** Features we disable on top: mDNS-obfuscated host candidates would not pair on loopback. */
const OUR_DISABLED_FEATURES = ['WebRtcHideLocalIpsWithMdns'];

/** The Chromium flags for a role (minus --user-data-dir, which Playwright sets). */
export function chromiumArgs(wavPath: string, extra: string[] = [], omit: string[] = []): string[] {
  const disabled = [...PLAYWRIGHT_DISABLED_FEATURES, ...OUR_DISABLED_FEATURES].filter((f) => !omit.includes(f));
  for (const a of extra) {
    const m = /^--disable-features=(.*)$/.exec(a);
    if (m?.[1]) disabled.push(...m[1].split(',').filter(Boolean));
  }
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${wavPath}`,
    `--disable-features=${[...new Set(disabled)].join(',')}`,
    '--allow-loopback-in-peer-connection',
    '--autoplay-policy=no-user-gesture-required',
    ...extra.filter((a) => !a.startsWith('--disable-features=')),
  ].filter((a) => !omit.some((o) => o.startsWith('--') && a.startsWith(o)));
}

export interface LaunchRoleOptions {
  /** Extra Chromium switches (a `--disable-features=` here is merged with ours). */
  extraArgs?: string[];
  /** Diagnostics only: switches (by prefix, e.g. '--allow-loopback-in-peer-connection') or
   *  feature names (e.g. 'WebRtcHideLocalIpsWithMdns') to leave out. */
  omitArgs?: string[];
  /** Install the audio probe (default true), optionally with config overrides. */
  probe?: boolean | Partial<ProbeConfig>;
  /** Tone amplitude 0..1 (default 0.5). */
  amplitude?: number;
  /** Directory for tone WAVs (default TONE_DIR). */
  toneDir?: string;
  /** Forward this role's browser console to the Node console (default: env E2E_BROWSER_LOG=1). */
  echoConsole?: boolean;
  /** Playwright launch timeout (ms). Default 30000. */
  timeoutMs?: number;
}

export interface RoleLog {
  at: number;
  type: string;
  text: string;
}

export interface RoleBrowser {
  role: string;
  toneHz: number;
  wavPath: string;
  userDataDir: string;
  context: BrowserContext;
  /** The first page of the persistent context. */
  page: Page;
  /** Console messages of every page (all types) plus page errors (type 'pageerror') and crashes. */
  logs: RoleLog[];
  /** Only errors: console 'error'/'assert', page errors, crashes, failed requests. */
  errors(): RoleLog[];
  /** Closes the browser process and removes the temp profile. Idempotent. */
  close(): Promise<void>;
}

/** Launches a separate Chromium process for `role`, whose microphone plays a sine of `toneHz`. */
export async function launchRole(role: string, toneHz: number, opts: LaunchRoleOptions = {}): Promise<RoleBrowser> {
  const wavPath = await ensureToneWav(toneHz, opts.toneDir ?? TONE_DIR, opts.amplitude !== undefined ? { amplitude: opts.amplitude } : {});
  const userDataDir = await mkdtemp(join(tmpdir(), `warmline-e2e-${role.replace(/[^\w-]/g, '_')}-`));
  const echo = opts.echoConsole ?? process.env.E2E_BROWSER_LOG === '1';
  const logs: RoleLog[] = [];
  const push = (type: string, text: string) => {
    logs.push({ at: Date.now(), type, text });
    if (logs.length > 5000) logs.splice(0, logs.length - 5000);
    if (echo) console.log(`[${role}:${type}] ${text}`);
  };

  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: chromiumArgs(wavPath, opts.extraArgs, opts.omitArgs),
      // Media permissions without prompts (the fake-ui flag does this too).
      permissions: ['microphone', 'camera'],
      // Let the probe's AudioWorklet (blob: module) load whatever CSP the app sends.
      bypassCSP: true,
      timeout: opts.timeoutMs ?? 30_000,
      viewport: { width: 1280, height: 800 },
    });
  } catch (e) {
    await rm(userDataDir, { recursive: true, force: true });
    throw e;
  }

  const watchPage = (p: Page) => {
    p.on('console', (m: ConsoleMessage) => push(m.type(), m.text()));
    p.on('pageerror', (err) => push('pageerror', String(err?.stack ?? err)));
    p.on('crash', () => push('crash', `page crashed: ${p.url()}`));
    p.on('requestfailed', (r) => push('requestfailed', `${r.method()} ${r.url()}: ${r.failure()?.errorText ?? ''}`));
  };
  context.on('page', watchPage);
  context.pages().forEach(watchPage);

  if (opts.probe !== false) {
    await installAudioProbe(context, typeof opts.probe === 'object' ? opts.probe : {});
  }

  const page = context.pages()[0] ?? (await context.newPage());

  let closed: Promise<void> | null = null;
  const close = () =>
    (closed ??= (async () => {
      try {
        await context.close();
      } catch {
        /* already gone */
      }
      await rm(userDataDir, { recursive: true, force: true, maxRetries: 3 });
    })());

  return {
    role,
    toneHz,
    wavPath,
    userDataDir,
    context,
    page,
    logs,
    errors: () => logs.filter((l) => ['error', 'assert', 'pageerror', 'crash', 'requestfailed'].includes(l.type)),
    close,
  };
}
