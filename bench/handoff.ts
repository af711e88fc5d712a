// Benchmark 2: warm-transfer handoff gap, and privacy during the consultation.
//
// Per transfer: caller (440 Hz) talks to A (660 Hz); A starts a transfer to B (the
// caller is held by server-side permissions); B accepts, joins the same room and
// publishes 880 Hz; A and B consult for ~1.5 s; A completes.
//   - handoff gap: `complete` request sent → first 880 Hz frame received by the caller.
//   - caller audible to B: `complete` sent → first 440 Hz frame received by B (the
//     caller re-publishes when canPublish comes back).
//   - privacy: frames of A or B received by the caller and of 440 received by B
//     between the transfer's 201 response and the `complete` request. Must be 0.
//     A switches its tone from 660 to 1100 Hz when the 201 arrives, so what A says
//     during the consultation is told apart from what A said to the caller before the
//     hold and was still in flight (network, jitter buffer) when the 201 came back.
import { performance } from 'node:perf_hooks';
import { expectStatus, jsonClient, type JsonClient } from './lib/http.js';
import { heading, sleep, summaryTable, table, withTimeout } from './lib/report.js';
import { startBenchStack } from './lib/stack.js';
import { rounded, summarize } from './lib/stats.js';
import { ToneParticipant } from '../testkit/tone-participant.js';

const CALLER_HZ = 440;
const A_HZ = 660;
const B_HZ = 880;
/** A's "voice" from the transfer's 201 on: the consultation, which the caller must never hear. */
const A_CONSULT_HZ = 1100;
/** Mid-consultation A switches again; B's first frame of it gives the one-way audio latency. */
const A_CONSULT2_HZ = 1210;
const CONSULT_MS = 1500;

export interface HandoffSample {
  gap: number; // complete sent → first 880 at caller
  completeApi: number; // complete request latency
  callerPermission: number | null; // complete sent → caller sees its permission change (canSubscribe/canPublish back)
  callerSubscribedB: number | null; // complete sent → caller's TrackSubscribed for B
  callerRepublished: number | null; // complete sent → caller's track published again
  bHearsCaller: number; // complete sent → first 440 at B
  transferApi: number; // POST transfers latency (201)
  transferAcceptApi: number;
  bJoinToConsult: number; // B's accept response → A and B hear each other
  mouthToEar: number | null; // A switches tone → B's first frame of the new tone (one-way audio latency)
  holdSignal: number | null; // transfer sent → the caller's client sees canSubscribe=false
  /** Frames the caller received in the privacy window, by what they were. */
  leaks: { callerHeardAConsult: number; callerHeardB: number; bHeardCaller: number };
  /** A's pre-hold 660 Hz audio still arriving after the 201 (in flight when the hold landed). */
  inFlightTail: { frames: number; lastMs: number | null };
  callerHeardAAfterComplete: number; // 660 frames at the caller after complete (A still in the room briefly)
}

async function twoWay(x: ToneParticipant, xHz: number, y: ToneParticipant, yHz: number, since: number, ms: number) {
  const [a, b] = await Promise.all([x.waitFor(yHz, since, ms), y.waitFor(xHz, since, ms)]);
  if (a === null || b === null) throw new Error(`no two-way audio ${x.label}↔${y.label} within ${ms} ms`);
  return Math.max(a, b);
}

