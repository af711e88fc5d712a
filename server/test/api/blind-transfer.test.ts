// Blind transfer to an agent (issue 12), on the real stack: A leaves at once, the caller is held
// while B rings, B's accept connects B straight to the caller; a ring that ends otherwise sends the
// call to the front of its queue with the summary. Audio measured with tones through real LiveKit
// (rtc-node participants). A "0 frames" counts only where LiveKit shows the listener may not
// subscribe, or the listener heard other frames in the same window.
import { RoomServiceClient } from 'livekit-server-sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../testkit/participants.js';
import { ToneParticipant } from '../../../testkit/tone-participant.js';
import { ToneBand, expectHears, permissionOf, settledWindow } from '../../../testkit/tone-room.js';
import { client, startStack, type Stack } from '../../../testkit/stack.js';

const CALLER = 440;
const A = 660;
const B = 880;
const TONES = [CALLER, A, B] as const;
const HELD = { canPublish: false, canSubscribe: false };
const LIVE = { canPublish: true, canSubscribe: true };
type Who = 'alice' | 'bob' | 'carol';

let stack: Stack;
let rooms: RoomServiceClient;
const tokens: Partial<Record<Who, string>> = {};
const as = (who: Who) => client(stack.baseUrl, tokens[who]);
const band = new ToneBand(TONES);
const figures: string[] = [];

beforeAll(async () => {
  stack = await startStack({ env: { PRESENCE_OFFLINE_AFTER_S: '600' } });
  rooms = new RoomServiceClient(stack.livekit.httpUrl, stack.livekit.apiKey, stack.livekit.apiSecret);
  for (const who of ['alice', 'bob', 'carol'] as const) tokens[who] = await stack.login(who);
});
afterEach(async () => {
  await band.closeAll();
  // Each test starts with an empty queue and free agents.
  await stack.deps.db.query(`UPDATE transfers SET state = 'cancelled', fail_reason = 'cancelled', ended_at = now() WHERE state IN ('ringing', 'consulting', 'introducing')`);
  await stack.deps.db.query(`UPDATE calls SET state = 'ended', end_reason = 'abandoned', ended_at = now() WHERE state <> 'ended'`);
});
afterAll(async () => {
  if (figures.length) console.log(`blind transfer figures (frames in 1 s windows):\n  ${figures.join('\n  ')}`);
  await stack?.stop();
});

const identities = async (room: string) => (await rooms.listParticipants(room)).map((p) => p.identity);
const permOf = (room: string, identity: string) => permissionOf(rooms, room, identity);
async function available(...who: Who[]) {
  for (const w of who) expect((await as(w)('POST', '/api/agents/me/status', { status: 'available' })).status).toBe(200);
}
const callOf = async (id: string, who: Who = 'alice') => (await as(who)('GET', `/api/calls/${id}`)).body;
const transferOf = async (id: string, who: Who = 'bob') => (await as(who)('GET', `/api/transfers/${id}`)).body;

