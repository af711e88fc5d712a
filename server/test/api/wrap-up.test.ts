// Wrap-up (after-call work) and dispositions: an agent whose part in a call ends is in wrap_up —
// not offered transfers, no call from the queue, their notes kept — until they give a disposition
// or WRAP_UP_TIMEOUT_S passes (swept by every API instance, once per wrap-up).
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { DEFAULT_DISPOSITIONS } from '../../src/config-wrap-up.js';
import { client, freePort, startStack, type Stack } from '../../../testkit/stack.js';
import { eventually } from '../../../testkit/participants.js';

const WRAP_UP_S = 10; // long enough for the first test to act within it on a busy machine
let stack: Stack;
let other: FastifyInstance | null = null;
const tokens = {} as Record<'alice' | 'bob' | 'carol', string>;
const as = (who: 'alice' | 'bob' | 'carol') => client(stack.baseUrl, tokens[who]);

beforeAll(async () => {
  // Present for the whole file without event streams (a status change marks the session present).
  stack = await startStack({ env: { WRAP_UP_TIMEOUT_S: String(WRAP_UP_S), PRESENCE_OFFLINE_AFTER_S: '600' } });
  for (const who of ['alice', 'bob', 'carol'] as const) {
    tokens[who] = await stack.login(who);
    await as(who)('POST', '/api/agents/me/status', { status: 'available' });
  }
});
afterAll(async () => {
  await other?.close();
  await stack?.stop();
});

async function newCall(name = 'Eve') {
  const created = (await client(stack.baseUrl)('POST', '/api/calls', { name, reason: 'Refund for order 77120' })).body;
  return { id: created.id as string, caller: client(stack.baseUrl, undefined, { 'x-caller-key': created.callerKey }) };
}
async function callWith(who: 'alice' | 'bob', notes = '') {
  const call = await newCall();
  expect((await as(who)('POST', `/api/calls/${call.id}/accept`)).status).toBe(200);
  if (notes) expect((await as(who)('PUT', `/api/calls/${call.id}/notes`, { notes })).status).toBe(200);
  return call;
}
const presence = async (who: 'alice' | 'bob' | 'carol') => {
  const list = (await as('carol')('GET', '/api/agents')).body as { id: string; status: string; awayReason: string | null }[];
  return list.find((a) => a.id === stack.agents[who].id)!.status;
};
const me = async (who: 'alice' | 'bob') => (await as(who)('GET', '/api/agents/me')).body;
const wrapUp = (who: 'alice' | 'bob' | 'carol', callId: string, body: object) => as(who)('POST', `/api/calls/${callId}/wrapup`, body);
const timelineTypes = async (callId: string) => ((await as('alice')('GET', `/api/calls/${callId}`)).body.timeline as { type: string }[]).map((e) => e.type);