export async function benchHandoff(opts: { transfers?: number; warmup?: number } = {}) {
  const transfers = opts.transfers ?? 22;
  const warmup = opts.warmup ?? 2;
  heading(`handoff gap + privacy (${transfers} transfers + ${warmup} warm-up, ~${CONSULT_MS} ms consultation each)`);
  const stack = await startBenchStack({ TRANSFER_RING_TIMEOUT_S: '30' });
  const http: JsonClient = jsonClient(stack.baseUrl, { maxSockets: 8 });
  const A = stack.agents.alice;
  const B = stack.agents.bob;
  expectStatus(await http.request('POST', '/api/agents/me/status', { token: B.token, body: { status: 'available' } }), 200, 'B available');
  const samples: HandoffSample[] = [];
  const failures: string[] = [];
  const totals = { callerHeardAConsult: 0, callerHeardB: 0, bHeardCaller: 0, inFlightTail: 0, windowMs: 0 };
  const deadline = performance.now() + 160_000;
  try {
    for (let i = 0; i < transfers + warmup && performance.now() < deadline; i++) {
      const parts: ToneParticipant[] = [];
      let callId = '';
      let owner = A.token;
      try {
        // Caller and A in a two-way call.
        const t0 = performance.now();
        const created = expectStatus<{ id: string; token: string; livekitUrl: string }>(
          await http.request('POST', '/api/calls', { body: { name: `Bench caller ${i}`, reason: 'Refund for order 77120' } }),
          201,
          'create call',
        );
        callId = created.id;
        const [caller, a] = await withTimeout(
          Promise.all([
            ToneParticipant.join({ url: created.livekitUrl, token: created.token, label: 'caller', freq: CALLER_HZ, targets: [A_HZ, A_CONSULT_HZ, A_CONSULT2_HZ, B_HZ] }).then((p) => (parts.push(p), p)),
            (async () => {
              const join = expectStatus<{ token: string; livekitUrl: string }>(await http.request('POST', `/api/calls/${callId}/accept`, { token: A.token }), 200, 'A accepts');
              return ToneParticipant.join({ url: join.livekitUrl, token: join.token, label: 'A', freq: A_HZ, targets: [CALLER_HZ, B_HZ] }).then((p) => (parts.push(p), p));
            })(),
          ]),
          15_000,
          'caller and A join',
        );
        await twoWay(caller, CALLER_HZ, a, A_HZ, t0, 10_000);
        await sleep(300); // a moment of conversation

        // A starts the transfer: the caller is held.
        const tTransfer = performance.now();
        const tr = await http.request('POST', `/api/calls/${callId}/transfers`, {
          token: A.token,
          body: { target: { type: 'agent', agentId: B.id }, notes: 'Verified identity. Customer wants a refund for order 77120.' },
        });
        const tHeld = performance.now(); // privacy window opens at the 201
        a.setTone(A_CONSULT_HZ); // from now on A talks to B
        const transfer = expectStatus<{ id: string }>(tr, 201, 'start transfer');

        // B accepts and joins; A and B consult.
        const acc = await http.request('POST', `/api/transfers/${transfer.id}/accept`, { token: B.token });
        const bJoin = expectStatus<{ token: string; livekitUrl: string; room: string }>(acc, 200, 'B accepts');
        const tAccepted = performance.now();
        const b = await withTimeout(
          ToneParticipant.join({ url: bJoin.livekitUrl, token: bJoin.token, label: 'B', freq: B_HZ, targets: [CALLER_HZ, A_HZ, A_CONSULT_HZ, A_CONSULT2_HZ] }),
          15_000,
          'B joins',
        );
        parts.push(b);
        const tConsult = await twoWay(a, A_CONSULT_HZ, b, B_HZ, tAccepted, 10_000);
        await sleep(Math.max(0, tAccepted + CONSULT_MS / 2 - performance.now()));
        const tSwitch = performance.now();
        a.setTone(A_CONSULT2_HZ);
        const bHeardSwitch = await b.waitFor(A_CONSULT2_HZ, tSwitch, 2_000);
        await sleep(Math.max(0, tAccepted + CONSULT_MS - performance.now()));

        // A completes: the caller gets B.
        const tComplete = performance.now(); // privacy window closes when complete is sent
        const done = await http.request('POST', `/api/transfers/${transfer.id}/complete`, { token: A.token, body: {} });
        const tDone = performance.now();
        expectStatus(done, 200, 'complete');
        owner = B.token;
        const [heardB, bHeard] = await Promise.all([caller.waitFor(B_HZ, tComplete, 10_000), b.waitFor(CALLER_HZ, tComplete, 10_000)]);
        if (heardB === null) throw new Error('the caller never heard B after complete');
        if (bHeard === null) throw new Error(`B never heard the caller after complete (caller events: ${JSON.stringify(caller.localEvents.map((e) => e.kind))})`);
        await sleep(200); // let A's removal land before counting post-complete frames

        const rel = (t: number | null | undefined) => (t === null || t === undefined ? null : t - tComplete);
        const perm = caller.localEvents.find((e) => e.kind === 'permission' && e.t >= tComplete);
        const repub = caller.localEvents.find((e) => e.kind === 'published' && e.t >= tComplete);
        const holdSig = caller.localEvents.find((e) => e.kind === 'permission' && e.t >= tTransfer && (e.detail as { canSubscribe?: boolean }).canSubscribe === false);
        const leaks = {
          callerHeardAConsult: caller.count([A_CONSULT_HZ, A_CONSULT2_HZ], tHeld, tComplete),
          callerHeardB: caller.count([B_HZ], tHeld, tComplete),
          bHeardCaller: b.count([CALLER_HZ], tHeld, tComplete),
        };
        const tail = caller.heard.filter((h) => h.freq === A_HZ && h.t >= tHeld && h.t < tComplete);
        const s: HandoffSample = {
          gap: heardB - tComplete,
          completeApi: tDone - tComplete,
          callerPermission: rel(perm?.t),
          callerSubscribedB: rel(caller.firstSubscribedFrom(b.identity, tComplete)),
          callerRepublished: rel(repub?.t),
          bHearsCaller: bHeard - tComplete,
          transferApi: tHeld - tTransfer,
          transferAcceptApi: tAccepted - tHeld,
          bJoinToConsult: tConsult - tAccepted,
          mouthToEar: bHeardSwitch === null ? null : bHeardSwitch - tSwitch,
          holdSignal: holdSig ? holdSig.t - tTransfer : null,
          leaks,
          inFlightTail: { frames: tail.length, lastMs: tail.length ? tail[tail.length - 1]!.t - tHeld : null },
          callerHeardAAfterComplete: caller.count([A_HZ, A_CONSULT_HZ, A_CONSULT2_HZ], tComplete, performance.now()),
        };
        if (i >= warmup) {
          samples.push(s);
          totals.callerHeardAConsult += leaks.callerHeardAConsult;
          totals.inFlightTail += tail.length;
          totals.callerHeardB += leaks.callerHeardB;
          totals.bHeardCaller += leaks.bHeardCaller;
          totals.windowMs += tComplete - tHeld;
        }
        const leak = leaks.callerHeardAConsult + leaks.callerHeardB + leaks.bHeardCaller;
        console.log(
          `  transfer ${String(i + 1).padStart(2)}: gap ${s.gap.toFixed(0)} ms, B hears caller ${s.bHearsCaller.toFixed(0)} ms, ` +
            `leaked frames ${leak}, in-flight pre-hold frames ${tail.length}${i < warmup ? ' (warm-up)' : ''}`,
        );
      } catch (err) {
        failures.push(`transfer ${i + 1}: ${err instanceof Error ? err.message : String(err)}`);
        console.log(`  transfer ${i + 1}: FAILED ${failures.at(-1)}`);
      } finally {
        // The agent on the call hangs up (after a complete that is B; A is already out).
        if (callId) await http.request('POST', `/api/calls/${callId}/hangup`, { token: owner });
        await Promise.all(parts.map((p) => p.close()));
        await sleep(150);
      }
    }
  } finally {
    http.close();
    await stack.stop();
  }

  const pick = (f: (s: HandoffSample) => number | null) => rounded(summarize(samples.map(f).filter((v): v is number => v !== null)));
  const summaries = {
    gap: pick((s) => s.gap),
    completeApi: pick((s) => s.completeApi),
    callerPermission: pick((s) => s.callerPermission),
    callerSubscribedB: pick((s) => s.callerSubscribedB),
    bHearsCaller: pick((s) => s.bHearsCaller),
    callerRepublished: pick((s) => s.callerRepublished),
    transferApi: pick((s) => s.transferApi),
    transferAcceptApi: pick((s) => s.transferAcceptApi),
    bJoinToConsult: pick((s) => s.bJoinToConsult),
    mouthToEar: pick((s) => s.mouthToEar),
    holdSignal: pick((s) => s.holdSignal),
    inFlightTailLast: pick((s) => s.inFlightTail.lastMs),
  };
  console.log('');
  console.log(
    summaryTable([
      ['HANDOFF GAP: complete → caller hears B', summaries.gap],
      ['  complete API response', summaries.completeApi],
      ['  caller permission restored (signal)', summaries.callerPermission],
      ['  caller subscribed to B', summaries.callerSubscribedB],
      ['complete → B hears caller', summaries.bHearsCaller],
      ['  caller re-published', summaries.callerRepublished],
      ['POST transfers (201, caller held)', summaries.transferApi],
      ['POST transfers/:id/accept', summaries.transferAcceptApi],
      ['B accept → A and B hear each other', summaries.bJoinToConsult],
      ['one-way audio latency (A tone switch → B)', summaries.mouthToEar],
      ['transfer sent → caller sees hold (signal)', summaries.holdSignal],
      ['201 → last pre-hold A frame at caller', summaries.inFlightTailLast],
    ]),
  );
  const leaked = totals.callerHeardAConsult + totals.callerHeardB + totals.bHeardCaller;
  const briefCount = leaked + totals.inFlightTail;
  console.log('');
  console.log(
    table(
      ['PRIVACY (frames, whole run, 201 → complete sent)', 'count'],
      [
        ['caller heard A consulting (1100/1210 Hz)', String(totals.callerHeardAConsult)],
        ['caller heard B (880 Hz)', String(totals.callerHeardB)],
        ['B heard caller (440 Hz)', String(totals.bHeardCaller)],
        ['caller heard A’s pre-hold audio still in flight (660 Hz)', String(totals.inFlightTail)],
        ['consultation time observed (s)', (totals.windowMs / 1000).toFixed(1)],
      ],
    ),
  );
  console.log(`\n>>> PRIVACY LEAKS (consultation audio reaching the caller, caller reaching B): ${leaked} frames ${leaked === 0 ? '— OK, zero' : '— !!! NOT ZERO !!!'} <<<`);
  console.log(
    `>>> all A/B frames at the caller and caller frames at B in the window, including pre-hold audio in flight: ${briefCount}` +
      (totals.inFlightTail ? ` (${totals.inFlightTail} × 10 ms of what A said before the hold, ≤ ${summaries.inFlightTailLast.max} ms after the 201)` : '') +
      ' <<<',
  );
  const p95 = summaries.gap.p95;
  console.log(`target: handoff gap p95 < 150 ms → ${Number.isFinite(p95) ? (p95 < 150 ? 'met' : 'MISSED') : 'no data'} (p95 ${p95} ms)`);
  const afterComplete = samples.reduce((n, s) => n + s.callerHeardAAfterComplete, 0);
  console.log(`(not a leak) A frames the caller heard after complete, before A was removed: ${afterComplete} in total`);
  if (failures.length) console.log(`failures: ${failures.length}\n  ${failures.join('\n  ')}`);
  return {
    transfers: samples.length,
    warmup,
    consultMs: CONSULT_MS,
    failures,
    summaries,
    privacy: { ...totals, leakedFrames: leaked, framesInWindowIncludingInFlight: briefCount },
    callerHeardAAfterComplete: afterComplete,
    samples,
    target: { gapP95Ms: 150, met: p95 < 150, leaksZero: leaked === 0 },
  };
}
