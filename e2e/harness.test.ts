// Proves the e2e audio harness against a REAL livekit-server and two real Chromium processes:
// browser A's microphone plays 440 Hz, browser B's 660 Hz; the in-page probe measures which
// tones each browser receives. Then server-side permission changes must be audible (or rather,
// inaudible) within bounded time.
//
// Run: npx vitest run e2e/harness.test.ts
// Measured values are printed (console) so thresholds can be tuned.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertNeverHeard,
  hears,
  measure,
  measureDetailed,
  probeState,
  resetProbe,
  selectedIcePairs,
  waitUntilHears,
  waitUntilSilent,
  type ProbeSummary,
} from './support/audio-probe.js';
import { launchRole, type RoleBrowser } from './support/browser.js';
import { startTestPageServer, testPageEvents, waitForTestPage, type TestPageServer } from './support/lk-test-page.js';
import { startTestLivekit, type TestLivekit } from './support/livekit.js';

const TONE_A = 440;
const TONE_B = 660;
const ROOM = `harness-${Date.now().toString(36)}`;
const T = 120_000;

let lk: TestLivekit;
let site: TestPageServer;
let a: RoleBrowser;
let b: RoleBrowser;

function fmt(s: ProbeSummary): string {
  const parts = Object.keys(s.fraction).map(
    (f) => `${f}Hz ${Math.round((s.fraction[Number(f)] ?? 0) * 100)}% med ${s.medianDb[Number(f)]} max ${s.maxDb[Number(f)]} dBFS`,
  );
  return `${s.blocks} blocks | ${parts.join(' | ')} | rms ${s.medianRmsDb} dBFS`;
}

function log(msg: string): void {
  console.log(`[harness] ${msg}`);
}

async function snapshot(label: string, windowMs = 1500): Promise<{ a: ProbeSummary; b: ProbeSummary }> {
  const [sa, sb] = await Promise.all([measureDetailed(a.page, windowMs), measureDetailed(b.page, windowMs)]);
  log(`${label}\n    A(${TONE_A}) hears: ${fmt(sa)}\n    B(${TONE_B}) hears: ${fmt(sb)}`);
  return { a: sa, b: sb };
}

