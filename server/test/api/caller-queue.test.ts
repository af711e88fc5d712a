// Issue 12: what a waiting caller reads about the queue (services/caller-queue.ts): whether any
// agent is signed in or available, and an estimated wait from recent answer times × position,
// with no agent's name, id or count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, startStack, type Stack } from '../../../testkit/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.stop());

const anon = () => client(stack.baseUrl);
async function newCall(name: string) {
  const res = await anon()('POST', '/api/calls', { name, reason: 'Question about an invoice' });
  expect(res.status).toBe(201);
  const body = res.body as { id: string; callerKey: string };
  const mine = client(stack.baseUrl, undefined, { 'x-caller-key': body.callerKey });
  return { id: body.id, view: async () => (await mine('GET', `/api/calls/${body.id}`)).body };
}

describe("the caller's queue outlook", () => {
  it('says no agent is signed in, then available, then estimates the wait from answered calls', async () => {
    const first = await newCall('Ada');
    expect(await first.view()).toMatchObject({ state: 'waiting', queuePosition: 1, agentSignedIn: false, agentAvailable: false, estimatedWaitS: null });

    const alice = client(stack.baseUrl, await stack.login('alice')); // signing in opens a present session
    await alice('POST', '/api/agents/me/status', { status: 'available' });
    await expect.poll(async () => (await first.view()).agentAvailable, { timeout: 5000 }).toBe(true);
    expect((await first.view()).agentSignedIn).toBe(true);

    await new Promise((r) => setTimeout(r, 300)); // a measurable wait before the answer
    expect((await alice('POST', `/api/calls/${first.id}/accept`)).status).toBe(200);

    // Alice is on a call: the next two callers learn everyone is busy and how long it may take.
    const second = await newCall('Bo');
    const third = await newCall('Cy');
    await expect.poll(async () => (await third.view()).agentAvailable, { timeout: 5000 }).toBe(false);
    const v2 = await second.view();
    const v3 = await third.view();
    expect(v3).toMatchObject({ queuePosition: 2, agentSignedIn: true });
    expect(v2.estimatedWaitS).toBeGreaterThanOrEqual(15);
    expect(v3.estimatedWaitS).toBeGreaterThanOrEqual(v2.estimatedWaitS);
    for (const hidden of ['agentId', 'notes', 'timeline', 'transfer', 'reason']) expect(v3).not.toHaveProperty(hidden);
    expect(v3.agentName).toBeNull(); // nobody's name while waiting
  });
});
