// Supervisors (issue 12): the live board, and monitoring a call — listen, whisper, barge — with
// who hears whom measured through the real livekit-server: rtc-node participants publish tones
// (caller 440 Hz, agent 660 Hz, supervisor 1000 Hz) and count the frames they receive. A "0 frames"
// counts only where the same listener received other frames in the same window.
import { RoomEvent } from '@livekit/rtc-node';
import { RoomServiceClient } from 'livekit-server-sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { settleDepartures } from '../../src/services/room-events.js';
import { createAgent } from '../../src/store/agents-admin.js';
import { memberJoined, memberLeft } from '../../src/store/members-repo.js';
import { setAgentQueues } from '../../src/store/queues-repo.js';
import { decodeJwt, eventually } from '../../../testkit/participants.js';
import { client, startStack, TEST_PASSWORD, type Stack } from '../../../testkit/stack.js';
import { ToneParticipant } from '../../../testkit/tone-participant.js';
import { ToneBand, expectHears, permissionOf, settledWindow } from '../../../testkit/tone-room.js';

const CALLER = 440;
const A = 660;
const S = 1000;
const TONES = [CALLER, A, S] as const;

let stack: Stack;
let rooms: RoomServiceClient;
let supId: string;
const band = new ToneBand(TONES);
const hears = (p: ToneParticipant, freq: number, what: string) => expectHears(p, freq, what, 15_000);
const tokens = new Map<string, string>();
const figures: string[] = [];