describe('e2e audio harness (real livekit-server, real Chromium)', () => {
  beforeAll(async () => {
    lk = await startTestLivekit({ log: (m) => log(m) });
    site = await startTestPageServer();
    [a, b] = await Promise.all([launchRole('a', TONE_A), launchRole('b', TONE_B)]);
    const t0 = Date.now();
    await a.page.goto(site.pageUrl({ url: lk.url, token: await lk.token('a', ROOM) }));
    await b.page.goto(site.pageUrl({ url: lk.url, token: await lk.token('b', ROOM) }));
    await Promise.all([waitForTestPage(a.page), waitForTestPage(b.page)]);
    const [ha, hb] = await Promise.all([
      waitUntilHears(a.page, TONE_B, 15_000, { since: t0 }),
      waitUntilHears(b.page, TONE_A, 15_000, { since: t0 }),
    ]);
    log(`two-way audio after page load: A hears ${TONE_B} at +${ha.latencyMs.toFixed(0)} ms, B hears ${TONE_A} at +${hb.latencyMs.toFixed(0)} ms`);
    log(`probe state A: ${JSON.stringify({ ...(await probeState(a.page)), config: undefined })}`);
  }, T);

  afterAll(async () => {
    for (const r of [a, b]) {
      if (!r) continue;
      const errs = r.errors();
      if (errs.length) log(`${r.role} browser errors:\n  ${errs.map((e) => `${e.type}: ${e.text}`).join('\n  ')}`);
      if (process.env.E2E_DEBUG) log(`${r.role} page events: ${JSON.stringify(await testPageEvents(r.page).catch(() => []))}`);
    }
    await Promise.allSettled([a?.close(), b?.close()]);
    await site?.close();
    await lk?.stop();
  }, T);

  it('each browser hears the other tone and never its own', async () => {
    const [s, aHearsB, aHearsSelf, bHearsA, bMeasure] = await Promise.all([
      snapshot('connected'),
      hears(a.page, TONE_B),
      hears(a.page, TONE_A),
      hears(b.page, TONE_A),
      measure(b.page),
    ]);
    log(`hears(): A->${TONE_B} ${aHearsB}, A->${TONE_A} ${aHearsSelf}, B->${TONE_A} ${bHearsA}; measure(B) ${JSON.stringify(bMeasure)}`);
    expect(aHearsB).toBe(true);
    expect(aHearsSelf).toBe(false);
    expect(bHearsA).toBe(true);
    expect(bMeasure[TONE_A]).toBeGreaterThanOrEqual(0.9);
    expect(bMeasure[TONE_B]).toBe(0);
    expect(s.a.fraction[TONE_B]).toBeGreaterThanOrEqual(0.9);
    expect(s.a.fraction[TONE_A]).toBe(0); // own mic is not a remote track
    expect(s.b.fraction[TONE_A]).toBeGreaterThanOrEqual(0.9);
    expect(s.b.fraction[TONE_B]).toBe(0);
    // Unused tones are absent everywhere.
    for (const f of [880, 1000]) {
      expect(s.a.fraction[f]).toBe(0);
      expect(s.b.fraction[f]).toBe(0);
    }
    // All media on loopback: the server side of every selected ICE pair is 127.0.0.1.
    for (const r of [a, b]) {
      const pairs = await selectedIcePairs(r.page);
      log(`${r.role} selected ICE pairs: ${pairs.map((p) => `${p.local?.protocol} ${p.local?.type} ${p.local?.address}:${p.local?.port} -> ${p.remote?.type} ${p.remote?.address}:${p.remote?.port}`).join('; ')}`);
      expect(pairs.length).toBeGreaterThan(0);
      for (const p of pairs) expect(p.remote?.address).toBe('127.0.0.1');
    }
  }, T);

  it('a privacy check passes only on measured silence: it fails on the tone, and on a window the probe did not cover', async () => {
    const from = Date.now();
    await new Promise((r) => setTimeout(r, 1000));
    const until = Date.now();
    await assertNeverHeard(a.page, TONE_A, from, { until }); // A never hears its own microphone
    await expect(assertNeverHeard(a.page, TONE_B, from, { until })).rejects.toThrow(/heard 660 Hz in \d+ of \d+ blocks/);
    // A probe that produced nothing (here: its blocks dropped) must not pass as silence.
    await resetProbe(a.page);
    await expect(assertNeverHeard(a.page, TONE_A, from, { until })).rejects.toThrow(/produced only 0 blocks/);
  }, T);

  it('revoking A\'s canSubscribe+canPublish silences both directions; restoring brings both back', async () => {
    // Revoke.
    const tRevoke = Date.now();
    await lk.rooms.updateParticipant(ROOM, 'a', {
      permission: { canSubscribe: false, canPublish: false, canPublishData: false },
    });
    const apiMs = Date.now() - tRevoke;
    const [sa, sb] = await Promise.all([
      waitUntilSilent(a.page, TONE_B, 10_000, { since: tRevoke }),
      waitUntilSilent(b.page, TONE_A, 10_000, { since: tRevoke }),
    ]);
    log(`revoke (API ${apiMs} ms): A stops hearing ${TONE_B} after ${sa.latencyMs.toFixed(0)} ms, B stops hearing ${TONE_A} after ${sb.latencyMs.toFixed(0)} ms`);

    const off = await snapshot('A revoked', 2000);
    for (const f of [TONE_A, TONE_B, 880, 1000]) {
      expect(off.a.presentBlocks[f]).toBe(0); // A hears nothing
    }
    expect(off.b.presentBlocks[TONE_A]).toBe(0); // B no longer hears A
    expect(off.b.presentBlocks[TONE_B]).toBe(0);

    // Restore. The server unpublished A's mic when canPublish was revoked; the test page
    // republishes on ParticipantPermissionsChanged (as the real UI must).
    const tRestore = Date.now();
    await lk.rooms.updateParticipant(ROOM, 'a', {
      permission: { canSubscribe: true, canPublish: true, canPublishData: true },
    });
    const [ra, rb] = await Promise.all([
      waitUntilHears(a.page, TONE_B, 15_000, { since: tRestore }),
      waitUntilHears(b.page, TONE_A, 15_000, { since: tRestore }),
    ]);
    log(`restore: A hears ${TONE_B} again after ${ra.latencyMs.toFixed(0)} ms, B hears ${TONE_A} again after ${rb.latencyMs.toFixed(0)} ms`);
    const evA = (await testPageEvents(a.page)).filter((e) => e.t >= tRevoke);
    log(`A page events since revoke: ${evA.map((e) => `${e.type}@+${e.t - tRevoke}`).join(', ')}`);

    const on = await snapshot('A restored');
    expect(on.a.fraction[TONE_B]).toBeGreaterThanOrEqual(0.9);
    expect(on.a.fraction[TONE_A]).toBe(0);
    expect(on.b.fraction[TONE_A]).toBeGreaterThanOrEqual(0.9);
    expect(on.b.fraction[TONE_B]).toBe(0);
  }, T);

  it('canSubscribe alone and updateSubscriptions: timings (publications stay in place)', async () => {
    // canSubscribe=false on A only: A goes deaf, B keeps hearing A (A's mic stays published).
    const t1 = Date.now();
    await lk.rooms.updateParticipant(ROOM, 'a', { permission: { canSubscribe: false, canPublish: true, canPublishData: true } });
    const d1 = await waitUntilSilent(a.page, TONE_B, 10_000, { since: t1 });
    const s1 = await snapshot('A canSubscribe=false', 1500);
    expect(s1.a.presentBlocks[TONE_B]).toBe(0);
    expect(s1.b.fraction[TONE_A]).toBeGreaterThanOrEqual(0.9);
    const t2 = Date.now();
    await lk.rooms.updateParticipant(ROOM, 'a', { permission: { canSubscribe: true, canPublish: true, canPublishData: true } });
    const h2 = await waitUntilHears(a.page, TONE_B, 15_000, { since: t2 });
    log(`canSubscribe: off -> A silent after ${d1.latencyMs.toFixed(0)} ms; on -> A hears again after ${h2.latencyMs.toFixed(0)} ms`);

    // updateSubscriptions: unsubscribe A from B's track, then subscribe again.
    const parts = await lk.rooms.listParticipants(ROOM);
    const bTrack = parts.find((p) => p.identity === 'b')?.tracks.find((t) => t.type === 0 /* AUDIO */ || t.source === 2 /* MICROPHONE */);
    expect(bTrack?.sid).toBeTruthy();
    const t3 = Date.now();
    await lk.rooms.updateSubscriptions(ROOM, 'a', [bTrack!.sid], false);
    const d3 = await waitUntilSilent(a.page, TONE_B, 10_000, { since: t3 });
    const s3 = await snapshot('A unsubscribed from B (updateSubscriptions)', 1500);
    expect(s3.a.presentBlocks[TONE_B]).toBe(0);
    expect(s3.b.fraction[TONE_A]).toBeGreaterThanOrEqual(0.9);
    const t4 = Date.now();
    await lk.rooms.updateSubscriptions(ROOM, 'a', [bTrack!.sid], true);
    const h4 = await waitUntilHears(a.page, TONE_B, 15_000, { since: t4 });
    log(`updateSubscriptions: unsubscribe -> A silent after ${d3.latencyMs.toFixed(0)} ms; subscribe -> A hears again after ${h4.latencyMs.toFixed(0)} ms`);
  }, T);
});
