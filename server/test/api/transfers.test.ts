import type { Room } from '@livekit/rtc-node';
import { RoomServiceClient } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, startStack, type Stack } from '../../../testkit/stack.js';
import { eventually, joinRoom } from '../../../testkit/participants.js';

let stack: Stack;
let rooms: RoomServiceClient;
const tokens: Record<string, string> = {};
const as = (who: 'alice' | 'bob' | 'carol') => client(stack.baseUrl, tokens[who]);
const open: Room[] = [];

beforeAll(async () => {
  stack = await startStack({ env: { TRANSFER_RING_TIMEOUT_S: '5', RECONNECT_GRACE_S: '1' } });
  rooms = new RoomServiceClient(stack.livekit.httpUrl, stack.livekit.apiKey, stack.livekit.apiSecret);
  for (const who of ['alice', 'bob', 'carol'] as const) tokens[who] = await stack.login(who);
});
afterAll(async () => {
  await Promise.all(open.map((r) => r.disconnect().catch(() => {})));
  await stack?.stop();
});

/** A call with the caller in the room and Alice talking to them; Bob available. */
async function callWithAlice(opts: { join?: boolean } = {}) {
  const created = (await client(stack.baseUrl)('POST', '/api/calls', { name: 'Eve', reason: 'Refund for order 77120' })).body;
  const caller = await joinRoom(created.livekitUrl, created.token);
  open.push(caller);
  const join = (await as('alice')('POST', `/api/calls/${created.id}/accept`)).body;
  let aliceRoom: Room | null = null;
  if (opts.join) {
    aliceRoom = await joinRoom(join.livekitUrl, join.token);
    open.push(aliceRoom);
  }
  await as('bob')('POST', '/api/agents/me/status', { status: 'available' });
  return { id: created.id as string, room: created.room as string, callerKey: created.callerKey as string, caller, aliceRoom };
}

async function startTransfer(callId: string, notes = 'Verified identity. Tried resending the label.') {
  const res = await as('alice')('POST', `/api/calls/${callId}/transfers`, { target: { type: 'agent', agentId: stack.agents.bob.id }, notes });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; state: string; summary: { text: string; provider: string } };
}

const callerPerm = async (room: string, callId: string) => (await rooms.getParticipant(room, `caller:${callId}`)).permission!;
const callOf = async (id: string) => (await as('alice')('GET', `/api/calls/${id}`)).body;
const finish = async (id: string) => {
  for (const who of ['alice', 'bob'] as const) await as(who)('POST', `/api/calls/${id}/hangup`);
};

