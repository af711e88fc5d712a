// Benchmark: the phone bridge (server/src/phone/bridge.ts) between the Twilio emulator's Media
// Streams client and a private livekit-server. The bridges run in a child process
// (phone-bridge-host.ts) so their CPU is their own; phones and room participants run here.
//
// 1. One-way latency, each direction, by tone onset, and what the bridge adds over participants
//    that need no bridge (phone-latency.ts).
// 2. Capacity: legs in pairs, each pair alone in a room hearing each other through two bridges
//    (no room participant: every leg is bridged). Ramps the number of legs; per step, after a
//    settle, 8 s of: CPU of the bridge process per leg, its pacer (late/skipped ticks), and on the
//    phones' side underruns (20 ms ticks with nothing to play) and the share of played frames
//    carrying the partner's tone. A step is clean with no skipped pacer tick, < 1 % underruns and
//    > 95 % partner tone; the ramp stops after a clearly failing step.
// Options: samples=30 (onsets each way), maxLegs=200, windowS=8, capacityBudgetS=240,
// keepGoing=1 (ramp on past failing steps, for the CPU trend).
import { fork } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startDevLivekit } from '../devkit/dev-livekit.js';
import { findOrInstallLivekit } from '../devkit/ensure-livekit.mjs';
import { openMediaStream, type MediaStreamClient } from '../devkit/twilio-emulator/media-client.js';
import { toneDetector } from '../testkit/goertzel.js';
import { cpuGroups } from './lib/cpu.js';
import { heading, sleep, summaryTable, table, withTimeout } from './lib/report.js';
import { keepSamples, rounded, summarize } from './lib/stats.js';
import type { HostReply, HostRequest, HostSample } from './phone-bridge-host.js';
import { measureLatency } from './phone-latency.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TONES = [440, 660, 880, 1000];
const detect = toneDetector({ sampleRate: 8000, targets: TONES });

interface Host {
  url: string;
  sample(): Promise<HostSample>;
  stop(): Promise<void>;
}

function startHost(livekit: { url: string; apiKey: string; apiSecret: string }): Promise<Host> {
  const child = fork(path.join(HERE, 'phone-bridge-host.ts'), [], {
    // PHONE_BENCH_HOST_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the bridges.
    execArgv: ['--import', 'tsx', ...(process.env.PHONE_BENCH_HOST_ARGS?.split(' ').filter(Boolean) ?? [])],
    env: { ...process.env, NODE_ENV: 'production', PHONE_BENCH_LIVEKIT: JSON.stringify(livekit) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiters: ((m: HostSample) => void)[] = [];
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`phone bridge host exited (${code})`)));
    child.on('message', (raw) => {
      const m = raw as HostReply;
      if (m.op === 'error') reject(new Error(m.message));
      else if (m.op === 'sample') waiters.shift()?.(m);
      else
        resolve({
          url: m.url,
          sample: () => new Promise((r) => (waiters.push(r), child.send({ op: 'sample' } satisfies HostRequest))),
          stop: async () => {
            child.send({ op: 'stop' } satisfies HostRequest);
            await withTimeout(new Promise((r) => child.once('exit', r)), 15_000, 'host stop').catch(() => child.kill('SIGKILL'));
          },
        });
    });
  });
}

let legSeq = 0;

interface CapLeg {
  client: MediaStreamClient;
  played: number;
  partner: number;
  underruns0: number;
}

async function capLeg(host: Host, room: string, identity: string, hz: number, partnerHz: number, measuring: () => boolean): Promise<CapLeg> {
  const client = await openMediaStream({
    connectUrl: host.url,
    signedUrl: 'wss://bench.test/twilio/media',
    authToken: 'bench',
    accountSid: 'AC' + '0'.repeat(32),
    callSid: 'CA' + String(++legSeq).padStart(32, '0'),
    customParameters: { room, identity },
    source: { kind: 'tone', hz },
    keepFrames: 50,
  });
  const leg: CapLeg = { client, played: 0, partner: 0, underruns0: 0 };
  client.onPlayout((f) => {
    if (!measuring()) return;
    leg.played++;
    if (detect(f.samples).tone === partnerHz) leg.partner++;
  });
  return leg;
}