interface Created {
  id: string;
  room: string;
  token: string;
  livekitUrl: string;
  callerKey: string;
}
/** A call Alice answered (with notes); Bob available. */
async function callWithAlice(name: string) {
  const res = await client(stack.baseUrl)('POST', '/api/calls', { name, reason: 'Refund for order 77120' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const call = res.body as Created;
  await available('alice', 'bob');
  const grant = await as('alice')('POST', `/api/calls/${call.id}/accept`);
  expect(grant.status, JSON.stringify(grant.body)).toBe(200);
  await as('alice')('PUT', `/api/calls/${call.id}/notes`, { notes: 'Verified identity. Label resent twice.' });
  return { call, grant: grant.body as { token: string; livekitUrl: string } };
}
async function blind(callId: string, to: Who = 'bob') {
  const res = await as('alice')('POST', `/api/calls/${callId}/transfers`, { target: { type: 'agent', agentId: stack.agents[to].id }, mode: 'blind', notes: 'Wants the refund today.' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; state: string; mode: string; summary: { text: string } | null };
}
/** A waiting call in general that has waited for minutes already (set in the record). */
async function olderWaiter() {
  const res = await client(stack.baseUrl)('POST', '/api/calls', { name: 'Patient', reason: 'Waiting a while' });
  await stack.deps.db.query(`UPDATE calls SET queued_at = now() - interval '5 minutes' WHERE id = $1`, [res.body.id]);
  return res.body as Created;
}

describe('blind transfer to an agent', () => {
  it('A leaves at once, the caller is held hearing nobody while B rings; on accepting, B and the caller hear each other', async () => {
    const { call, grant } = await callWithAlice('Blinda');
    const caller = await band.join('caller', call.livekitUrl, call.token, CALLER);
    const a = await band.join('alice', grant.livekitUrl, grant.token, A);
    await expectHears(caller, A, 'the caller hears Alice');
    await expectHears(a, CALLER, 'Alice hears the caller');
    const who = { caller: `caller:${call.id}`, alice: `agent:${stack.agents.alice.id}`, bob: `agent:${stack.agents.bob.id}` };

    const t = await blind(call.id);
    expect(t).toMatchObject({ state: 'ringing', mode: 'blind' });
    expect(t.summary?.text).toMatch(/77120/);

    // A is out of the room and of the call; the caller is held by the SFU.
    await eventually(async () => !(await identities(call.room)).includes(who.alice), 10_000, 'Alice removed from the room');
    expect(await permOf(call.room, who.caller)).toMatchObject(HELD);
    const started = performance.now();
    const callerFramesBefore = caller.framesReceived;
    const aliceHome = (await as('alice')('GET', '/api/agents/me')).body;
    expect(aliceHome.engagement.kind).not.toBe('on_call');
    expect(aliceHome.outgoingTransfer).toBeNull();
    const view = await callOf(call.id);
    expect(view).toMatchObject({ state: 'on_hold', agentId: null, transfer: { id: t.id, state: 'ringing', mode: 'blind' } });
    expect(view.wrapUps.map((w: { agent: { id: string } }) => w.agent.id)).toEqual([stack.agents.alice.id]);
    expect((await as('alice')('POST', `/api/calls/${call.id}/join`, {})).status, 'Alice gets no new token').toBe(403);
    expect((await as('alice')('POST', `/api/transfers/${t.id}/cancel`)).status, 'a blind transfer cannot be taken back').toBe(409);

    // B's console rings with the summary, as for a warm transfer.
    const bobHome = (await as('bob')('GET', '/api/agents/me')).body;
    expect(bobHome.engagement).toMatchObject({ kind: 'ringing', transfer: { id: t.id, mode: 'blind' } });
    expect(bobHome.engagement.transfer.summary.text).toBe(t.summary!.text);

    // While B rings: the caller receives nothing (canSubscribe=false, checked at both ends of the window).
    const w1 = await settledWindow();
    const ringing = { callerHearsAgents: caller.count([A, B], w1.from, w1.to), callerFrames: caller.framesReceived - callerFramesBefore, aliceHearsCaller: a.count([CALLER], started, w1.to) };
    figures.push(`blind, B ringing: ${JSON.stringify(ringing)}`);
    expect(ringing.callerHearsAgents).toBe(0);
    expect(ringing.aliceHearsCaller, 'Alice (removed) hears nothing of the caller').toBe(0);
    expect(await permOf(call.room, who.caller)).toMatchObject(HELD);
    expect(await identities(call.room)).toEqual([who.caller]);

    // B accepts: straight to the caller, no consultation.
    const accepted = await as('bob')('POST', `/api/transfers/${t.id}/accept`);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(await transferOf(t.id)).toMatchObject({ state: 'completed', mode: 'blind' });
    expect((await as('bob')('POST', `/api/transfers/${t.id}/accept`)).status, 'a double click gets the same call again').toBe(200);
    expect((await as('carol')('POST', `/api/transfers/${t.id}/accept`)).status).toBe(403);
    expect(await callOf(call.id, 'bob')).toMatchObject({ state: 'active', agentId: stack.agents.bob.id, transfer: null });
    const b = await band.join('bob', accepted.body.livekitUrl, accepted.body.token, B);
    await expectHears(b, CALLER, 'Bob hears the caller');
    await expectHears(caller, B, 'the caller hears Bob');
    const w2 = await settledWindow();
    const after = { bobHearsCaller: b.count([CALLER], w2.from, w2.to), callerHearsBob: caller.count([B], w2.from, w2.to), callerHearsAlice: caller.count([A], w2.from, w2.to) };
    figures.push(`blind, B accepted: ${JSON.stringify(after)}`);
    expect(after.bobHearsCaller).toBeGreaterThan(20);
    expect(after.callerHearsBob).toBeGreaterThan(20);
    expect(after.callerHearsAlice).toBe(0);
    expect(await permOf(call.room, who.caller)).toMatchObject(LIVE);
    expect((await as('bob')('GET', '/api/agents/me')).body.engagement.kind).toBe('on_call');
    const types = (await callOf(call.id, 'bob')).timeline.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['transfer_requested', 'held', 'summary_ready', 'transfer_completed', 'handed_over']));
    expect(types).not.toContain('transfer_accepted'); // no consultation
    await as('bob')('POST', `/api/calls/${call.id}/hangup`);
  });

  it('B declining sends the call to the front of its queue with the summary; the caller waits alone, live', async () => {
    const older = await olderWaiter();
    const { call } = await callWithAlice('Declina');
    const caller = await band.join('caller', call.livekitUrl, call.token, CALLER);
    await eventually(async () => (await permOf(call.room, `caller:${call.id}`))?.canPublish, 10_000, 'the caller in the room');
    const t = await blind(call.id);
    expect(await eventually(async () => {
      const p = await permOf(call.room, `caller:${call.id}`);
      return p && !p.canSubscribe ? p : null;
    }, 10_000, 'the caller held while Bob rings')).toMatchObject(HELD);
    const res = await as('bob')('POST', `/api/transfers/${t.id}/decline`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: 'declined', failReason: 'declined' });
    const view = await callOf(call.id, 'carol'); // a waiting call: any agent reads it
    expect(view).toMatchObject({ state: 'waiting', agentId: null, queuePosition: 1, queue: { id: 'general' } });
    expect(view.summary).toMatchObject({ transferId: t.id, text: t.summary!.text, fromAgent: { id: stack.agents.alice.id }, notes: 'Wants the refund today.' });
    expect(view.summary).toMatchObject({ mode: 'blind', targetType: 'agent' }); // how it came: the console reads no timeline
    expect(Date.parse(view.queuedAt)).toBeGreaterThan(Date.parse(view.createdAt)); // it waits again from now
    expect((await callOf(older.id, 'carol')).queuePosition).toBe(2);
    expect(((await as('carol')('GET', '/api/queue')).body as { id: string }[]).map((c) => c.id)).toEqual([call.id, older.id]);
    const types = view.timeline.map((e: { type: string }) => e.type);
    expect(types.slice(-2)).toEqual(['requeued', 'transfer_declined']);
    expect(await eventually(async () => {
      const p = await permOf(call.room, `caller:${call.id}`);
      return p && p.canPublish && p.canSubscribe ? p : null;
    }, 10_000, 'the waiting caller live (alone)')).toMatchObject(LIVE);
    expect(await identities(call.room)).toEqual([`caller:${call.id}`]);
    // Microphone published again for whoever answers (the caller page re-publishes on the grant).
    await eventually(async () => (await rooms.listParticipants(call.room)).find((p) => p.identity === `caller:${call.id}`)?.tracks.length, 10_000, 'the caller publishing');
    expect(caller.isPublished).toBe(true);
    // Alice is not given the call back: she left it.
    expect((await as('alice')('GET', '/api/agents/me')).body.engagement.kind).not.toBe('on_call');
    // Whoever answers gets it with the summary.
    await available('carol');
    expect((await as('carol')('POST', `/api/calls/${call.id}/accept`)).status).toBe(200);
    expect((await as('carol')('GET', '/api/agents/me')).body.engagement.call.summary.text).toBe(t.summary!.text);
  });

  it('B not answering in time: the call goes to the front of its queue and B is away (missed)', async () => {
    const older = await olderWaiter();
    const { call } = await callWithAlice('Timea');
    const t = await blind(call.id);
    await stack.deps.db.query(`UPDATE transfers SET ring_deadline = now() WHERE id = $1`, [t.id]); // the deadline passes now
    const ended = await eventually(async () => {
      const v = await transferOf(t.id, 'alice');
      return v.state === 'timed_out' ? v : null;
    }, 15_000, 'the ring timed out');
    expect(ended.failReason).toBe('no_answer');
    expect(await callOf(call.id, 'carol')).toMatchObject({ state: 'waiting', agentId: null, queuePosition: 1 });
    expect((await callOf(older.id, 'carol')).queuePosition).toBe(2);
    expect((await as('bob')('GET', '/api/agents/me')).body.agent).toMatchObject({ status: 'away', awayReason: 'missed' });
    expect((await as('bob')('POST', `/api/transfers/${t.id}/accept`)).status).toBe(409);
  });

  it("B's console going away while ringing: the call goes to the front of its queue", async () => {
    const { call } = await callWithAlice('Offa');
    const t = await blind(call.id);
    await stack.deps.db.query(`UPDATE sessions SET present_until = now() - interval '1 second' WHERE agent_id = $1`, [stack.agents.bob.id]);
    const ended = await eventually(async () => {
      const v = await transferOf(t.id, 'alice');
      return v.state === 'failed' ? v : null;
    }, 15_000, 'the transfer to an offline agent ended');
    expect(ended.failReason).toBe('target_offline');
    const view = await callOf(call.id, 'carol');
    expect(view).toMatchObject({ state: 'waiting', queuePosition: 1 });
    expect(view.timeline.map((e: { type: string }) => e.type)).toContain('requeued');
    await available('bob'); // back for the next tests
  });

  it('the caller hanging up while B rings ends everything; B can no longer accept', async () => {
    const { call } = await callWithAlice('Hanga');
    const t = await blind(call.id);
    const hung = await client(stack.baseUrl, undefined, { 'x-caller-key': call.callerKey })('POST', `/api/calls/${call.id}/hangup`);
    expect(hung.body.state).toBe('ended');
    expect(await transferOf(t.id)).toMatchObject({ state: 'caller_left', failReason: 'caller_left' });
    const late = await as('bob')('POST', `/api/transfers/${t.id}/accept`);
    expect(late.status).toBe(409);
    expect((await as('bob')('GET', '/api/agents/me')).body.engagement.kind).toBe('idle');
    await eventually(async () => !(await rooms.listRooms()).some((r) => r.name === call.room), 10_000, 'the room closed');
  });

  it('race: B accepts while the caller hangs up — one consistent ending, nobody left on a call', async () => {
    for (let i = 0; i < 3; i++) {
      const { call } = await callWithAlice(`Racer ${i}`);
      const t = await blind(call.id);
      const [acc, hang] = await Promise.all([
        as('bob')('POST', `/api/transfers/${t.id}/accept`),
        client(stack.baseUrl, undefined, { 'x-caller-key': call.callerKey })('POST', `/api/calls/${call.id}/hangup`),
      ]);
      expect(hang.status).toBe(200);
      expect([200, 409]).toContain(acc.status);
      const final = await transferOf(t.id);
      const v = await callOf(call.id, 'bob');
      expect(v.state).toBe('ended');
      // The row lock orders the two: either B had the caller first (then the hang-up ended B's call;
      // B's accept may still answer 409 if the call ended before its token was made), or the
      // hang-up came first and B's accept was refused.
      if (acc.status === 200) expect(final.state).toBe('completed');
      if (final.state === 'completed') {
        expect(v).toMatchObject({ agentId: stack.agents.bob.id, endReason: 'caller_hung_up' });
      } else {
        expect(final.state).toBe('caller_left');
        expect(acc.status).toBe(409);
        expect(v).toMatchObject({ agentId: null, endReason: 'caller_hung_up' });
      }
      figures.push(`race ${i}: accept ${acc.status}, transfer ${final.state}`);
      expect((await as('bob')('GET', '/api/agents/me')).body.engagement.kind).not.toBe('on_call');
      await eventually(async () => !(await rooms.listRooms()).some((r) => r.name === call.room), 10_000, 'the room closed');
    }
  });

  it('a double click on a blind transfer: one 201, one 409, one transfer', async () => {
    const { call } = await callWithAlice('Clicka');
    const send = () =>
      as('alice')('POST', `/api/calls/${call.id}/transfers`, { target: { type: 'agent', agentId: stack.agents.bob.id }, mode: 'blind' });
    const [x, y] = await Promise.all([send(), send()]);
    expect([x.status, y.status].sort()).toEqual([201, 409]);
    expect((x.status === 409 ? x : y).body.code).toBe('transfer_conflict');
    expect((await stack.deps.db.query('SELECT id FROM transfers WHERE call_id = $1', [call.id])).length).toBe(1);
    // A warm double click is refused the same way (the first holds the call's one open transfer).
    const other = await callWithAlice('Clickb');
    const warm = () => as('alice')('POST', `/api/calls/${other.call.id}/transfers`, { target: { type: 'agent', agentId: stack.agents.carol.id } });
    await available('carol');
    const [p, q] = await Promise.all([warm(), warm()]);
    expect([p.status, q.status].sort()).toEqual([201, 409]);
  });

  it('bad blind requests are refused with 4xx and change nothing', async () => {
    const { call } = await callWithAlice('Badda');
    const before = await callOf(call.id);
    const post = (body: unknown) => as('alice')('POST', `/api/calls/${call.id}/transfers`, body);
    const phone = await post({ target: { type: 'phone', number: '+15551234567' }, mode: 'blind' });
    expect(phone.status).toBe(400);
    expect(phone.body.message).toMatch(/blind transfer to a phone is not supported/);
    expect((await post({ target: { type: 'agent', agentId: stack.agents.bob.id }, mode: 'sideways' })).status).toBe(400);
    expect((await post({ target: { type: 'agent', agentId: stack.agents.alice.id }, mode: 'blind' })).body.code).toBe('invalid_target');
    expect((await post({ target: { type: 'agent', agentId: 'nobody' }, mode: 'blind' })).status).toBe(404);
    await as('carol')('POST', '/api/agents/me/status', { status: 'away', reason: 'lunch' });
    expect((await post({ target: { type: 'agent', agentId: stack.agents.carol.id }, mode: 'blind' })).body.code).toBe('target_unavailable');
    expect((await as('bob')('POST', `/api/calls/${call.id}/transfers`, { target: { type: 'agent', agentId: stack.agents.carol.id }, mode: 'blind' })).status).toBe(403);
    const after = await callOf(call.id);
    expect(after).toMatchObject({ state: 'active', agentId: stack.agents.alice.id, transfer: null });
    expect(after.timeline).toHaveLength(before.timeline.length);
    expect(await permOf(call.room, `caller:${call.id}`)).toBeNull(); // never joined: nothing to compare, but nothing removed either
    await as('alice')('POST', `/api/calls/${call.id}/hangup`);
  });
});