describe('wrap-up and dispositions', () => {
  it('after a call the agent is in wrap_up with their notes, offered no transfer and no queued call; a disposition makes them Available', async () => {
    expect((await as('alice')('GET', '/api/dispositions')).body).toEqual({ dispositions: DEFAULT_DISPOSITIONS, wrapUpTimeoutS: WRAP_UP_S });
    const call = await callWith('alice', 'Refund of order 77120 approved.');
    expect((await call.caller('POST', `/api/calls/${call.id}/hangup`)).status).toBe(200);

    expect(await presence('alice')).toBe('wrap_up');
    const home = await me('alice');
    expect(home.agent.status).toBe('wrap_up');
    expect(home.engagement).toMatchObject({
      kind: 'wrap_up',
      wrapUp: { callId: call.id, agent: { id: stack.agents.alice.id, name: 'Alice' }, notes: 'Refund of order 77120 approved.', doneAt: null, disposition: null },
      lastCall: { id: call.id, state: 'ended' },
    });
    const { startedAt, endsAt } = home.engagement.wrapUp;
    expect(Date.parse(endsAt) - Date.parse(startedAt)).toBe(WRAP_UP_S * 1000);
    expect(home.currentCall).toBeNull();

    // Not offered: a transfer to Alice is refused, and she takes no call from the queue.
    const bobs = await callWith('bob');
    const refused = await as('bob')('POST', `/api/calls/${bobs.id}/transfers`, { target: { type: 'agent', agentId: stack.agents.alice.id } });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'target_unavailable' });
    expect(refused.body.message).toMatch(/Alice is in wrap-up/);
    const waiting = await newCall('Finn');
    const taken = await as('alice')('POST', `/api/calls/${waiting.id}/accept`);
    expect(taken.status).toBe(409);
    expect(taken.body.message).toMatch(/wrap-up/);

    // Notes typed in wrap-up are kept with it.
    expect((await as('alice')('PUT', `/api/calls/${call.id}/notes`, { notes: 'Refund approved; label resent.' })).status).toBe(200);
    expect((await me('alice')).engagement.wrapUp.notes).toBe('Refund approved; label resent.');

    expect((await wrapUp('alice', call.id, { disposition: 'Sorted' })).status).toBe(400);
    expect((await wrapUp('alice', call.id, {})).status).toBe(400);
    expect((await wrapUp('carol', call.id, { disposition: 'Resolved' })).status).toBe(403);
    expect((await wrapUp('alice', 'no-such-call', { disposition: 'Resolved' })).status).toBe(404);

    // A double click: both 200, the same wrap-up, one timeline entry.
    const [first, second] = await Promise.all([1, 2].map(() => wrapUp('alice', call.id, { disposition: 'Resolved' })));
    expect([first!.status, second!.status]).toEqual([200, 200]);
    expect(second!.body).toEqual(first!.body);
    expect(first!.body).toMatchObject({ callId: call.id, disposition: 'Resolved', endedBy: 'agent', notes: 'Refund approved; label resent.' });
    expect((await timelineTypes(call.id)).filter((t) => t === 'wrapped_up')).toHaveLength(1);
    const changed = await wrapUp('alice', call.id, { disposition: 'Escalated' });
    expect(changed.status).toBe(409);
    expect(changed.body.message).toMatch(/already wrapped up as "Resolved"/);

    expect(await presence('alice')).toBe('available');
    expect((await me('alice')).engagement).toEqual({ kind: 'idle' });
    expect((await as('alice')('POST', `/api/calls/${waiting.id}/accept`)).status).toBe(200);
    const view = (await as('alice')('GET', `/api/calls/${call.id}`)).body;
    expect(view).toMatchObject({ disposition: 'Resolved', wrapUps: [{ agent: { name: 'Alice' }, disposition: 'Resolved', endedBy: 'agent' }] });

    for (const [who, id] of [['alice', waiting.id], ['bob', bobs.id]] as const) {
      await as(who)('POST', `/api/calls/${id}/hangup`);
      expect((await wrapUp(who, id, { disposition: 'No resolution', notes: '' })).status).toBe(200);
    }
  });

  it('a handover: A wraps up after leaving the introduction while B talks on; B when the call ends; the list filters by disposition', async () => {
    const call = await callWith('alice', 'Wants a refund; over my limit.');
    const t = (await as('alice')('POST', `/api/calls/${call.id}/transfers`, { target: { type: 'agent', agentId: stack.agents.bob.id } })).body;
    expect((await as('bob')('POST', `/api/transfers/${t.id}/accept`)).status).toBe(200);
    expect((await as('alice')('POST', `/api/transfers/${t.id}/complete`, { introduce: true })).status).toBe(200);
    expect(await presence('alice')).toBe('on_call'); // introducing B is still talking
    expect((await as('alice')('POST', `/api/transfers/${t.id}/complete`)).status).toBe(200);

    expect(await presence('alice')).toBe('wrap_up');
    expect(await presence('bob')).toBe('on_call');
    expect((await me('alice')).engagement).toMatchObject({ kind: 'wrap_up', lastCall: { id: call.id, state: 'active', agentName: 'Bob' } });
    expect((await wrapUp('alice', call.id, { disposition: 'Transferred' })).status).toBe(200);
    expect(await presence('alice')).toBe('available');

    await as('bob')('POST', `/api/calls/${call.id}/hangup`);
    expect(await presence('bob')).toBe('wrap_up');
    expect((await wrapUp('bob', call.id, { disposition: 'Resolved', notes: 'Refunded.' })).status).toBe(200);

    const view = (await as('bob')('GET', `/api/calls/${call.id}`)).body;
    expect(view.disposition).toBe('Resolved');
    expect(view.wrapUps.map((w: { agent: { name: string }; disposition: string }) => [w.agent.name, w.disposition])).toEqual([
      ['Alice', 'Transferred'],
      ['Bob', 'Resolved'],
    ]);
    const ids = async (q: string) => ((await as('alice')('GET', `/api/calls${q}`)).body as { id: string }[]).map((c) => c.id);
    expect(await ids('?disposition=Transferred')).toEqual([call.id]);
    expect(await ids('?disposition=Resolved')).toContain(call.id);
    expect(await ids(`?disposition=${encodeURIComponent('Wrong number')}`)).toEqual([]);
    const listed = ((await as('alice')('GET', '/api/calls')).body as { id: string; disposition: string }[]).find((c) => c.id === call.id);
    expect(listed?.disposition).toBe('Resolved');
  });

  it('wrap-up ends by itself after WRAP_UP_TIMEOUT_S, once, though two API instances sweep; a disposition may still follow', async () => {
    const port = await freePort();
    ({ app: other } = await buildApp({
      config: { ...stack.deps.config, port },
      db: stack.deps.db,
      media: stack.deps.media,
      livekitKeys: { apiKey: stack.livekit.apiKey, apiSecret: stack.livekit.apiSecret },
      sweepIntervalMs: 100,
    }));
    await other.listen({ host: '127.0.0.1', port });

    const call = await callWith('alice');
    await as('alice')('POST', `/api/calls/${call.id}/hangup`);
    const endedAt = Date.now();
    expect(await presence('alice')).toBe('wrap_up');
    await eventually(async () => (await presence('alice')) === 'available', (WRAP_UP_S + 5) * 1000, 'Alice available again');
    expect(Date.now() - endedAt).toBeGreaterThan((WRAP_UP_S - 1) * 1000);
    const done = await eventually(async () => {
      const w = (await as('alice')('GET', `/api/calls/${call.id}`)).body.wrapUps[0];
      return w.doneAt ? w : null;
    }, 3000, 'the wrap-up closed');
    expect(done).toMatchObject({ endedBy: 'timeout', disposition: null });
    expect((await timelineTypes(call.id)).filter((t) => t === 'wrapped_up')).toHaveLength(1);

    expect((await wrapUp('alice', call.id, { disposition: 'Follow-up needed' })).body).toMatchObject({ disposition: 'Follow-up needed', endedBy: 'timeout' });
    expect(await timelineTypes(call.id)).toContain('disposition_set');
    expect(await presence('alice')).toBe('available');
  }, 30_000);
});
