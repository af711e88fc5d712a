// Benchmark: the handoff gap when the specialist is a phone. Per transfer: a caller (440 Hz)
// talks to A (660 Hz); A transfers to a phone (the Twilio emulator answers as a human and
// speaks 1000 Hz); once consulting, A and the phone talk ~1.5 s; A completes.
//   - handoff gap: `complete` sent → first 1000 Hz frame the caller receives
//   - phone hears caller: `complete` sent → first 440 Hz frame the phone plays out
//   - dial to consult: POST transfers 201 → transfer `consulting` (ring, whisper, stream, join)
//   - privacy: caller frames the phone heard, and phone/A frames the caller heard, between
//     `consulting` and `complete` sent. Must be 0.
// The stack runs in this process (testkit/phone-stack.ts: API, LiveKit, the emulator).
import { performance } from 'node:perf_hooks';
import { phoneHeard, startPhoneStack } from '../testkit/phone-stack.js';
import { client } from '../testkit/stack.js';
import { ToneParticipant } from '../testkit/tone-participant.js';
import { heading, sleep, summaryTable, table, withTimeout } from './lib/report.js';
import { rounded, summarize } from './lib/stats.js';

const CALLER = 440;
const A = 660;
const PHONE = 1000;
const TONES = [CALLER, A, PHONE] as const;
const CONSULT_MS = 1500;

async function until<T>(fn: () => Promise<T | null | undefined | false> | T | null | undefined | false, ms: number, what: string): Promise<T> {
  const end = performance.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (performance.now() > end) throw new Error(`timed out: ${what}`);
    await sleep(5);
  }
}

export async function benchPhoneHandoff(opts: { transfers?: number; warmup?: number } = {}) {
  const n = opts.transfers ?? 8;
  const warmup = opts.warmup ?? 1;
  heading(`phone handoff: ${n} warm transfers to a phone specialist (+${warmup} warm-up)`);
  const stack = await startPhoneStack({ env: { PHONE_TRANSFERS_PER_MINUTE: '1000', WRAP_UP_TIMEOUT_S: '0', LOG_LEVEL: 'warn', PRESENCE_OFFLINE_AFTER_S: '600' } });
  const samples: Array<{ gap: number; phoneHearsCaller: number; dialToConsult: number }> = [];
  const privacy = { phoneHeardCaller: 0, callerHeardPhoneOrA: 0, phoneFramesInWindow: 0 };
  const failures: string[] = [];
  try {
    const alice = client(stack.baseUrl, await stack.login('alice'));
    for (let i = 0; i < n + warmup; i++) {
      const open: ToneParticipant[] = [];
      try {
        const call = (await alice('POST', '/api/calls', { name: `Bench ${i}`, reason: 'Order 4411 arrived broken' })).body;
        const caller = await ToneParticipant.join({ url: call.livekitUrl, token: call.token, label: 'caller', freq: CALLER, targets: TONES });
        open.push(caller);
        const grant = (await alice('POST', `/api/calls/${call.id}/accept`)).body;
        const a = await ToneParticipant.join({ url: grant.livekitUrl, token: grant.token, label: 'alice', freq: A, targets: TONES });
        open.push(a);
        await withTimeout(a.waitFor(CALLER, performance.now(), 10_000), 12_000, 'A hears the caller');
        const number = `+1555030${String(1000 + i).slice(-4)}`;
        stack.twilio.behave(number, { answer: 'human', toneHz: PHONE, ringMs: 200 });
        const t0 = performance.now();
        const t = (await alice('POST', `/api/calls/${call.id}/transfers`, { target: { type: 'phone', number }, notes: 'Refund of $40.' })).body;
        await until(async () => (await alice('GET', `/api/transfers/${t.id}`)).body.state === 'consulting', 20_000, 'consulting');
        const dialToConsult = performance.now() - t0;
        const media = await (await stack.twilio.waitForCall({ to: number })).waitForMedia(10_000);
        await sleep(CONSULT_MS);
        const sent = performance.now();
        const inWindow = phoneHeard(media.played, CALLER, t0 + dialToConsult, sent, TONES);
        const leakToCaller = caller.count([A, PHONE], t0 + dialToConsult + 300, sent); // 300 ms: A's pre-hold audio in flight
        await alice('POST', `/api/transfers/${t.id}/complete`, {});
        const heardB = await caller.waitFor(PHONE, sent, 10_000);
        const phoneAt = await until(() => media.played.find((f) => f.atMs >= sent && phoneHeard([f], CALLER, sent, Infinity, TONES).withTone > 0)?.atMs, 10_000, 'phone hears caller');
        if (heardB === null) throw new Error('the caller never heard the phone');
        if (i >= warmup) {
          samples.push({ gap: heardB - sent, phoneHearsCaller: phoneAt - sent, dialToConsult });
          privacy.phoneHeardCaller += inWindow.withTone;
          privacy.phoneFramesInWindow += inWindow.frames;
          privacy.callerHeardPhoneOrA += leakToCaller;
        }
        await client(stack.baseUrl, undefined, { 'x-caller-key': call.callerKey })('POST', `/api/calls/${call.id}/hangup`);
      } catch (err) {
        failures.push(`transfer ${i}: ${(err as Error).message}`);
      } finally {
        for (const p of open) await p.close().catch(() => undefined);
      }
    }
  } finally {
    await stack.stop();
  }
  const s = {
    gap: rounded(summarize(samples.map((x) => x.gap))),
    phoneHearsCaller: rounded(summarize(samples.map((x) => x.phoneHearsCaller))),
    dialToConsult: rounded(summarize(samples.map((x) => x.dialToConsult))),
  };
  console.log(
    summaryTable([
      ['HANDOFF GAP: complete → caller hears the phone', s.gap],
      ['complete → the phone hears the caller', s.phoneHearsCaller],
      ['POST transfers → consulting (ring 200 ms, whisper, stream)', s.dialToConsult],
    ]),
  );
  console.log(
    table(
      ['PRIVACY (frames, consulting → complete sent)', 'count'],
      [
        ['the phone heard the caller (440 Hz, 20 ms frames)', String(privacy.phoneHeardCaller)],
        ['frames the phone played in those windows', String(privacy.phoneFramesInWindow)],
        ['the caller heard A or the phone (10 ms frames)', String(privacy.callerHeardPhoneOrA)],
      ],
    ),
  );
  if (failures.length) console.log(`failures: ${failures.length}\n  ${failures.join('\n  ')}`);
  return { transfers: samples.length, warmup, consultMs: CONSULT_MS, summaries: s, privacy, failures, samples };
}