describe('warm transfer API', () => {
  it('starting a transfer holds the caller at once, rings the target with a summary, and shows in the timeline', async () => {
    const call = await callWithAlice();
    const t = await startTransfer(call.id);
    expect(t.state).toBe('ringing');
    expect(t.summary.provider).toBe('local');
    expect(t.summary.text).toMatch(/77120/);
    expect(t.summary.text).toMatch(/refund/i);
    expect(await callerPerm(call.room, call.id)).toMatchObject({ canSubscribe: false, canPublish: false });
    const bobHome = (await as('bob')('GET', '/api/agents/me')).body;
    expect(bobHome.incomingTransfers.map((x: { id: string }) => x.id)).toContain(t.id);
    const view = await callOf(call.id);
    expect(view.state).toBe('on_hold');
    expect(view.holdCount).toBe(0); // the transfer's own hold is not a hold the caller was put on
    expect(view.transfer.id).toBe(t.id);
    const types = view.timeline.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['transfer_requested', 'held', 'summary_ready']));
    expect(view.timeline.find((e: { type: string }) => e.type === 'summary_ready').detail.provider).toBe('local');
    await as('alice')('POST', `/api/transfers/${t.id}/cancel`);
    await finish(call.id);
  });

  it('bad transfer requests: self 400, unknown target 404, second open transfer 409, unavailable target 409, not your call 403', async () => {
    const call = await callWithAlice();
    const self = await as('alice')('POST', `/api/calls/${call.id}/transfers`, { target: { type: 'agent', agentId: stack.agents.alice.id } });
    expect(self.status).toBe(400);
    const bad = await as('alice')('POST', `/api/calls/${call.id}/transfers`, { target: { type: 'agent' } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/agentId/);
    // This stack has no Twilio configuration: a phone target says so.
    const phone = await as('alice')('POST', `/api/calls/${call.id}/transfers`, { target: { type: 'phone', number: '+15551234567' } });
    expect(phone.status).toBe(400);
    expect(phone.body).toMatchObject({ code: 'phones_not_configured' });
    expect(phone.body.message).toMatch(/not configured/);
    const longNotes = await as('alice')('POST', `/api/calls/${call.id}/transfers`, { target: { type: 'agent', agentId: stack.agents.bob.id }, notes: 'n'.repeat(2001) });
    expect(longNotes.status).toBe(400);
    const unknown = await as('alice')('POST', `/api/calls/${call.id}/transfers`, { target: { type: 'agent', agentId: 'nobody' } });
    expect(unknown.status).toBe(404);
    await as('carol')('POST', '/api/agents/me/status', { status: 'away' });
    const away = await as('alice')('POST', `/api/calls/${call.id}/transfers`, { target: { type: 'agent', agentId: stack.agents.carol.id } });
    expect(away.status).toBe(409);
    expect(away.body.code).toBe('target_unavailable');
    const notMine = await as('carol')('POST', `/api/calls/${call.id}/transfers`, { target: { type: 'agent', agentId: stack.agents.bob.id } });
    expect(notMine.status).toBe(403);
    expect((await callOf(call.id)).state).toBe('active'); // nothing changed
    const t = await startTransfer(call.id);
    const second = await as('alice')('POST', `/api/calls/${call.id}/transfers`, { target: { type: 'agent', agentId: stack.agents.bob.id } });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('transfer_conflict');
    await as('alice')('POST', `/api/transfers/${t.id}/cancel`);
    await finish(call.id);
  });

  it('accept → complete hands the call to B, takes A out of the room, and repeating complete returns the same', async () => {
    const call = await callWithAlice({ join: true });
    const t = await startTransfer(call.id);
    const [acc1, acc2] = await Promise.all([as('bob')('POST', `/api/transfers/${t.id}/accept`), as('bob')('POST', `/api/transfers/${t.id}/accept`)]);
    expect([acc1.status, acc2.status]).toEqual([200, 200]); // double click: one accept, same room
    expect(acc1.body.room).toBe(call.room);
    expect((await as('carol')('POST', `/api/transfers/${t.id}/accept`)).status).toBe(403);
    expect((await as('bob')('GET', `/api/transfers/${t.id}`)).body.state).toBe('consulting');
    expect(await callerPerm(call.room, call.id)).toMatchObject({ canSubscribe: false, canPublish: false });
    const done = await as('alice')('POST', `/api/transfers/${t.id}/complete`, {});
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ state: 'completed' });
    expect(done.body.completedAt).toBeTruthy();
    const again = await as('alice')('POST', `/api/transfers/${t.id}/complete`, {});
    expect(again.status).toBe(200);
    expect(again.body.completedAt).toBe(done.body.completedAt);
    const view = await callOf(call.id);
    expect(view).toMatchObject({ state: 'active', agentId: stack.agents.bob.id });
    expect(await callerPerm(call.room, call.id)).toMatchObject({ canSubscribe: true, canPublish: true });
    await eventually(async () => {
      const ps = await rooms.listParticipants(call.room);
      return !ps.some((p) => p.identity === `agent:${stack.agents.alice.id}`);
    }, 10_000, 'A removed from the room');
    expect((await as('alice')('GET', '/api/agents/me')).body.currentCall).toBeNull();
    expect(view.timeline.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['transfer_requested', 'transfer_accepted', 'transfer_completed']));
    await finish(call.id);
  });

  it('complete racing cancel: exactly one wins, the loser gets 409 and the call is consistent', async () => {
    for (let i = 0; i < 3; i++) {
      const call = await callWithAlice();
      const t = await startTransfer(call.id);
      await as('bob')('POST', `/api/transfers/${t.id}/accept`);
      const [c, x] = await Promise.all([
        as('alice')('POST', `/api/transfers/${t.id}/complete`, {}),
        as('alice')('POST', `/api/transfers/${t.id}/cancel`),
      ]);
      expect([c.status, x.status].sort()).toEqual([200, 409]);
      const view = await callOf(call.id);
      const final = (await as('alice')('GET', `/api/transfers/${t.id}`)).body.state;
      if (c.status === 200) {
        expect(final).toBe('completed');
        expect(view).toMatchObject({ state: 'active', agentId: stack.agents.bob.id });
      } else {
        expect(final).toBe('cancelled');
        expect(view).toMatchObject({ state: 'active', agentId: stack.agents.alice.id });
      }
      expect(await callerPerm(call.room, call.id)).toMatchObject({ canSubscribe: true, canPublish: true });
      await finish(call.id);
    }
  });

  it('B declining returns the caller to A, off hold, and tells A why', async () => {
    const call = await callWithAlice();
    const t = await startTransfer(call.id);
    const res = await as('bob')('POST', `/api/transfers/${t.id}/decline`);
    expect(res.body).toMatchObject({ state: 'declined', failReason: 'declined' });
    expect(await callOf(call.id)).toMatchObject({ state: 'active', agentId: stack.agents.alice.id });
    expect(await callerPerm(call.room, call.id)).toMatchObject({ canSubscribe: true, canPublish: true });
    expect((await as('bob')('POST', `/api/transfers/${t.id}/accept`)).status).toBe(409);
    await finish(call.id);
  });

  it('B not answering within TRANSFER_RING_TIMEOUT_S returns the caller to A and makes B away (missed)', async () => {
    const call = await callWithAlice();
    const t = await startTransfer(call.id);
    const timedOut = await eventually(async () => {
      const v = (await as('alice')('GET', `/api/transfers/${t.id}`)).body;
      return v.state === 'timed_out' ? v : null;
    }, 15_000, 'transfer timed out');
    expect(timedOut.failReason).toBe('no_answer');
    // Bob missed it: he is away (reason missed) until he says he is back, so nobody else rings him in vain.
    const bob = (await as('bob')('GET', '/api/agents/me')).body.agent;
    expect(bob).toMatchObject({ status: 'away', awayReason: 'missed' });
    const listed = ((await as('alice')('GET', '/api/agents')).body as { id: string }[]).find((a) => a.id === stack.agents.bob.id);
    expect(listed).toEqual({ id: stack.agents.bob.id, name: 'Bob', status: 'away', awayReason: 'missed' });
    expect(await callOf(call.id)).toMatchObject({ state: 'active', agentId: stack.agents.alice.id });
    expect(await callerPerm(call.room, call.id)).toMatchObject({ canSubscribe: true });
    await finish(call.id);
  });

  it('the caller hanging up mid-consultation ends the transfer as caller_left and frees both agents', async () => {
    const call = await callWithAlice();
    const t = await startTransfer(call.id);
    await as('bob')('POST', `/api/transfers/${t.id}/accept`);
    const hung = await client(stack.baseUrl, undefined, { 'x-caller-key': call.callerKey })('POST', `/api/calls/${call.id}/hangup`);
    expect(hung.body.state).toBe('ended');
    expect((await as('alice')('GET', `/api/transfers/${t.id}`)).body.state).toBe('caller_left');
    expect((await as('alice')('POST', `/api/transfers/${t.id}/complete`, {})).status).toBe(409);
    const agents = (await as('alice')('GET', '/api/agents')).body as { id: string; status: string }[];
    expect(agents.find((a) => a.id === stack.agents.bob.id)?.status).toBe('available');
  });

  it('the caller closing the tab mid-consultation is noticed through LiveKit', async () => {
    const call = await callWithAlice();
    const t = await startTransfer(call.id);
    await as('bob')('POST', `/api/transfers/${t.id}/accept`);
    await call.caller.disconnect();
    await eventually(async () => (await as('alice')('GET', `/api/transfers/${t.id}`)).body.state === 'caller_left', 20_000, 'caller_left');
    expect((await callOf(call.id)).state).toBe('ended');
  });

  it('A dropping after B accepted completes the transfer to B', async () => {
    const call = await callWithAlice({ join: true });
    const t = await startTransfer(call.id);
    await as('bob')('POST', `/api/transfers/${t.id}/accept`);
    await call.aliceRoom!.disconnect();
    await eventually(async () => (await as('bob')('GET', `/api/transfers/${t.id}`)).body.state === 'completed', 20_000, 'completed to B');
    expect(await callOf(call.id)).toMatchObject({ state: 'active', agentId: stack.agents.bob.id });
    expect(await callerPerm(call.room, call.id)).toMatchObject({ canSubscribe: true, canPublish: true });
    await finish(call.id);
  });

  it('A dropping while B is still ringing puts the caller back in the queue and B never gets in', async () => {
    const call = await callWithAlice({ join: true });
    const t = await startTransfer(call.id);
    await call.aliceRoom!.disconnect();
    await eventually(async () => (await as('bob')('GET', `/api/transfers/${t.id}`)).body.state === 'failed', 20_000, 'transfer failed');
    expect(await callOf(call.id)).toMatchObject({ state: 'waiting', agentId: null });
    expect((await stack.deps.media.listParticipants(call.room)).map((p) => p.identity)).not.toContain(`agent:${stack.agents.bob.id}`);
    expect((await as('bob')('POST', `/api/transfers/${t.id}/accept`)).status).toBe(409);
    await finish(call.id);
  });

  it('introduce makes it three-way before A leaves', async () => {
    const call = await callWithAlice();
    const t = await startTransfer(call.id);
    await as('bob')('POST', `/api/transfers/${t.id}/accept`);
    const intro = await as('alice')('POST', `/api/transfers/${t.id}/complete`, { introduce: true });
    expect(intro.body.state).toBe('introducing');
    expect(await callerPerm(call.room, call.id)).toMatchObject({ canSubscribe: true, canPublish: true });
    expect((await as('alice')('POST', `/api/transfers/${t.id}/cancel`)).status).toBe(409);
    const done = await as('alice')('POST', `/api/transfers/${t.id}/complete`);
    expect(done.status).toBe(200);
    expect(done.body.state).toBe('completed');
    await finish(call.id);
  });
});
