// Media follows the record (issue 8): replayed webhooks, a removed agent's saved token,
// LiveKit stalled with SIGSTOP, reconnects within the grace period. Real livekit-server,
// real Postgres, rtc-node participants that speak and listen for tones.
import { execFileSync } from 'node:child_process';
import { RoomServiceClient } from 'livekit-server-sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ToneParticipant } from '../../../testkit/tone-participant.js';
import { createAgent } from '../../src/store/agents-admin.js';
import { decodeJwt, eventually, joinRoom } from '../../../testkit/participants.js';
import { client, startStack, TEST_PASSWORD, type Stack } from '../../../testkit/stack.js';

const CALLER = 440;
const A = 660;
const B = 880;
const TONES = [CALLER, A, B] as const;

let stack: Stack;
let rooms: RoomServiceClient;
const open: Array<{ close(): Promise<void> }> = [];
const tokens = new Map<string, string>();

async function as(who: 'alice' | 'bob' | 'carol') {
  if (!tokens.has(who)) tokens.set(who, await stack.login(who));
  return client(stack.baseUrl, tokens.get(who));
}
const anon = () => client(stack.baseUrl);

beforeAll(async () => {
  stack = await startStack({
    tapWebhooks: true,
    env: { RECONNECT_GRACE_S: '4', RECONCILE_INTERVAL_S: '2', MEDIA_TIMEOUT_MS: '1000', PRESENCE_OFFLINE_AFTER_S: '600' },
  });
  rooms = new RoomServiceClient(stack.livekit.httpUrl, stack.livekit.apiKey, stack.livekit.apiSecret);
});
const made: string[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close().catch(() => undefined)));
  // A failed test must not leave an agent on a call the next test needs them free of.
  for (const id of made.splice(0)) {
    const v = await callOf(id);
    if (v.state !== 'ended' && v.agentId) {
      const who = (Object.keys(stack.agents) as Array<'alice' | 'bob' | 'carol'>).find((k) => stack.agents[k].id === v.agentId);
      if (who) await (await as(who))('POST', `/api/calls/${id}/hangup`);
    }
  }
});
afterAll(async () => stack?.stop());

