import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, startStack, type Stack } from '../../../testkit/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ database: 'pglite' });
});
afterAll(async () => stack?.stop());

describe('the embedded database (PGlite) runs the same API', () => {
  it('a call goes from queue to accepted to held to ended, with its timeline', async () => {
    const alice = client(stack.baseUrl, await stack.login('alice'));
    const call = (await client(stack.baseUrl)('POST', '/api/calls', { name: 'Ivy', reason: 'password reset' })).body;
    expect((await alice('GET', '/api/queue')).body.map((c: { id: string }) => c.id)).toContain(call.id);
    expect((await alice('POST', `/api/calls/${call.id}/accept`)).status).toBe(200);
    expect((await alice('POST', `/api/calls/${call.id}/hold`, { hold: true })).body.state).toBe('on_hold');
    const ended = (await alice('POST', `/api/calls/${call.id}/hangup`)).body;
    expect(ended).toMatchObject({ state: 'ended', endReason: 'agent_hung_up' });
    expect(ended.timeline.map((e: { type: string }) => e.type)).toEqual(['created', 'accepted', 'held', 'ended']);
    expect((await client(stack.baseUrl)('GET', '/health')).body).toEqual({ status: 'ok', livekit: 'ok', database: 'ok' });
  });
});
