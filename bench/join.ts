// Benchmark 1: caller joins → two-way audio with an agent.
//
// Per call: the caller POSTs /api/calls, joins the room as an rtc-node participant and
// publishes 440 Hz; as soon as the call exists an agent accepts it over the API, joins
// and publishes 660 Hz. Measured from the POST to the moment both have heard the other's
// tone (Goertzel on received frames). Times in the breakdown are from the POST unless
// noted. Calls run one after another; the first `warmup`
// are not counted (JIT, first ICE on the machine).
import { performance } from 'node:perf_hooks';
import { expectStatus, jsonClient } from './lib/http.js';
import { heading, sleep, summaryTable, withTimeout } from './lib/report.js';
import { startBenchStack } from './lib/stack.js';
import { rounded, summarize } from './lib/stats.js';
import { ToneParticipant } from '../testkit/tone-participant.js';

const CALLER_HZ = 440;
const AGENT_HZ = 660;

export interface JoinSample {
  total: number; // POST /api/calls → both heard each other
  create: number; // POST /api/calls latency
  callerConnect: number; // caller Room.connect (after create)
  callerPublish: number; // caller publishTrack
  accept: number; // POST /api/calls/:id/accept latency (starts when create returns)
  agentConnect: number;
  agentPublish: number;
  agentSubscribed: number | null; // POST → caller's TrackSubscribed for the agent's track
  callerSubscribed: number | null; // POST → agent's TrackSubscribed for the caller's track
  callerHearsAgent: number; // POST → first 660 frame at the caller
  agentHearsCaller: number; // POST → first 440 frame at the agent
}

export async function benchJoin(opts: { calls?: number; warmup?: number } = {}) {
  const calls = opts.calls ?? 25;
  const warmup = opts.warmup ?? 2;
  heading(`join → two-way audio (${calls} calls + ${warmup} warm-up)`);
  const stack = await startBenchStack();
  const http = jsonClient(stack.baseUrl, { maxSockets: 8 });
  const agent = stack.agents.alice;
  const samples: JoinSample[] = [];
  const failures: string[] = [];
  const deadline = performance.now() + 150_000;
  try {
    for (let i = 0; i < calls + warmup && performance.now() < deadline; i++) {
      let caller: ToneParticipant | null = null;
      let agentP: ToneParticipant | null = null;
      let callId = '';
      try {
        const t0 = performance.now();
        const res = await http.request('POST', '/api/calls', { body: { name: `Bench caller ${i}`, reason: 'Join benchmark' } });
        const created = expectStatus<{ id: string; token: string; livekitUrl: string }>(res, 201, 'create call');
        callId = created.id;
        const tCreated = performance.now();
        const callerSide = (async () => {
          // A waiting caller's token grants no publish: the microphone goes out when the agent's
          // accept gives the grant, as on the caller page.
          const p = await ToneParticipant.join({ url: created.livekitUrl, token: created.token, label: 'caller', freq: CALLER_HZ, targets: [AGENT_HZ] });
          caller = p;
          const tConn = performance.now();
          while (!p.publishedAt) await sleep(5);
          return { tConn, tPub: p.publishedAt };
        })();
        const agentSide = (async () => {
          const acc = await http.request('POST', `/api/calls/${callId}/accept`, { token: agent.token });
          const join = expectStatus<{ token: string; livekitUrl: string }>(acc, 200, 'accept');
          const tAcc = performance.now();
          // An agent's token grants nothing until the server has checked the join: the tone goes
          // out when the grant comes (publishing at once raced it: "track publication timed out").
          const p = await ToneParticipant.join({ url: join.livekitUrl, token: join.token, label: 'agent', freq: AGENT_HZ, targets: [CALLER_HZ] });
          agentP = p;
          const tConn = performance.now();
          while (!p.publishedAt) await sleep(5);
          return { tAcc, tConn, tPub: p.publishedAt };
        })();
        const [c, a] = await withTimeout(Promise.all([callerSide, agentSide]), 15_000, 'join');
        const [heardByCaller, heardByAgent] = await Promise.all([
          caller!.waitFor(AGENT_HZ, t0, 10_000),
          agentP!.waitFor(CALLER_HZ, t0, 10_000),
        ]);
        if (heardByCaller === null || heardByAgent === null) {
          throw new Error(`no two-way audio within 10 s (caller heard agent: ${heardByCaller !== null}, agent heard caller: ${heardByAgent !== null})`);
        }
        const rel = (t: number | null) => (t === null ? null : t - t0);
        const s: JoinSample = {
          total: Math.max(heardByCaller, heardByAgent) - t0,
          create: tCreated - t0,
          callerConnect: c.tConn - tCreated,
          callerPublish: c.tPub - c.tConn,
          accept: a.tAcc - tCreated,
          agentConnect: a.tConn - a.tAcc,
          agentPublish: a.tPub - a.tConn,
          agentSubscribed: rel(caller!.trackEvents.find((e) => e.kind === 'subscribed')?.t ?? null),
          callerSubscribed: rel(agentP!.trackEvents.find((e) => e.kind === 'subscribed')?.t ?? null),
          callerHearsAgent: heardByCaller - t0,
          agentHearsCaller: heardByAgent - t0,
        };
        if (i >= warmup) samples.push(s);
        process.stdout.write(`  call ${String(i + 1).padStart(2)}: ${s.total.toFixed(0)} ms${i < warmup ? ' (warm-up)' : ''}\n`);
      } catch (err) {
        failures.push(`call ${i + 1}: ${err instanceof Error ? err.message : String(err)}`);
        console.log(`  call ${i + 1}: FAILED ${failures.at(-1)}`);
      } finally {
        if (callId) await http.request('POST', `/api/calls/${callId}/hangup`, { token: agent.token });
        await Promise.all([(caller as ToneParticipant | null)?.close(), (agentP as ToneParticipant | null)?.close()]);
        await sleep(150);
      }
    }
  } finally {
    http.close();
    await stack.stop();
  }

  const keys: [keyof JoinSample, string][] = [
    ['total', 'POST /api/calls → two-way audio'],
    ['create', '  POST /api/calls'],
    ['callerConnect', '  caller connect (after create)'],
    ['callerPublish', '  caller publish'],
    ['accept', '  agent accept (after create)'],
    ['agentConnect', '  agent connect (after accept)'],
    ['agentPublish', '  agent publish'],
    ['agentSubscribed', '  caller subscribed to agent track'],
    ['callerHearsAgent', '  first 660 Hz frame at caller'],
    ['callerSubscribed', '  agent subscribed to caller track'],
    ['agentHearsCaller', '  first 440 Hz frame at agent'],
  ];
  const summaries = Object.fromEntries(keys.map(([k]) => [k, rounded(summarize(samples.map((s) => s[k]).filter((v): v is number => v !== null)))]));
  console.log('');
  console.log(summaryTable(keys.map(([k, label]) => [label, summaries[k]!])));
  const p95 = summaries.total!.p95;
  console.log(`\ntarget: two-way audio p95 < 1000 ms → ${Number.isFinite(p95) ? (p95 < 1000 ? 'met' : 'MISSED') : 'no data'} (p95 ${p95} ms)`);
  if (failures.length) console.log(`failures: ${failures.length}\n  ${failures.join('\n  ')}`);
  return { calls: samples.length, warmup, failures, summaries, samples, target: { p95Ms: 1000, met: p95 < 1000 } };
}