async function newCall(name: string) {
  const res = await anon()('POST', '/api/calls', { name, reason: 'Order 5512 arrived broken' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  made.push(res.body.id);
  return res.body as { id: string; room: string; token: string; livekitUrl: string; callerKey: string };
}

/** Every call as the record has it: read by a supervisor (an agent reads only calls they took part in). */
let supervisor: ReturnType<typeof client> | null = null;
async function asSupervisor() {
  if (!supervisor) {
    await createAgent(stack.deps.db, { email: 'sup@warmline.test', name: 'Sup', password: TEST_PASSWORD, role: 'supervisor' });
    supervisor = client(stack.baseUrl, (await anon()('POST', '/api/auth/login', { email: 'sup@warmline.test', password: TEST_PASSWORD })).body.token);
  }
  return supervisor;
}
const callOf = async (id: string) => (await (await asSupervisor())('GET', `/api/calls/${id}`)).body;
const permOf = async (room: string, identity: string) => {
  const list = await rooms.listParticipants(room);
  const p = list.find((x) => x.identity === identity);
  return p ? { canPublish: p.permission?.canPublish ?? false, canSubscribe: p.permission?.canSubscribe ?? false } : null;
};
const identities = async (room: string) => (await rooms.listParticipants(room)).map((p) => p.identity).sort();

async function tone(label: string, url: string, token: string, freq: number | null) {
  const p = await ToneParticipant.join({ url, token, label, freq, targets: TONES });
  open.push(p);
  return p;
}

/** Frames of `freq` heard by `p` between two performance.now() instants, and all frames heard then. */
const heardIn = (p: ToneParticipant, freq: number, from: number, to: number) => p.count([freq], from, to);

describe('media follows the record', () => {
  it('replayed participant_left and participant_joined webhooks (really signed by LiveKit) change nothing', async () => {
    const call = await newCall('Replay');
    const caller = await joinRoom(call.livekitUrl, call.token);
    open.push({ close: () => caller.disconnect() });
    const alice = await as('alice');
    const first = (await alice('POST', `/api/calls/${call.id}/accept`)).body;
    const aliceRoom = await joinRoom(first.livekitUrl, first.token);
    await eventually(async () => stack.tap!.seen.some((w) => w.event === 'participant_joined' && w.identity === `agent:${stack.agents.alice.id}`), 10_000, 'alice joined webhook');
    // Alice reloads: her first connection leaves, a new one joins (the console rejoins by itself).
    await aliceRoom.disconnect();
    const left = await eventually(async () => stack.tap!.seen.find((w) => w.event === 'participant_left' && w.identity === `agent:${stack.agents.alice.id}`), 10_000, 'alice left webhook');
    const again = (await alice('POST', `/api/calls/${call.id}/join`)).body;
    const aliceRoom2 = await joinRoom(again.livekitUrl, again.token);
    open.push({ close: () => aliceRoom2.disconnect() });
    const agentJoins = (v: { timeline: { type: string }[] }) => v.timeline.filter((e) => e.type === 'agent_joined').length;
    const before = await eventually(async () => {
      const v = await callOf(call.id);
      return agentJoins(v) >= 2 && !v.agentReconnecting ? v : null;
    }, 10_000, 'alice rejoined');
    expect(before).toMatchObject({ state: 'active', agentId: stack.agents.alice.id });

    // The old connection's participant_left, replayed: taken once already, and stale besides.
    const replayLeft = await stack.tap!.replay(left);
    expect(replayLeft.status).toBe(200);
    expect(replayLeft.body.outcome).toBe('duplicate');
    const joins = stack.tap!.seen.filter((w) => w.event === 'participant_joined');
    for (const j of joins) expect((await stack.tap!.replay(j)).body.outcome).toBe('duplicate');

    // Beyond the grace period nothing happened: same agent, same state, caller live, no new timeline entries.
    await new Promise((r) => setTimeout(r, 4_500));
    const after = await callOf(call.id);
    expect(after).toMatchObject({ state: 'active', agentId: stack.agents.alice.id });
    expect(after.timeline.length).toBe(before.timeline.length);
    expect(await permOf(call.room, `caller:${call.id}`)).toEqual({ canPublish: true, canSubscribe: true });
    await alice('POST', `/api/calls/${call.id}/hangup`);
  });

  it("a removed agent's saved token gets them nowhere: removed at once, 0 frames of the caller while B hears the caller", async () => {
    const call = await newCall('Saved token');
    const caller = await tone('caller', call.livekitUrl, call.token, CALLER);
    const alice = await as('alice');
    const bob = await as('bob');
    const grantA = (await alice('POST', `/api/calls/${call.id}/accept`)).body;
    const a = await tone('alice', grantA.livekitUrl, grantA.token, A);
    expect(await caller.waitFor(A, performance.now(), 10_000)).not.toBeNull();
    await bob('POST', '/api/agents/me/status', { status: 'available' });
    const t = (await alice('POST', `/api/calls/${call.id}/transfers`, { target: { type: 'agent', agentId: stack.agents.bob.id }, notes: '' })).body;
    const grantB = (await bob('POST', `/api/transfers/${t.id}/accept`)).body;
    const b = await tone('bob', grantB.livekitUrl, grantB.token, B);
    expect(await b.waitFor(A, performance.now(), 10_000)).not.toBeNull();
    expect((await alice('POST', `/api/transfers/${t.id}/complete`, {})).body.state).toBe('completed');
    expect(await b.waitFor(CALLER, performance.now(), 10_000)).not.toBeNull();
    await eventually(async () => !(await identities(call.room)).includes(`agent:${stack.agents.alice.id}`), 10_000, 'A removed');
    await a.close();

    // Alice comes back with the token she saved at accept time (still within its lifetime).
    expect(decodeJwt(grantA.token).exp * 1000).toBeGreaterThan(Date.now());
    const from = performance.now();
    let intruder: ToneParticipant | null = null;
    try {
      intruder = await tone('alice-again', grantA.livekitUrl, grantA.token, null);
    } catch {
      intruder = null; // refused outright is fine too
    }
    await eventually(async () => !(await identities(call.room)).includes(`agent:${stack.agents.alice.id}`), 5_000, 'intruder removed');
    await new Promise((r) => setTimeout(r, 2_000));
    const to = performance.now();
    // The window counts: B, entitled, heard the caller in it.
    expect(heardIn(b, CALLER, from, to)).toBeGreaterThan(100);
    if (intruder) expect(heardIn(intruder, CALLER, from, to), 'removed agent heard the caller').toBe(0);
    expect((await alice('POST', `/api/calls/${call.id}/join`)).status).toBe(403); // and no new token either
    await bob('POST', `/api/calls/${call.id}/hangup`);
  });

  it('an agent who reconnects within the grace period keeps the call; the caller is not sent back to the queue', async () => {
    const call = await newCall('Blip');
    const caller = await joinRoom(call.livekitUrl, call.token);
    open.push({ close: () => caller.disconnect() });
    const alice = await as('alice');
    const grant = (await alice('POST', `/api/calls/${call.id}/accept`)).body;
    const first = await joinRoom(grant.livekitUrl, grant.token);
    await eventually(async () => (await callOf(call.id)).timeline.some((e: { type: string }) => e.type === 'agent_joined'), 10_000, 'agent joined');
    await first.disconnect();
    await eventually(async () => (await callOf(call.id)).agentReconnecting === true, 10_000, 'agent reconnecting shown');
    const again = (await alice('POST', `/api/calls/${call.id}/join`)).body;
    const second = await joinRoom(again.livekitUrl, again.token);
    open.push({ close: () => second.disconnect() });
    await eventually(async () => (await callOf(call.id)).agentReconnecting === false, 10_000, 'agent back');
    await new Promise((r) => setTimeout(r, 5_000)); // longer than RECONNECT_GRACE_S
    expect(await callOf(call.id)).toMatchObject({ state: 'active', agentId: stack.agents.alice.id });
    expect(await permOf(call.room, `caller:${call.id}`)).toEqual({ canPublish: true, canSubscribe: true });
    await alice('POST', `/api/calls/${call.id}/hangup`);
  });

  it('a caller who reloads gets the same call back with a fresh token, and the call goes on', async () => {
    const call = await newCall('Reloader');
    const caller = await joinRoom(call.livekitUrl, call.token);
    const alice = await as('alice');
    const grant = (await alice('POST', `/api/calls/${call.id}/accept`)).body;
    const agent = await joinRoom(grant.livekitUrl, grant.token);
    open.push({ close: () => agent.disconnect() });
    await eventually(async () => (await callOf(call.id)).timeline.some((e: { type: string }) => e.type === 'caller_joined'), 10_000, 'caller joined');
    await caller.disconnect();
    const mine = client(stack.baseUrl, undefined, { 'x-caller-key': call.callerKey });
    const back = await mine('POST', `/api/calls/${call.id}/join`);
    expect(back.status).toBe(200);
    expect(decodeJwt(back.body.token)).toMatchObject({ sub: `caller:${call.id}`, video: { room: call.room, canPublish: true, canSubscribe: true } });
    const again = await joinRoom(back.body.livekitUrl, back.body.token);
    open.push({ close: () => again.disconnect() });
    await new Promise((r) => setTimeout(r, 5_000));
    expect(await callOf(call.id)).toMatchObject({ state: 'active', agentId: stack.agents.alice.id, callerReconnecting: false });
    // Someone else's key gets nothing.
    expect((await client(stack.baseUrl, undefined, { 'x-caller-key': 'nope' })('POST', `/api/calls/${call.id}/join`)).status).toBe(401);
    // A hang-up press is recorded as a hang-up, not as a lost connection.
    expect((await mine('POST', `/api/calls/${call.id}/hangup`)).body).toMatchObject({ state: 'ended', endReason: 'caller_hung_up' });
  });
});

describe('LiveKit stalled (SIGSTOP, bounded)', () => {
  const livekitPid = () => Number(execFileSync('pgrep', ['-P', String(stack.livekit.pid)]).toString().trim().split('\n')[0]);

  it('holds answer 503 while LiveKit is stopped, reads and login keep answering, and after SIGCONT every call follows its record; Resume works', async () => {
    const n = 6;
    const agents: Array<{ api: ReturnType<typeof client>; id: string }> = [];
    for (let i = 0; i < n; i++) {
      const email = `stall-${i}@warmline.test`;
      const id = await createAgent(stack.deps.db, { email, name: `Stall ${i}`, password: TEST_PASSWORD });
      const login = await anon()('POST', '/api/auth/login', { email, password: TEST_PASSWORD });
      agents.push({ api: client(stack.baseUrl, login.body.token), id });
    }
    const calls: Array<{ id: string; room: string }> = [];
    for (let i = 0; i < n; i++) {
      const call = await newCall(`Stalled ${i}`);
      const caller = await joinRoom(call.livekitUrl, call.token);
      open.push({ close: () => caller.disconnect() });
      expect((await agents[i]!.api('POST', `/api/calls/${call.id}/accept`)).status).toBe(200);
      calls.push({ id: call.id, room: call.room });
    }
    for (const c of calls) expect(await permOf(c.room, `caller:${c.id}`)).toEqual({ canPublish: true, canSubscribe: true });

    const pid = livekitPid();
    process.kill(pid, 'SIGSTOP');
    let resumedAt = 0;
    const resume = () => {
      if (!resumedAt) {
        process.kill(pid, 'SIGCONT');
        resumedAt = Date.now();
      }
    };
    const safety = setTimeout(resume, 12_000); // the stall is bounded whatever happens below
    try {
      const holds = await Promise.all(calls.map((c, i) => agents[i]!.api('POST', `/api/calls/${c.id}/hold`, { hold: true })));
      for (const h of holds) {
        expect(h.status).toBe(503);
        expect(h.body.code).toBe('media_unavailable');
      }
      // Half of them change their mind while LiveKit is still stopped.
      const resumes = await Promise.all(calls.slice(0, n / 2).map((c, i) => agents[i]!.api('POST', `/api/calls/${c.id}/hold`, { hold: false })));
      for (const r of resumes) expect(r.status).toBe(503);
      // The API still answers everything that does not need LiveKit.
      const reads = await Promise.all([
        client(stack.baseUrl, tokens.get('alice') ?? (await stack.login('alice')))('GET', '/api/queue'),
        anon()('POST', '/api/auth/login', { email: 'stall-0@warmline.test', password: TEST_PASSWORD }),
        fetch(`${stack.baseUrl}/health`).then(async (r) => ({ status: r.status, body: await r.json() })),
        agents[0]!.api('GET', `/api/calls/${calls[0]!.id}`),
      ]);
      expect(reads.map((r) => r.status)).toEqual([200, 200, 503, 200]);
      expect(reads[2]!.body).toMatchObject({ livekit: 'down', database: 'ok' });
      // A new caller is told to try again, and no call is stored for them.
      const before = (await agents[0]!.api('GET', '/api/calls')).body.length;
      const refused = await anon()('POST', '/api/calls', { name: 'During the stall', reason: '' });
      expect(refused.status).toBe(503);
      expect((await agents[0]!.api('GET', '/api/calls')).body.length).toBe(before);
      // All of that was answered while LiveKit was still stopped.
      expect(resumedAt).toBe(0);
    } finally {
      clearTimeout(safety);
      resume();
    }

    // The record: first half active (hold then resume), second half on hold.
    const want = (i: number) => (i < n / 2 ? { canPublish: true, canSubscribe: true } : { canPublish: false, canSubscribe: false });
    for (const [i, c] of calls.entries()) expect((await callOf(c.id)).state).toBe(i < n / 2 ? 'active' : 'on_hold');
    await eventually(
      async () => {
        for (const [i, c] of calls.entries()) {
          const p = await permOf(c.room, `caller:${c.id}`);
          if (!p || p.canPublish !== want(i).canPublish || p.canSubscribe !== want(i).canSubscribe) return false;
        }
        return true;
      },
      15_000,
      'every caller follows the record after SIGCONT',
    );
    // It stays so (LiveKit may run requests it queued during the stall after answering again).
    await new Promise((r) => setTimeout(r, 3_000));
    for (const [i, c] of calls.entries()) expect(await permOf(c.room, `caller:${c.id}`)).toEqual(want(i));
    // Resume works for every held call.
    for (const [i, c] of calls.entries()) {
      const r = await agents[i]!.api('POST', `/api/calls/${c.id}/hold`, { hold: false });
      expect(r.status).toBe(200);
      expect(await permOf(c.room, `caller:${c.id}`)).toEqual({ canPublish: true, canSubscribe: true });
    }
    // No room is left behind for the refused caller (the reconciler closes orphans).
    await eventually(async () => {
      const live = new Set((await (await asSupervisor())('GET', '/api/calls')).body.filter((c: { state: string }) => c.state !== 'ended').map((c: { room: string }) => c.room));
      const lkRooms = (await rooms.listRooms()).map((r) => r.name).filter((r) => r.startsWith('call-'));
      return lkRooms.every((r) => live.has(r));
    }, 15_000, 'no orphan rooms');
    for (const [i, c] of calls.entries()) await agents[i]!.api('POST', `/api/calls/${c.id}/hangup`);
  });
});
