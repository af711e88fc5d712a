// Presence is true: an agent is present while their console (an open /api/events stream on
// any API instance) is there, offline PRESENCE_OFFLINE_AFTER_S after it is gone, never a
// transfer target then; a transfer ringing them ends; logout ends the session's streams.
// on_call and /api/agents/me's engagement come from one query, so they agree at every step.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { endTransfersToOfflineTargets } from '../../src/services/presence.js';
import { client, freePort, startStack, type Stack } from '../../../testkit/stack.js';
import { eventually } from '../../../testkit/participants.js';

const OFFLINE_AFTER_S = 2;
// Heartbeat every OFFLINE_AFTER_S/3: an agent is offline at most OFFLINE_AFTER_S after the last one.
const OFFLINE_WITHIN_MS = (OFFLINE_AFTER_S + 3) * 1000;

let stack: Stack;
let other: { app: FastifyInstance; baseUrl: string } | null = null;
const tokens = {} as Record<'alice' | 'bob' | 'carol', string>;
const as = (who: 'alice' | 'bob' | 'carol') => client(stack.baseUrl, tokens[who]);
const consoles: Console[] = [];

interface Console {
  /** Everything the stream delivered so far. */
  text(): string;
  ended(): boolean;
  /** The browser tab closes. */
  close(): void;
}

/** An agent console's event stream, as the browser's EventSource would hold it. */
async function openConsole(token: string, baseUrl = stack.baseUrl): Promise<Console> {
  const abort = new AbortController();
  const res = await fetch(`${baseUrl}/api/events`, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let ended = false;
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
    } catch {
      /* aborted by close() */
    }
    ended = true;
  })();
  const c: Console = { text: () => text, ended: () => ended, close: () => abort.abort() };
  consoles.push(c);
  return c;
}