export interface CapacityStep {
  legs: number;
  bridgeCpuPercentOfCore: number;
  bridgeCpuPerLegPercent: number;
  /** Of the bridge process's CPU, the share of its JavaScript thread (the rest: rtc-node native threads). */
  jsThreadPercentOfCore: number;
  livekitCpuPercent: number;
  benchCpuPercent: number;
  pacerLate: number;
  pacerSkipped: number;
  pacerMaxLateMs: number;
  hostEventLoopP99Ms: number;
  phoneUnderrunPercent: number;
  partnerTonePercent: number;
  trackUnderrunPercent: number;
  clean: boolean;
}

async function capacity(host: Host, steps: number[], windowS: number, budgetMs: number, keepGoing: boolean): Promise<CapacityStep[]> {
  const legs: CapLeg[] = [];
  const out: CapacityStep[] = [];
  let measuring = false;
  const deadline = performance.now() + budgetMs;
  try {
    for (const n of steps) {
      if (performance.now() > deadline) break;
      while (legs.length < n) {
        const batch: Promise<CapLeg[]>[] = [];
        for (let k = 0; k < 5 && legs.length + batch.length * 2 < n; k++) {
          const room = `cap-${legs.length / 2 + k}`;
          batch.push(Promise.all([capLeg(host, room, `${room}-a`, 440, 660, () => measuring), capLeg(host, room, `${room}-b`, 660, 440, () => measuring)]));
        }
        for (const pair of await Promise.all(batch)) legs.push(...pair);
      }
      await sleep(3000 + n * 20); // joins, subscriptions, jitter buffers settle
      const h0 = await host.sample();
      const c0 = cpuGroups(process.pid);
      const b0 = process.cpuUsage();
      for (const l of legs) ((l.played = 0), (l.partner = 0), (l.underruns0 = l.client.underruns));
      const t0 = performance.now();
      measuring = true;
      await sleep(windowS * 1000);
      measuring = false;
      const wall = performance.now() - t0;
      const h1 = await host.sample();
      const c1 = cpuGroups(process.pid);
      const b1 = process.cpuUsage(b0);
      const ticks = legs.length * (wall / 20);
      const underruns = legs.reduce((s, l) => s + l.client.underruns - l.underruns0, 0);
      const played = legs.reduce((s, l) => s + l.played, 0);
      const partner = legs.reduce((s, l) => s + l.partner, 0);
      const hostPct = ((h1.cpuUs - h0.cpuUs) / 1000 / wall) * 100;
      const step: CapacityStep = {
        legs: legs.length,
        bridgeCpuPercentOfCore: r1(hostPct),
        bridgeCpuPerLegPercent: Math.round((hostPct / legs.length) * 100) / 100,
        jsThreadPercentOfCore: r1(((h1.mainThreadCpuUs - h0.mainThreadCpuUs) / 1000 / wall) * 100),
        livekitCpuPercent: r1(((c1.livekit - c0.livekit) / wall) * 100),
        benchCpuPercent: r1(((b1.user + b1.system) / 1000 / wall) * 100),
        pacerLate: h1.pacerLate - h0.pacerLate,
        pacerSkipped: h1.pacerSkipped - h0.pacerSkipped,
        pacerMaxLateMs: r1(h1.pacerMaxLateMs),
        hostEventLoopP99Ms: r1(h1.eld.p99),
        phoneUnderrunPercent: r1((underruns / ticks) * 100),
        partnerTonePercent: r1(played ? (partner / played) * 100 : 0),
        trackUnderrunPercent: r1(((h1.trackUnderruns - h0.trackUnderruns) / ticks) * 100),
        clean: false,
      };
      step.clean = step.pacerSkipped === 0 && step.phoneUnderrunPercent < 1 && step.partnerTonePercent > 95 && h1.legs === legs.length;
      out.push(step);
      console.log(`  ${step.legs} legs: bridge process ${step.bridgeCpuPercentOfCore}% of a core, underruns ${step.phoneUnderrunPercent}%, partner tone ${step.partnerTonePercent}%${step.clean ? '' : '  (not clean)'}`);
      // Past a clearly failing step the figures only describe an overload: stop there.
      if (!keepGoing && (hostPct > 90 || step.partnerTonePercent < 80 || step.phoneUnderrunPercent > 5)) break;
    }
  } finally {
    await Promise.all(legs.map((l) => l.client.hangUp().catch(() => {})));
  }
  return out;
}

