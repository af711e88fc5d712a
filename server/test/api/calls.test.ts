import { RoomServiceClient } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, startStack, type Stack } from '../../../testkit/stack.js';
import { decodeJwt, eventually, joinRoom } from '../../../testkit/participants.js';

let stack: Stack;
let alice: string;
let bob: string;
const anon = () => client(stack.baseUrl);
const as = (token: string) => client(stack.baseUrl, token);

beforeAll(async () => {
  stack = await startStack({ env: { RECONNECT_GRACE_S: '1' } });
  alice = await stack.login('alice');
  bob = await stack.login('bob');
});
afterAll(async () => stack?.stop());

async function newCall(name = 'Dana', reason = 'Order 4411 never arrived') {
  const res = await anon()('POST', '/api/calls', { name, reason });
  expect(res.status).toBe(201);
  return res.body as { id: string; room: string; token: string; livekitUrl: string; callerKey: string };
}

describe('calls API', () => {
  it('a waiting caller gets a short-lived token for that room only, microphone only, no admin, and is not heard until an agent answers', async () => {
    const call = await newCall();
    const claims = decodeJwt(call.token);
    expect(claims.sub).toBe(`caller:${call.id}`);
    expect(claims.video).toEqual({
      room: call.room,
      roomJoin: true,
      canPublish: true, // alone in the room: agents get nothing until the server has checked them
      canSubscribe: true,
      canPublishData: false,
      canPublishSources: ['microphone'],
      canUpdateOwnMetadata: false,
    });
    for (const admin of ['roomAdmin', 'roomCreate', 'roomList', 'roomRecord', 'ingressAdmin', 'agent', 'hidden']) {
      expect(claims.video[admin]).toBeUndefined();
    }
    expect(claims.exp - claims.nbf).toBeLessThanOrEqual(60); // LiveKit refreshes it while connected
    expect(call.livekitUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
  });

  it('bad bodies get a 400 naming the field and store nothing', async () => {
    const before = (await as(alice)('GET', '/api/calls')).body.length;
    const bad: [unknown, RegExp][] = [
      [{ reason: 'x' }, /name/],
      [{ name: '', reason: 'x' }, /name/],
      [{ name: 'x'.repeat(81), reason: '' }, /name/],
      [{ name: '   ', reason: '' }, /name/],
      [{ name: 'Ann', reason: 'y'.repeat(501) }, /reason/],
      [{ name: 42, reason: '' }, /name/],
      [{ name: 'Ann', reason: '', admin: true }, /additional/],
    ];
    for (const [body, field] of bad) {
      const res = await anon()('POST', '/api/calls', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.message).toMatch(field);
    }
    const notJson = await fetch(`${stack.baseUrl}/api/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":' });
    expect(notJson.status).toBe(400);
    expect((await as(alice)('GET', '/api/calls')).body.length).toBe(before);
  });

  it('the queue lists waiting calls oldest first with their position', async () => {
    const first = await newCall('First');
    const second = await newCall('Second');
    const queue = (await as(alice)('GET', '/api/queue')).body as { id: string; queuePosition: number }[];
    const ids = queue.map((c) => c.id);
    expect(ids.indexOf(first.id)).toBeLessThan(ids.indexOf(second.id));
    const view = await client(stack.baseUrl, undefined, { 'x-caller-key': second.callerKey })('GET', `/api/calls/${second.id}`);
    const firstPos = queue.find((c) => c.id === first.id)!.queuePosition;
    expect(firstPos).toBeGreaterThanOrEqual(1);
    expect(queue.find((c) => c.id === second.id)!.queuePosition).toBe(firstPos + 1);
    expect(queue.map((c) => c.queuePosition)).toEqual(queue.map((_, i) => i + 1));
    expect(view.body.queuePosition).toBe(firstPos + 1);
  });

  it('when two agents accept the same call at once exactly one wins and the other gets 409', async () => {
    const call = await newCall('Race');
    const [a, b] = await Promise.all([as(alice)('POST', `/api/calls/${call.id}/accept`), as(bob)('POST', `/api/calls/${call.id}/accept`)]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.body.code).toBe('call_already_taken');
    // Read as the winner: the loser took no part in the call, so it is not theirs to read (403).
    const winner = a.status === 200 ? alice : bob;
    const view = (await as(winner)('GET', `/api/calls/${call.id}`)).body;
    expect(view.state).toBe('active');
    expect(view.timeline.filter((e: { type: string }) => e.type === 'accepted')).toHaveLength(1);
    expect((await as(winner === alice ? bob : alice)('GET', `/api/calls/${call.id}`)).status).toBe(403);
    // hang up so the winner is free for the next test
    expect((await as(winner)('POST', `/api/calls/${call.id}/hangup`)).status).toBe(200);
  });

  it('accepting twice as the same agent returns a fresh token (rejoin), not an error', async () => {
    const call = await newCall();
    const first = await as(alice)('POST', `/api/calls/${call.id}/accept`);
    const again = await as(alice)('POST', `/api/calls/${call.id}/accept`);
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(decodeJwt(again.body.token).video.room).toBe(call.room);
    await as(alice)('POST', `/api/calls/${call.id}/hangup`);
  });

  it('hold is enforced by the LiveKit server: the held caller may neither publish nor subscribe', async () => {
    const call = await newCall('Held');
    const callerRoom = await joinRoom(call.livekitUrl, call.token);
    try {
      await as(alice)('POST', `/api/calls/${call.id}/accept`);
      const held = await as(alice)('POST', `/api/calls/${call.id}/hold`, { hold: true });
      expect(held.status).toBe(200);
      expect(held.body.state).toBe('on_hold');
      const rooms = new RoomServiceClient(stack.livekit.httpUrl, stack.livekit.apiKey, stack.livekit.apiSecret);
      const p = await rooms.getParticipant(call.room, `caller:${call.id}`);
      expect(p.permission).toMatchObject({ canPublish: false, canSubscribe: false, canPublishData: false });
      expect((await as(alice)('POST', `/api/calls/${call.id}/hold`, { hold: true })).status).toBe(200); // idempotent
      const resumed = await as(alice)('POST', `/api/calls/${call.id}/hold`, { hold: false });
      expect(resumed.body.state).toBe('active');
      expect((await rooms.getParticipant(call.room, `caller:${call.id}`)).permission).toMatchObject({ canPublish: true, canSubscribe: true });
      expect(resumed.body.timeline.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['created', 'accepted', 'held', 'resumed']));
      expect(resumed.body.holdCount).toBe(1);
      expect((await as(bob)('POST', `/api/calls/${call.id}/hold`, { hold: true })).status).toBe(403);
      expect((await as(alice)('POST', `/api/calls/${call.id}/hold`, { hold: 'yes' })).status).toBe(400);
    } finally {
      await callerRoom.disconnect();
      await as(alice)('POST', `/api/calls/${call.id}/hangup`);
    }
  });

  it('the caller can read and hang up only their own call, with their key', async () => {
    const call = await newCall();
    const other = await newCall();
    const mine = client(stack.baseUrl, undefined, { 'x-caller-key': call.callerKey });
    expect((await mine('GET', `/api/calls/${call.id}`)).status).toBe(200);
    expect((await mine('GET', `/api/calls/${other.id}`)).status).toBe(401);
    expect((await anon()('GET', `/api/calls/${call.id}`)).status).toBe(401);
    expect((await mine('POST', `/api/calls/${other.id}/hangup`)).status).toBe(401);
    const hung = await mine('POST', `/api/calls/${call.id}/hangup`);
    expect(hung.status).toBe(200);
    expect(hung.body).toMatchObject({ state: 'ended', endReason: 'abandoned' });
    expect((await mine('POST', `/api/calls/${call.id}/hangup`)).status).toBe(200); // idempotent
  });

  it("the caller's key shows the call's progress, never the agent's notes, the handoff summary or the timeline", async () => {
    const call = await newCall('Curious');
    await as(alice)('POST', `/api/calls/${call.id}/accept`);
    await as(alice)('PUT', `/api/calls/${call.id}/notes`, { notes: 'Caller sounds upset; account flagged for fraud review' });
    const mine = client(stack.baseUrl, undefined, { 'x-caller-key': call.callerKey });
    const seen = (await mine('GET', `/api/calls/${call.id}`)).body;
    expect(seen).toMatchObject({ id: call.id, state: 'active', agentName: 'Alice' });
    expect(JSON.stringify(seen)).not.toMatch(/fraud/);
    for (const field of ['notes', 'timeline', 'transfer', 'reason', 'agentId']) expect(seen).not.toHaveProperty(field);
    expect((await as(alice)('GET', `/api/calls/${call.id}`)).body.notes).toMatch(/fraud/); // agents still see them
    const ended = (await mine('POST', `/api/calls/${call.id}/hangup`)).body;
    expect(ended).toMatchObject({ state: 'ended', endReason: 'caller_hung_up' });
    expect(ended).not.toHaveProperty('notes');
  });

  it('unknown ids get 404', async () => {
    const missing = '00000000-0000-0000-0000-000000000000';
    expect((await as(alice)('GET', `/api/calls/${missing}`)).status).toBe(404);
    expect((await as(alice)('POST', `/api/calls/${missing}/accept`)).status).toBe(404);
    expect((await as(alice)('POST', `/api/calls/${missing}/hold`, { hold: true })).status).toBe(404);
    expect((await as(alice)('POST', `/api/transfers/${missing}/accept`)).status).toBe(404);
  });

  it('a caller who closes the tab and does not come back within the grace period ends up with the call marked ended', async () => {
    const call = await newCall('Tab closer');
    const room = await joinRoom(call.livekitUrl, call.token);
    await as(alice)('POST', `/api/calls/${call.id}/accept`);
    await room.disconnect();
    const ended = await eventually(async () => {
      const v = (await as(alice)('GET', `/api/calls/${call.id}`)).body;
      return v.state === 'ended' ? v : null;
    }, 20_000, 'call ended by webhook');
    expect(ended.endReason).toBe('caller_left');
  });

  it('an agent whose connection drops and does not come back within the grace period: the caller goes back to the queue and the next agent who answers talks with them', async () => {
    const call = await newCall('Stranded?');
    const callerRoom = await joinRoom(call.livekitUrl, call.token);
    try {
      const join = (await as(bob)('POST', `/api/calls/${call.id}/accept`)).body;
      const agentRoom = await joinRoom(join.livekitUrl, join.token);
      await eventually(async () => (await as(bob)('GET', `/api/calls/${call.id}`)).body.timeline.some((e: { type: string }) => e.type === 'caller_joined'), 10_000, 'caller joined');
      await agentRoom.disconnect();
      const back = await eventually(async () => {
        const v = (await as(alice)('GET', `/api/calls/${call.id}`)).body;
        return v.state === 'waiting' ? v : null;
      }, 20_000, 'call back in queue');
      expect(back.agentId).toBeNull();
      expect(back.timeline.map((e: { type: string }) => e.type)).toContain('agent_dropped');
      const rooms = new RoomServiceClient(stack.livekit.httpUrl, stack.livekit.apiKey, stack.livekit.apiSecret);
      // Alone in the room: the agent who dropped is no longer entitled to it.
      expect((await rooms.listParticipants(call.room)).map((p) => p.identity)).toEqual([`caller:${call.id}`]);
      // Another agent picks it up and the caller is live again.
      expect((await as(alice)('POST', `/api/calls/${call.id}/accept`)).status).toBe(200);
      expect((await rooms.getParticipant(call.room, `caller:${call.id}`)).permission).toMatchObject({ canSubscribe: true, canPublish: true });
      await as(alice)('POST', `/api/calls/${call.id}/hangup`);
    } finally {
      await callerRoom.disconnect();
    }
  });

  it('webhooks without a valid LiveKit signature are rejected and change nothing', async () => {
    const call = await newCall();
    const fake = JSON.stringify({ event: 'participant_left', room: { name: call.room }, participant: { identity: `caller:${call.id}` } });
    const res = await fetch(`${stack.baseUrl}/livekit/webhook`, { method: 'POST', headers: { 'content-type': 'application/webhook+json', authorization: 'forged' }, body: fake });
    expect(res.status).toBe(401);
    expect((await as(alice)('GET', `/api/calls/${call.id}`)).body.state).toBe('waiting');
  });
});