const presenceOf = async (who: 'alice' | 'bob' | 'carol') => {
  const list = (await client(stack.baseUrl, tokens.alice)('GET', '/api/agents')).body as { id: string; status: string }[];
  return list.find((a) => a.id === stack.agents[who].id)?.status;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A call Alice is talking to (no LiveKit participant needed: permission changes for absent ones are no-ops). */
async function callWithAlice() {
  const created = (await client(stack.baseUrl)('POST', '/api/calls', { name: 'Eve', reason: 'Refund for order 77120' })).body;
  expect((await as('alice')('POST', `/api/calls/${created.id}/accept`)).status).toBe(200);
  return created.id as string;
}
const transferToBob = (callId: string) =>
  as('alice')('POST', `/api/calls/${callId}/transfers`, { target: { type: 'agent', agentId: stack.agents.bob.id }, notes: 'Wants a refund.' });
const hangUp = (callId: string) => as('alice')('POST', `/api/calls/${callId}/hangup`);

beforeAll(async () => {
  stack = await startStack({ env: { PRESENCE_OFFLINE_AFTER_S: String(OFFLINE_AFTER_S) } });
  for (const who of ['alice', 'bob', 'carol'] as const) tokens[who] = await stack.login(who);
});
afterAll(async () => {
  for (const c of consoles) c.close();
  await other?.app.close();
  await stack?.stop();
});

describe('presence', () => {
  it('an agent with the console open is available; after closing it they are offline within the configured time and a transfer to them is refused with 409', async () => {
    await as('bob')('POST', '/api/agents/me/status', { status: 'available' });
    const bob = await openConsole(tokens.bob);
    expect(await presenceOf('bob')).toBe('available');
    // The stream's heartbeat keeps Bob present well past the threshold.
    const openedAt = Date.now();
    await eventually(async () => Date.now() - openedAt > (OFFLINE_AFTER_S + 1) * 1000, 10_000, 'past the threshold');
    expect(await presenceOf('bob')).toBe('available');

    bob.close();
    expect(await presenceOf('bob')).toBe('available'); // a reload is not a sign-out
    const closedAt = Date.now();
    await eventually(async () => (await presenceOf('bob')) === 'offline', OFFLINE_WITHIN_MS, 'Bob offline');
    expect(Date.now() - closedAt).toBeLessThan(OFFLINE_WITHIN_MS);

    const callId = await callWithAlice();
    const refused = await transferToBob(callId);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'target_unavailable' });
    expect(refused.body.message).toMatch(/Bob is offline/);
    expect((await as('alice')('GET', `/api/calls/${callId}`)).body.state).toBe('active'); // the caller was never put on hold
    await hangUp(callId);
  });

  it('an agent on a call stays on_call and an agent who chose Away stays away, console or not', async () => {
    await as('alice')('POST', '/api/agents/me/status', { status: 'available' });
    await as('carol')('POST', '/api/agents/me/status', { status: 'away' });
    const callId = await callWithAlice();
    // Neither has a console open; wait past the threshold.
    await sleep((OFFLINE_AFTER_S + 1) * 1000);
    expect(await presenceOf('alice')).toBe('on_call');
    expect(await presenceOf('carol')).toBe('away');
    await hangUp(callId);
    expect(await presenceOf('alice')).toBe('offline');
  });

  it('Away carries the reason the agent chose (missed is the server’s to give); Available clears it', async () => {
    const carol = as('carol');
    expect((await carol('POST', '/api/agents/me/status', { status: 'away', reason: 'lunch' })).body).toMatchObject({ status: 'away', awayReason: 'lunch' });
    expect((await carol('GET', '/api/agents/me')).body.agent).toMatchObject({ status: 'away', awayReason: 'lunch', role: 'agent' });
    expect((await carol('POST', '/api/agents/me/status', { status: 'away', reason: 'missed' })).status).toBe(400);
    expect((await carol('POST', '/api/agents/me/status', { status: 'away', reason: 'nap' })).status).toBe(400);
    expect((await carol('POST', '/api/agents/me/status', { status: 'away' })).body).toMatchObject({ status: 'away', awayReason: null });
    expect((await carol('POST', '/api/agents/me/status', { status: 'available', reason: 'break' })).body).toMatchObject({ status: 'available', awayReason: null });
    await carol('POST', '/api/agents/me/status', { status: 'away' });
  });

  it('a transfer ringing an agent whose console goes away ends at once as target_offline, the caller back with the first agent', async () => {
    await as('bob')('POST', '/api/agents/me/status', { status: 'available' });
    const bob = await openConsole(tokens.bob);
    const callId = await callWithAlice();
    const started = await transferToBob(callId);
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const transferId = started.body.id as string;
    expect(await endTransfersToOfflineTargets(stack.deps)).toBe(0); // Bob's console is there: it keeps ringing
    expect((await as('alice')('GET', `/api/transfers/${transferId}`)).body.state).toBe('ringing');

    bob.close();
    // The lead wires this into the background sweeper; here the test sweeps itself.
    const ended = await eventually(async () => {
      await endTransfersToOfflineTargets(stack.deps);
      const t = (await as('alice')('GET', `/api/transfers/${transferId}`)).body;
      return t.state === 'ringing' ? null : t;
    }, OFFLINE_WITHIN_MS, 'transfer ended');
    expect(ended).toMatchObject({ state: 'failed', failReason: 'target_offline' });
    const call = (await as('alice')('GET', `/api/calls/${callId}`)).body;
    expect(call).toMatchObject({ state: 'active', agentId: stack.agents.alice.id });
    const failed = call.timeline.find((e: { type: string }) => e.type === 'transfer_failed');
    expect(failed.detail.reason).toBe('target_offline');
    expect(call.timeline.map((e: { type: string }) => e.type)).toContain('resumed');
    await hangUp(callId);
  });

  it('signing out ends that session’s open event stream at once, no more events arrive, and the agent is offline at once', async () => {
    const token = await stack.login('carol');
    const carol = client(stack.baseUrl, token);
    await carol('POST', '/api/agents/me/status', { status: 'available' });
    const stream = await openConsole(token);
    await as('alice')('POST', '/api/agents/me/status', { status: 'away' }); // publishes an "agents" event
    await eventually(async () => stream.text().includes('event: agents'), 5_000, 'an event delivered');

    expect((await carol('POST', '/api/auth/logout')).status).toBe(200);
    await eventually(async () => stream.ended(), 2_000, 'the stream ended');
    expect(await presenceOf('carol')).toBe('offline');
    const seen = stream.text();
    await as('alice')('POST', '/api/agents/me/status', { status: 'available' });
    await sleep(300);
    expect(stream.text()).toBe(seen);
    const again = await fetch(`${stack.baseUrl}/api/events`, { headers: { authorization: `Bearer ${token}` } });
    expect(again.status).toBe(401);
  });

  it('signing out on one API instance ends that session’s stream on another instance at its next heartbeat', async () => {
    const port = await freePort();
    const { app } = await buildApp({
      config: { ...stack.deps.config, port },
      db: stack.deps.db,
      media: stack.deps.media,
      livekitKeys: { apiKey: stack.livekit.apiKey, apiSecret: stack.livekit.apiSecret },
      sweepIntervalMs: 0,
    });
    await app.listen({ host: '127.0.0.1', port });
    other = { app, baseUrl: `http://127.0.0.1:${port}` };
    const token = await stack.login('carol');
    const there = await openConsole(token, other.baseUrl);
    expect((await client(stack.baseUrl, token)('POST', '/api/auth/logout')).status).toBe(200);
    await eventually(async () => there.ended(), OFFLINE_AFTER_S * 1000, 'the stream on the other instance ended');
  });

  it('an agent signed in twice stays online while the other console is open when one session signs out', async () => {
    const second = await stack.login('bob');
    await as('bob')('POST', '/api/agents/me/status', { status: 'available' });
    const first = await openConsole(tokens.bob);
    const secondTab = await openConsole(second);
    expect((await client(stack.baseUrl, tokens.bob)('POST', '/api/auth/logout')).status).toBe(200);
    await eventually(async () => first.ended(), 2_000, 'the first stream ended');
    expect(secondTab.ended()).toBe(false);
    await sleep((OFFLINE_AFTER_S + 1) * 1000); // past the threshold: only the second console keeps Bob present
    expect(await presenceOf('bob')).toBe('available');
    expect(secondTab.ended()).toBe(false);
    secondTab.close();
    await eventually(async () => (await presenceOf('bob')) === 'offline', OFFLINE_WITHIN_MS, 'Bob offline');
    tokens.bob = second;
  });

  it('one query says what each agent is engaged in: /me and presence agree through a warm transfer with an introduction', async () => {
    await as('bob')('POST', '/api/agents/me/status', { status: 'available' });
    const bobConsole = await openConsole(tokens.bob);
    const engagement = async (who: 'alice' | 'bob') => {
      const home = (await as(who)('GET', '/api/agents/me')).body;
      expect(home.agent.status).toBe(await presenceOf(who)); // the same query, the same answer
      return { ...home.engagement, status: home.agent.status as string, currentCall: home.currentCall };
    };
    const callId = await callWithAlice();
    const room = `call-${callId}`;
    expect(await engagement('alice')).toMatchObject({ kind: 'on_call', status: 'on_call', call: { id: callId, room, channel: 'web' }, currentCall: { id: callId } });
    expect(await engagement('bob')).toMatchObject({ kind: 'idle', status: 'available', currentCall: null });

    const t = (await transferToBob(callId)).body;
    expect(t.target).toEqual({ type: 'agent', agentId: stack.agents.bob.id, name: 'Bob', number: null, queueId: null });
    expect(await engagement('alice')).toMatchObject({ kind: 'on_call', call: { id: callId, state: 'on_hold', transfer: { id: t.id, state: 'ringing' } } });
    // Ringing is not on a call: Bob could still take a call from the queue.
    expect(await engagement('bob')).toMatchObject({ kind: 'ringing', status: 'available', transfer: { id: t.id } });

    expect((await as('bob')('POST', `/api/transfers/${t.id}/accept`)).status).toBe(200);
    expect(await engagement('bob')).toMatchObject({
      kind: 'consulting',
      status: 'on_call',
      transfer: { id: t.id, state: 'consulting' },
      call: { id: callId, room, agentId: stack.agents.alice.id },
      currentCall: null,
    });

    expect((await as('alice')('POST', `/api/transfers/${t.id}/complete`, { introduce: true })).status).toBe(200);
    // A during the introduction: the real call, B's now, in its real room (the console invents nothing).
    expect(await engagement('alice')).toMatchObject({
      kind: 'introducing',
      status: 'on_call',
      transfer: { id: t.id, state: 'introducing' },
      call: { id: callId, room, state: 'active', agentId: stack.agents.bob.id, agentName: 'Bob' },
      currentCall: null,
    });
    expect(await engagement('bob')).toMatchObject({ kind: 'on_call', status: 'on_call', call: { id: callId, transfer: { id: t.id } } });

    expect((await as('alice')('POST', `/api/transfers/${t.id}/complete`)).status).toBe(200);
    expect(await engagement('alice')).toMatchObject({ kind: 'idle', currentCall: null });
    expect((await engagement('alice')).status).not.toBe('on_call');
    expect(await engagement('bob')).toMatchObject({ kind: 'on_call', call: { id: callId, transfer: null } });

    expect((await as('bob')('POST', `/api/calls/${callId}/hangup`)).status).toBe(200);
    expect(await engagement('bob')).toMatchObject({ kind: 'idle', status: 'available' });
    bobConsole.close();
  });
});