async function loginSam() {
  const res = await fetch(`${stack.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'sam@warmline.test', password: TEST_PASSWORD }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

async function as(who: 'alice' | 'bob' | 'sam') {
  if (!tokens.has(who)) tokens.set(who, who === 'sam' ? await loginSam() : await stack.login(who));
  return client(stack.baseUrl, tokens.get(who));
}

beforeAll(async () => {
  stack = await startStack({ env: { PRESENCE_OFFLINE_AFTER_S: '600', QUEUES: 'billing:Billing, technical:Technical support' } });
  rooms = new RoomServiceClient(stack.livekit.httpUrl, stack.livekit.apiKey, stack.livekit.apiSecret);
  supId = await createAgent(stack.deps.db, { email: 'sam@warmline.test', name: 'Sam', password: TEST_PASSWORD, role: 'supervisor' });
});
afterEach(async () => {
  await band.closeAll();
});
afterAll(async () => {
  if (figures.length) console.log(`supervision figures (frames in 1 s windows):\n  ${figures.join('\n  ')}`);
  await stack?.stop();
});

async function newCall(name: string) {
  const created = await client(stack.baseUrl)('POST', '/api/calls', { name, reason: 'Billing question' });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { id: string; room: string; token: string; livekitUrl: string };
}
async function answered(name: string) {
  const call = await newCall(name);
  const alice = await as('alice');
  const grant = await alice('POST', `/api/calls/${call.id}/accept`);
  expect(grant.status, JSON.stringify(grant.body)).toBe(200);
  return { call, grant: grant.body as { token: string; livekitUrl: string } };
}
const board = async () => {
  const r = await (await as('sam'))('GET', '/api/supervisor/board');
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as { at: string; queues: any[]; agents: any[]; calls: any[] };
};
const timelineTypes = async (callId: string) =>
  ((await (await as('sam'))('GET', `/api/calls/${callId}`)).body.timeline as Array<{ type: string; detail: any }>).map((e) => e.type);

const permOf = (room: string, identity: string) => permissionOf(rooms, room, identity);
const identities = async (room: string) => (await rooms.listParticipants(room).catch(() => [])).map((p) => p.identity);
/** LiveKit's own `hidden` for a participant (null: not in the room). */
const hiddenOf = async (room: string, identity: string) => {
  const p = (await rooms.listParticipants(room).catch(() => [])).find((x) => x.identity === identity);
  return p ? (p.permission?.hidden ?? false) : null;
};

describe('supervision API', () => {
  it('only supervisors see the board and monitor; bad input is refused and changes nothing', async () => {
    const alice = await as('alice');
    const sam = await as('sam');
    expect((await alice('GET', '/api/supervisor/board')).status).toBe(403);
    expect((await client(stack.baseUrl)('GET', '/api/supervisor/board')).status).toBe(401);
    expect((await sam('GET', '/api/supervisor/board')).status).toBe(200);

    const waiting = await newCall('Waiting');
    // Nobody answered yet: nobody to monitor.
    const early = await sam('POST', `/api/calls/${waiting.id}/monitor`, { mode: 'listen' });
    expect(early.status).toBe(409);
    expect((await sam('POST', '/api/calls/no-such-call/monitor', { mode: 'listen' })).status).toBe(404);

    const grant = await alice('POST', `/api/calls/${waiting.id}/accept`);
    expect(grant.status).toBe(200);
    const id = waiting.id;
    expect((await alice('POST', `/api/calls/${id}/monitor`, { mode: 'listen' })).status).toBe(403);
    expect((await alice('DELETE', `/api/calls/${id}/monitor`)).status).toBe(403);

    for (const body of [{ mode: 'shout' }, {}, { mode: 'listen', extra: 1 }, { mode: 42 }]) {
      const bad = await sam('POST', `/api/calls/${id}/monitor`, body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.body.code).toBe('validation_failed');
    }
    expect((await board()).calls.find((c) => c.id === id).monitors).toEqual([]);
    expect(await timelineTypes(id)).not.toContain('monitor_started');

    const listen = await sam('POST', `/api/calls/${id}/monitor`, { mode: 'listen' });
    expect(listen.status, JSON.stringify(listen.body)).toBe(200);
    expect(listen.body).toMatchObject({ callId: id, mode: 'listen', coach: null, call: { room: `call-${id}` } });
    // The agent is told who monitors them, and how; the caller is not.
    const seen = (await alice('GET', `/api/calls/${id}`)).body;
    expect(seen.monitors).toEqual([expect.objectContaining({ supervisorId: supId, supervisorName: 'Sam', mode: 'listen' })]);
    await (await as('sam'))('DELETE', `/api/calls/${id}/monitor`);
    expect((await alice('GET', `/api/calls/${id}`)).body.monitors).toEqual([]);
    expect((await sam('DELETE', `/api/calls/${id}/monitor`)).status).toBe(200); // idempotent
    expect(await timelineTypes(id)).toEqual(expect.arrayContaining(['monitor_started', 'monitor_ended']));
    await alice('POST', `/api/calls/${id}/hangup`);
  });

  it('the board after a hold and a transfer start; the monitor goes on through the transfer, ends when the call moves on, then when a call ends', async () => {
    const alice = await as('alice');
    const bob = await as('bob');
    const sam = await as('sam');
    const { call } = await answered('Board');
    expect((await sam('POST', `/api/calls/${call.id}/monitor`, { mode: 'whisper' })).body).toMatchObject({ mode: 'whisper', coach: { room: `coach-${call.id}` } });

    expect((await alice('POST', `/api/calls/${call.id}/hold`, { hold: true })).status).toBe(200);
    let b = await board();
    let row = b.calls.find((c) => c.id === call.id);
    expect(row).toMatchObject({ state: 'on_hold', agentId: stack.agents.alice.id, agentName: 'Alice', callerName: 'Board', holdCount: 1, transfer: null });
    expect(row.heldSince).toEqual(expect.any(String));
    expect(row.answeredAt).toEqual(expect.any(String));
    expect(row.monitors).toEqual([expect.objectContaining({ supervisorName: 'Sam', mode: 'whisper' })]);
    expect(b.agents.find((a) => a.id === stack.agents.alice.id)).toMatchObject({ status: 'on_call', engagement: 'on_call', callId: call.id });
    expect(Date.parse(b.agents.find((a) => a.id === stack.agents.alice.id).since)).toBeLessThanOrEqual(Date.parse(b.at));
    expect((await alice('POST', `/api/calls/${call.id}/hold`, { hold: false })).status).toBe(200);

    expect((await bob('POST', '/api/agents/me/status', { status: 'available' })).status).toBe(200);
    const started = await alice('POST', `/api/calls/${call.id}/transfers`, { target: { type: 'agent', agentId: stack.agents.bob.id }, notes: '' });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    b = await board();
    row = b.calls.find((c) => c.id === call.id);
    expect(row.transfer).toMatchObject({ id: started.body.id, state: 'ringing', fromAgentName: 'Alice', targetType: 'agent', targetName: 'Bob', acceptedAt: null });
    expect(row.state).toBe('on_hold');
    expect(row.monitors).toHaveLength(1); // a transfer's start does not end the monitor (A still has the call)
    expect(b.agents.find((a) => a.id === stack.agents.bob.id)).toMatchObject({ engagement: 'ringing', callId: call.id, since: expect.any(String) });
    // Switching mode during the transfer: the same call again.
    expect((await sam('POST', `/api/calls/${call.id}/monitor`, { mode: 'listen' })).body).toMatchObject({ mode: 'listen', coach: null });

    // B accepts and A hands over: the call moved on from the agent Sam monitored.
    expect((await bob('POST', `/api/transfers/${started.body.id}/accept`)).status).toBe(200);
    expect((await alice('POST', `/api/transfers/${started.body.id}/complete`, {})).body.state).toBe('completed');
    row = (await board()).calls.find((c) => c.id === call.id);
    expect(row).toMatchObject({ agentName: 'Bob', transfer: null, monitors: [] });
    const ended = ((await sam('GET', `/api/calls/${call.id}`)).body.timeline as any[]).filter((e) => e.type === 'monitor_ended');
    expect(ended.at(-1).detail).toMatchObject({ reason: 'moved_on', supervisorId: supId });

    // Monitoring B now is a new monitor; it ends with the call.
    expect((await sam('POST', `/api/calls/${call.id}/monitor`, { mode: 'barge' })).status).toBe(200);
    expect((await bob('POST', `/api/calls/${call.id}/hangup`)).status).toBe(200);
    expect((await board()).calls.find((c) => c.id === call.id)).toBeUndefined();
    const last = ((await sam('GET', `/api/calls/${call.id}`)).body.timeline as any[]).filter((e) => e.type === 'monitor_ended').at(-1);
    expect(last.detail).toMatchObject({ reason: 'call_ended', mode: 'barge' });
    expect((await sam('GET', `/api/calls/${call.id}`)).body.monitors).toEqual([]);
    // An ended call cannot be monitored.
    const late = await sam('POST', `/api/calls/${call.id}/monitor`, { mode: 'listen' });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('call_conflict');
  });
});

describe('one call at a time', () => {
  it('monitoring another call ends the first one (switched); stopping an unknown call is 404', async () => {
    const sam = await as('sam');
    const one = await answered('First');
    // Bob takes the second call.
    const second = await newCall('Second');
    expect((await (await as('bob'))('POST', `/api/calls/${second.id}/accept`)).status).toBe(200);
    expect((await sam('POST', `/api/calls/${one.call.id}/monitor`, { mode: 'listen' })).status).toBe(200);
    expect((await sam('POST', `/api/calls/${second.id}/monitor`, { mode: 'barge' })).status).toBe(200);
    const calls = (await board()).calls;
    expect(calls.find((c) => c.id === one.call.id).monitors).toEqual([]);
    expect(calls.find((c) => c.id === second.id).monitors).toEqual([expect.objectContaining({ supervisorId: supId, mode: 'barge' })]);
    const first = ((await sam('GET', `/api/calls/${one.call.id}`)).body.timeline as any[]).filter((e) => e.type === 'monitor_ended');
    expect(first.at(-1).detail).toMatchObject({ reason: 'switched' });
    expect((await sam('DELETE', '/api/calls/no-such-call/monitor')).status).toBe(404);
    await (await as('alice'))('POST', `/api/calls/${one.call.id}/hangup`);
    await (await as('bob'))('POST', `/api/calls/${second.id}/hangup`);
  });

  it('a supervisor whose console stays out of the room past the grace period stops monitoring (left); a reload within it does not', async () => {
    const sam = await as('sam');
    const { call } = await answered('Gone');
    expect((await sam('POST', `/api/calls/${call.id}/monitor`, { mode: 'whisper' })).status).toBe(200);
    const me = `supervisor:${supId}`;
    const db = stack.deps.db;
    // Sam's console joined the room, then left it (the webhooks, written as they would be; the
    // monitor is made older, so that an hour-old join and a half-hour-old departure both follow it).
    await db.query(`UPDATE monitors SET started_at = now() - interval '2 hours' WHERE call_id = $1 AND ended_at IS NULL`, [call.id]);
    const ago = (s: number) => new Date(Date.now() - s * 1000);
    await memberJoined(db, { callId: call.id, identity: me, sid: 'PA_sam_1', tabId: null, at: ago(3600) });
    await memberLeft(db, { callId: call.id, identity: me, sid: 'PA_sam_1', at: new Date() });
    // Within the grace period (a reload): the monitor goes on.
    await settleDepartures(stack.deps);
    expect((await board()).calls.find((c) => c.id === call.id).monitors).toEqual([expect.objectContaining({ supervisorId: supId, mode: 'whisper' })]);
    // Gone for good: the monitor ends, the agent is no longer told, the coach room closes.
    await db.query(`UPDATE room_members SET left_at = now() - interval '30 minutes' WHERE call_id = $1 AND identity = $2`, [call.id, me]);
    await settleDepartures(stack.deps);
    await eventually(async () => (await board()).calls.find((c) => c.id === call.id).monitors.length === 0, 10_000, 'monitor ended');
    const ended = ((await sam('GET', `/api/calls/${call.id}`)).body.timeline as any[]).filter((e) => e.type === 'monitor_ended');
    expect(ended.at(-1).detail).toMatchObject({ supervisorId: supId, reason: 'left' });
    expect((await (await as('alice'))('GET', `/api/calls/${call.id}`)).body.monitors).toEqual([]);
    await eventually(async () => (await rooms.listRooms([`coach-${call.id}`])).length === 0, 10_000, 'coach room closed');
    expect((await sam('POST', `/api/calls/${call.id}/monitor`, { mode: 'listen' })).status, 'a new monitor may start').toBe(200);
    // A departure from before this monitor began does not end it (the console has yet to join).
    await memberJoined(db, { callId: call.id, identity: me, sid: 'PA_sam_3', tabId: null, at: ago(3600) });
    await memberLeft(db, { callId: call.id, identity: me, sid: 'PA_sam_3', at: ago(1800) });
    await settleDepartures(stack.deps);
    expect((await board()).calls.find((c) => c.id === call.id).monitors).toEqual([expect.objectContaining({ supervisorId: supId, mode: 'listen' })]);
    await (await as('alice'))('POST', `/api/calls/${call.id}/hangup`);
  });
});

describe('who hears the supervisor (real LiveKit, tones)', () => {
  it('listen: hears caller and agent, nobody hears them; whisper: only the agent does; barge: everyone does', async () => {
    const { call, grant } = await answered('Tones');
    const sam = await as('sam');
    const caller = await band.join('caller', call.livekitUrl, call.token, CALLER);
    const agent = await band.join('alice', grant.livekitUrl, grant.token, A);
    await hears(caller, A, 'the caller hears Alice');
    await hears(agent, CALLER, 'Alice hears the caller');
    const me = `supervisor:${supId}`;

    // Listen. The supervisor's client would publish S as soon as allowed: it never is.
    const listen = (await sam('POST', `/api/calls/${call.id}/monitor`, { mode: 'listen' })).body;
    const sup = await band.join('sam', listen.call.livekitUrl, listen.call.token, S);
    await hears(sup, CALLER, 'Sam hears the caller');
    await hears(sup, A, 'Sam hears Alice');
    let w = await settledWindow();
    const l = {
      supHearsCaller: sup.count([CALLER], w.from, w.to), supHearsA: sup.count([A], w.from, w.to),
      callerHearsA: caller.count([A], w.from, w.to), callerHearsS: caller.count([S], w.from, w.to),
      aHearsCaller: agent.count([CALLER], w.from, w.to), aHearsS: agent.count([S], w.from, w.to),
    };
    figures.push(`listen: ${JSON.stringify(l)}`);
    expect(l.supHearsCaller).toBeGreaterThan(20);
    expect(l.supHearsA).toBeGreaterThan(20);
    expect(l.callerHearsA, 'the caller receives frames in the window').toBeGreaterThan(20);
    expect(l.aHearsCaller, 'Alice receives frames in the window').toBeGreaterThan(20);
    expect(l.callerHearsS + l.aHearsS, 'nobody hears a listening supervisor').toBe(0);
    expect(await permOf(call.room, me)).toEqual({ canPublish: false, canSubscribe: true, tracks: 0 });

    // Whisper: Sam speaks in the coach room, where only Alice listens.
    const whisper = (await sam('POST', `/api/calls/${call.id}/monitor`, { mode: 'whisper' })).body;
    expect(whisper.coach.room).toBe(`coach-${call.id}`);
    const supCoach = await band.join('sam-coach', whisper.coach.livekitUrl, whisper.coach.token, S);
    const coachGrant = await (await as('alice'))('POST', `/api/calls/${call.id}/coach/join`);
    expect(coachGrant.status, JSON.stringify(coachGrant.body)).toBe(200);
    // Nobody else may join it: Bob is not the call's agent.
    expect((await (await as('bob'))('POST', `/api/calls/${call.id}/coach/join`)).status).toBe(409);
    const agentCoach = await band.join('alice-coach', coachGrant.body.livekitUrl, coachGrant.body.token, null);
    await hears(agentCoach, S, 'Alice hears Sam whisper');
    w = await settledWindow();
    const wh = {
      aHearsS: agentCoach.count([S], w.from, w.to) + agent.count([S], w.from, w.to),
      callerHearsA: caller.count([A], w.from, w.to), callerHearsS: caller.count([S], w.from, w.to),
      supHearsCaller: sup.count([CALLER], w.from, w.to),
    };
    figures.push(`whisper: ${JSON.stringify(wh)}`);
    expect(wh.aHearsS).toBeGreaterThan(20);
    expect(wh.callerHearsA, 'the caller receives frames in the window').toBeGreaterThan(20);
    expect(wh.callerHearsS, 'the caller never hears a whisper').toBe(0);
    expect(wh.supHearsCaller, 'Sam still hears the call').toBeGreaterThan(20);
    expect(await identities(`coach-${call.id}`)).not.toContain(`caller:${call.id}`);
    expect(await permOf(`coach-${call.id}`, `agent:${stack.agents.alice.id}`)).toMatchObject({ canPublish: false, canSubscribe: true });
    expect(await permOf(call.room, me)).toMatchObject({ canPublish: false, tracks: 0 });

    // Barge: Sam's call-room client publishes once the server grants it; the coach room closes.
    const barge = await sam('POST', `/api/calls/${call.id}/monitor`, { mode: 'barge' });
    expect(barge.body).toMatchObject({ mode: 'barge', coach: null });
    await hears(caller, S, 'the caller hears Sam barge in');
    await hears(agent, S, 'Alice hears Sam in the call room');
    await eventually(async () => (await rooms.listRooms([`coach-${call.id}`])).length === 0, 10_000, 'coach room closed');
    w = await settledWindow();
    const bg = {
      callerHearsS: caller.count([S], w.from, w.to), aHearsS: agent.count([S], w.from, w.to),
      supHearsCaller: sup.count([CALLER], w.from, w.to), supHearsA: sup.count([A], w.from, w.to),
      callerHearsA: caller.count([A], w.from, w.to),
    };
    figures.push(`barge: ${JSON.stringify(bg)}`);
    for (const [k, n] of Object.entries(bg)) expect(n, k).toBeGreaterThan(20);

    // Stop: Sam is taken out of the room.
    expect((await sam('DELETE', `/api/calls/${call.id}/monitor`)).status).toBe(200);
    await eventually(async () => !(await identities(call.room)).includes(me), 10_000, 'Sam removed');
    w = await settledWindow();
    const st = { callerHearsA: caller.count([A], w.from, w.to), callerHearsS: caller.count([S], w.from, w.to), aHearsS: agent.count([S], w.from, w.to) };
    figures.push(`stopped: ${JSON.stringify(st)}`);
    expect(st.callerHearsA).toBeGreaterThan(20);
    expect(st.callerHearsS + st.aHearsS).toBe(0);
    await (await as('alice'))('POST', `/api/calls/${call.id}/hangup`);
  });

  it('a listening or whispering supervisor is hidden from the other clients; barging shows them; back to listen they rejoin hidden', async () => {
    const { call, grant } = await answered('Hidden');
    const sam = await as('sam');
    const me = `supervisor:${supId}`;
    const caller = await band.join('caller', call.livekitUrl, call.token, CALLER);
    const agent = await band.join('alice', grant.livekitUrl, grant.token, A);
    await hears(caller, A, 'the caller hears Alice');
    await hears(agent, CALLER, 'Alice hears the caller');
    // Every arrival of Sam either client is ever told of, and whether it lists Sam now.
    const arrivals = { caller: 0, agent: 0 };
    caller.room.on(RoomEvent.ParticipantConnected, (p) => void (p.identity === me && arrivals.caller++));
    agent.room.on(RoomEvent.ParticipantConnected, (p) => void (p.identity === me && arrivals.agent++));
    const lists = (p: ToneParticipant) => [...p.room.remoteParticipants.values()].some((x) => x.identity === me);

    // Listen: the token is hidden from the start, and LiveKit keeps Sam hidden once the record is applied.
    const listen = (await sam('POST', `/api/calls/${call.id}/monitor`, { mode: 'listen' })).body;
    expect(decodeJwt(listen.call.token).video).toMatchObject({ hidden: true, canPublish: false, canSubscribe: false });
    const sup = await band.join('sam', listen.call.livekitUrl, listen.call.token, S);
    await hears(sup, CALLER, 'Sam hears the caller');
    await hears(sup, A, 'Sam hears Alice');
    expect(await permOf(call.room, me)).toEqual({ canPublish: false, canSubscribe: true, tracks: 0 });
    expect(await hiddenOf(call.room, me)).toBe(true);
    // Whisper: still hidden in the call room (visible in the coach room, where only Alice is).
    const whisper = (await sam('POST', `/api/calls/${call.id}/monitor`, { mode: 'whisper' })).body;
    expect(decodeJwt(whisper.call.token).video.hidden).toBe(true);
    expect(decodeJwt(whisper.coach.token).video.hidden).toBeUndefined();
    let w = await settledWindow();
    // hidden is per participant: Alice's client does not list Sam either (her console is told from the record).
    const quiet = {
      callerLists: lists(caller), agentLists: lists(agent), arrivals: { ...arrivals },
      callerHearsA: caller.count([A], w.from, w.to), supHearsCaller: sup.count([CALLER], w.from, w.to),
    };
    figures.push(`hidden while listening/whispering: ${JSON.stringify(quiet)}`);
    expect(quiet.callerHearsA, 'the caller receives frames in the window').toBeGreaterThan(20);
    expect(quiet.supHearsCaller, 'Sam hears the call while hidden').toBeGreaterThan(20);
    expect([...caller.room.remoteParticipants.values()].map((p) => p.identity)).toContain(`agent:${stack.agents.alice.id}`);
    expect(quiet).toMatchObject({ callerLists: false, agentLists: false, arrivals: { caller: 0, agent: 0 } });
    expect(await hiddenOf(call.room, me)).toBe(true);

    // Barge: the permission update un-hides Sam, LiveKit announces them, and Sam's microphone reaches both.
    expect((await sam('POST', `/api/calls/${call.id}/monitor`, { mode: 'barge' })).status).toBe(200);
    await hears(caller, S, 'the caller hears Sam barge in');
    await hears(agent, S, 'Alice hears Sam barge in');
    await eventually(async () => lists(caller) && lists(agent), 10_000, 'both clients list Sam');
    expect(await hiddenOf(call.room, me)).toBe(false);
    w = await settledWindow();
    const bg = { callerHearsS: caller.count([S], w.from, w.to), aHearsS: agent.count([S], w.from, w.to), supHearsCaller: sup.count([CALLER], w.from, w.to) };
    figures.push(`barge after hidden: ${JSON.stringify(bg)}`);
    for (const [k, n] of Object.entries(bg)) expect(n, k).toBeGreaterThan(20);

    // Back to listen: Sam is taken out of the room (so both clients are told Sam left) and rejoins hidden.
    const back = (await sam('POST', `/api/calls/${call.id}/monitor`, { mode: 'listen' })).body;
    expect(decodeJwt(back.call.token).video.hidden).toBe(true);
    await eventually(async () => !lists(caller) && !lists(agent), 10_000, 'both clients told Sam left');
    const seenBefore = { ...arrivals };
    const sup2 = await band.join('sam-again', back.call.livekitUrl, back.call.token, S);
    await hears(sup2, CALLER, 'Sam hears the caller again');
    w = await settledWindow();
    const ls = {
      callerLists: lists(caller), agentLists: lists(agent), newArrivals: arrivals.caller + arrivals.agent - seenBefore.caller - seenBefore.agent,
      callerHearsA: caller.count([A], w.from, w.to), callerHearsS: caller.count([S], w.from, w.to), aHearsS: agent.count([S], w.from, w.to),
    };
    figures.push(`listen after barge: ${JSON.stringify(ls)}`);
    expect(ls.callerHearsA, 'the caller receives frames in the window').toBeGreaterThan(20);
    expect(ls.callerHearsS + ls.aHearsS, 'nobody hears Sam').toBe(0);
    expect(ls).toMatchObject({ callerLists: false, agentLists: false, newArrivals: 0 });
    expect(await hiddenOf(call.room, me)).toBe(true);
    expect((await sam('DELETE', `/api/calls/${call.id}/monitor`)).status).toBe(200);
    await (await as('alice'))('POST', `/api/calls/${call.id}/hangup`);
  });

  it('a listening supervisor whose client publishes anyway is refused by the server: no frame of S reaches anyone', async () => {
    const { call, grant } = await answered('Refused');
    const sam = await as('sam');
    const caller = await band.join('caller', call.livekitUrl, call.token, CALLER);
    const agent = await band.join('alice', grant.livekitUrl, grant.token, A);
    await hears(caller, A, 'the caller hears Alice');
    const listen = (await sam('POST', `/api/calls/${call.id}/monitor`, { mode: 'listen' })).body;
    const sup = await band.join('sam', listen.call.livekitUrl, listen.call.token, S);
    await hears(sup, A, 'Sam hears Alice');
    // A hostile or buggy client: publish regardless of the permission it was given.
    const outcome = await Promise.race([
      sup.publish().then(() => 'resolved', (err) => `rejected: ${String(err).slice(0, 80)}`),
      new Promise<string>((r) => setTimeout(() => r('no answer in 8 s'), 8_000)),
    ]);
    const w = await settledWindow();
    const f = {
      outcome,
      callerHearsA: caller.count([A], w.from, w.to), aHearsCaller: agent.count([CALLER], w.from, w.to),
      callerHearsS: caller.count([S], w.from, w.to), aHearsS: agent.count([S], w.from, w.to),
    };
    figures.push(`forced publish while listening: ${JSON.stringify(f)}`);
    expect(f.callerHearsA, 'the caller receives frames in the window').toBeGreaterThan(20);
    expect(f.aHearsCaller, 'Alice receives frames in the window').toBeGreaterThan(20);
    expect(f.callerHearsS + f.aHearsS, 'nobody hears S').toBe(0);
    // LiveKit's own view: the supervisor has no published track and no publish permission.
    expect(await permOf(call.room, `supervisor:${supId}`)).toEqual({ canPublish: false, canSubscribe: true, tracks: 0 });
    await (await as('alice'))('POST', `/api/calls/${call.id}/hangup`);
  });

  it('the reconciler brings monitors back to the record: a listener given publish loses it, a coach-room intruder is removed', async () => {
    const { call } = await answered('Repair');
    const sam = await as('sam');
    const me = `supervisor:${supId}`;
    const whisper = (await sam('POST', `/api/calls/${call.id}/monitor`, { mode: 'whisper' })).body;
    const supCall = await band.join('sam', whisper.call.livekitUrl, whisper.call.token, null);
    const supCoach = await band.join('sam-coach', whisper.coach.livekitUrl, whisper.coach.token, S);
    await eventually(async () => (await permOf(whisper.coach.room, me))?.canPublish === true, 10_000, 'Sam may speak in the coach room');
    expect(await hiddenOf(call.room, me)).toBe(true);
    // Someone changes LiveKit behind the record's back: Sam may publish in the call room (still hidden).
    await rooms.updateParticipant(call.room, me, { permission: { canPublish: true, canSubscribe: true, hidden: true } });
    // A token for the coach room minted for the caller (never issued by the API) joins it.
    const { AccessToken } = await import('livekit-server-sdk');
    const at = new AccessToken(stack.livekit.apiKey, stack.livekit.apiSecret, { identity: `caller:${call.id}` });
    at.addGrant({ room: whisper.coach.room, roomJoin: true, canSubscribe: true, canPublish: false });
    const intruder = await band.join('intruder', whisper.coach.livekitUrl, await at.toJwt(), null);
    await eventually(async () => !(await identities(whisper.coach.room)).includes(`caller:${call.id}`), 10_000, 'the intruder removed by the join webhook');
    void intruder;
    await stack.deps.mediaSync.reconcileAll();
    expect(await permOf(call.room, me)).toMatchObject({ canPublish: false, canSubscribe: true });
    expect(await hiddenOf(call.room, me)).toBe(true);
    // Made visible behind the record's back: an update could not hide Sam again from the clients
    // that saw them (LiveKit would never tell them Sam went), so the reconciler removes Sam, who rejoins hidden.
    await rooms.updateParticipant(call.room, me, { permission: { canPublish: false, canSubscribe: true } });
    await stack.deps.mediaSync.reconcileAll();
    await eventually(async () => !(await identities(call.room)).includes(me), 10_000, 'the visible listener removed');
    const again = (await sam('POST', `/api/calls/${call.id}/monitor`, { mode: 'whisper' })).body;
    const supCall2 = await band.join('sam-again', again.call.livekitUrl, again.call.token, null);
    await eventually(async () => (await permOf(call.room, me))?.canSubscribe === true, 10_000, 'Sam back, listen-only');
    expect(await hiddenOf(call.room, me)).toBe(true);
    void supCall2;
    // Stop: the coach room closes and Sam leaves the call room.
    expect((await sam('DELETE', `/api/calls/${call.id}/monitor`)).status).toBe(200);
    await eventually(async () => (await rooms.listRooms([whisper.coach.room])).length === 0, 10_000, 'coach room closed');
    await eventually(async () => !(await identities(call.room)).includes(me), 10_000, 'Sam removed');
    void supCall;
    void supCoach;
    await (await as('alice'))('POST', `/api/calls/${call.id}/hangup`);
  });

  it('a coach room LiveKit lost while a whisper is on record is made again by the periodic pass', async () => {
    const { call } = await answered('Lost coach');
    const sam = await as('sam');
    const whisper = (await sam('POST', `/api/calls/${call.id}/monitor`, { mode: 'whisper' })).body;
    expect((await rooms.listRooms([whisper.coach.room])).length).toBe(1);
    // Closed behind the record's back (a LiveKit restart, or a late job of another instance).
    await rooms.deleteRoom(whisper.coach.room);
    expect((await rooms.listRooms([whisper.coach.room])).length).toBe(0);
    await stack.deps.mediaSync.reconcileAll();
    expect((await rooms.listRooms([whisper.coach.room])).length, 'the coach room is back').toBe(1);
    // Listen: no whisper on record, so the next pass closes it.
    expect((await sam('POST', `/api/calls/${call.id}/monitor`, { mode: 'listen' })).status).toBe(200);
    await stack.deps.mediaSync.reconcileAll();
    expect((await rooms.listRooms([whisper.coach.room])).length).toBe(0);
    await (await as('alice'))('POST', `/api/calls/${call.id}/hangup`);
  });
});

describe('queues on the board', () => {
  it('each queue: waiting, longest wait (ticking from oldestQueuedAt), available and signed-in members; each call names its queue', async () => {
    const alice = await as('alice');
    const bob = await as('bob');
    await setAgentQueues(stack.deps.db, stack.agents.alice.id, ['billing']);
    await setAgentQueues(stack.deps.db, stack.agents.bob.id, ['technical']);
    try {
      expect((await alice('POST', '/api/agents/me/status', { status: 'available' })).status).toBe(200);
      expect((await bob('POST', '/api/agents/me/status', { status: 'away', reason: 'break' })).status).toBe(200);
      const mk = async (name: string, queueId: string) => {
        const res = await client(stack.baseUrl)('POST', '/api/calls', { name, reason: 'Queued', queueId });
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        return res.body as { id: string };
      };
      const billing = await mk('Bea', 'billing');
      const technical = await mk('Ted', 'technical');
      // Bea has waited 90 s (a fixed past, so the figure is exact to the second).
      await stack.deps.db.query(`UPDATE calls SET queued_at = now() - interval '90 seconds' WHERE id = $1`, [billing.id]);

      const b = await board();
      expect(b.queues.map((q: any) => q.id)).toEqual(['general', 'billing', 'technical']);
      const q = (id: string) => b.queues.find((x: any) => x.id === id);
      expect(q('billing')).toMatchObject({ name: 'Billing', waiting: 1, availableAgents: 1, signedIn: 1 });
      expect(q('billing').longestWaitS).toBeGreaterThanOrEqual(90);
      expect(Date.parse(b.at) - Date.parse(q('billing').oldestQueuedAt)).toBeGreaterThanOrEqual(90_000);
      // Calls waiting and nobody available: Bob is signed in but away.
      expect(q('technical')).toMatchObject({ name: 'Technical support', waiting: 1, availableAgents: 0, signedIn: 1 });
      expect(q('technical').longestWaitS).toBeGreaterThanOrEqual(0);
      expect(q('technical').oldestQueuedAt).toEqual(expect.any(String));
      // GET /api/queues reads the same query: the same figures.
      const mine = (await alice('GET', '/api/queues')).body as any[];
      expect(mine.find((x) => x.id === 'technical')).toMatchObject({ waiting: 1, availableAgents: 0, mine: false });
      expect(Object.keys(mine[0]).sort()).toEqual(['availableAgents', 'id', 'longestWaitS', 'mine', 'name', 'waiting']);

      expect(b.calls.find((c: any) => c.id === billing.id)).toMatchObject({ state: 'waiting', queueId: 'billing', queueName: 'Billing' });
      expect(b.calls.find((c: any) => c.id === technical.id)).toMatchObject({ state: 'waiting', queueId: 'technical', queueName: 'Technical support' });

      // Alice answers Bea: billing empties; the call keeps its queue on the board.
      expect((await alice('POST', `/api/calls/${billing.id}/accept`)).status).toBe(200);
      const after = await board();
      expect(after.queues.find((x: any) => x.id === 'billing')).toMatchObject({ waiting: 0, longestWaitS: null, oldestQueuedAt: null, availableAgents: 0, signedIn: 1 });
      expect(after.calls.find((c: any) => c.id === billing.id)).toMatchObject({ state: 'active', queueName: 'Billing', agentName: 'Alice' });
      await alice('POST', `/api/calls/${billing.id}/hangup`);
      await stack.deps.db.query(`UPDATE calls SET state = 'ended', end_reason = 'abandoned', ended_at = now() WHERE id = $1`, [technical.id]);
    } finally {
      await setAgentQueues(stack.deps.db, stack.agents.alice.id, []);
      await setAgentQueues(stack.deps.db, stack.agents.bob.id, []);
      await bob('POST', '/api/agents/me/status', { status: 'available' });
    }
  });
});