const r1 = (v: number) => Math.round(v * 10) / 10;

export async function benchPhone(opts: { samples?: number; windowS?: number; maxLegs?: number; capacityBudgetS?: number; keepGoing?: number } = {}) {
  const samples = opts.samples ?? 30;
  const maxLegs = opts.maxLegs ?? 200;
  heading(`phone bridge: one-way latency (${samples} onsets each way) and legs per process`);
  const binary: string = await findOrInstallLivekit({ log: () => {} });
  const livekit = await startDevLivekit({ binary });
  const host = await startHost(livekit);
  try {
    const lat = await measureLatency(
      {
        url: host.url,
        describe: async () => {
          const b = (await host.sample()).playout[0];
          return b ? `bridge: Twilio-side depth ${b.depth} frames over a floor of ${b.floor} (probe round trip ${b.rttMs} ms), ${b.skipped} frames skipped to drain it, ${b.backlogsCleared} phone → room backlogs dropped` : 'no bridge';
        },
      },
      livekit,
      samples,
    );
    const s = {
      down: rounded(summarize(lat.down)),
      downRef: rounded(summarize(lat.downRef)),
      downAdds: rounded(summarize(lat.downAdds)),
      up: rounded(summarize(lat.up)),
      upRef: rounded(summarize(lat.upRef)),
    };
    console.log(
      summaryTable([
        ['room → phone (tone onset)', s.down],
        ['room → 48 kHz listener, same onset', s.downRef],
        ['  bridge adds (per onset)', s.downAdds],
        ['phone → room (tone onset)', s.up],
        ['direct 8 kHz publisher → room', s.upRef],
      ]),
    );
    const upAdds = r1(s.up.median - s.upRef.median);
    console.log(`bridge adds, phone → room: ${upAdds} ms (median − direct median); room → phone: ${s.downAdds.median} ms median, ${s.downAdds.p95} ms p95; missed onsets ${lat.misses}`);
    console.log(lat.bridge);

    const steps = [10, 20, 40, 60, 80, 100, 140, 200].filter((n) => n <= maxLegs);
    console.log('capacity ramp (pairs of legs, each pair in its own room):');
    const cap = await capacity(host, steps, opts.windowS ?? 8, (opts.capacityBudgetS ?? 240) * 1000, opts.keepGoing === 1);
    console.log(
      table(
        ['legs', 'bridge cpu %core', '%/leg', 'of it JS %', 'livekit %', 'bench %', 'pacer late', 'skipped', 'max late ms', 'phone underruns %', 'partner tone %', 'clean'],
        cap.map((c) => [String(c.legs), c.bridgeCpuPercentOfCore, c.bridgeCpuPerLegPercent, c.jsThreadPercentOfCore, c.livekitCpuPercent, c.benchCpuPercent, String(c.pacerLate), String(c.pacerSkipped), c.pacerMaxLateMs, c.phoneUnderrunPercent, c.partnerTonePercent, c.clean ? 'yes' : 'no']),
      ),
    );
    const clean = cap.filter((c) => c.clean);
    const maxClean = clean.length ? clean[clean.length - 1]!.legs : 0;
    const perLeg = clean.length ? clean.map((c) => c.bridgeCpuPerLegPercent).sort((a, b) => a - b)[Math.floor(clean.length / 2)]! : NaN;
    console.log(`largest clean step: ${maxClean} legs; bridge CPU per leg (median over clean steps) ${perLeg}% of a core → ~${Math.floor(100 / perLeg)} legs per core by extrapolation`);
    const latencySamples = { down: keepSamples(lat.down), downRef: keepSamples(lat.downRef), downAdds: keepSamples(lat.downAdds), up: keepSamples(lat.up), upRef: keepSamples(lat.upRef) };
    return { latency: { ...s, phoneToRoomAddsMs: upAdds, misses: lat.misses, bridge: lat.bridge, samples: latencySamples }, capacity: { steps: cap, maxCleanLegs: maxClean, cpuPerLegPercent: perLeg }, target: { bridgeAddsMs: 20, legsPerCore: 200 } };
  } finally {
    await host.stop();
    await livekit.stop();
  }
}
