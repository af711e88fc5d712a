import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, startStack, type Stack } from '../../../testkit/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ env: { RATE_LIMIT_PER_MINUTE: '3' } });
});
afterAll(async () => stack?.stop());

describe('operations', () => {
  it('POST /api/calls is rate limited per client with a clear 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await client(stack.baseUrl)('POST', '/api/calls', { name: `R${i}`, reason: '' })).status);
    expect(statuses.slice(0, 3)).toEqual([201, 201, 201]);
    const limited = await client(stack.baseUrl)('POST', '/api/calls', { name: 'R', reason: '' });
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('rate_limited');
  });

  it('health names LiveKit as down when it is, with 503', async () => {
    expect((await client(stack.baseUrl)('GET', '/health')).status).toBe(200);
    await stack.livekit.stop();
    const res = await client(stack.baseUrl)('GET', '/health');
    expect(res).toEqual({ status: 503, body: { status: 'degraded', livekit: 'down', database: 'ok' } });
  });
});
