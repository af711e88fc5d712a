// Role-scoped reads: an agent reads only the calls they took part in (answered, transferred from or
// to, rung by) and the calls waiting in the queue; a supervisor reads every call. Applies to
// GET /api/calls/{id}, GET /api/calls (recent calls) and GET /api/transfers/{id}.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCallEvent } from '../../src/services/apply-events.js';
import { lockCall } from '../../src/services/calls.js';
import { createAgent } from '../../src/store/agents-admin.js';
import { client, startStack, type Stack } from '../../../testkit/stack.js';

const SAM = { email: 'sam@warmline.test', password: 'supervisor-password-1' };
let stack: Stack;
const tokens = {} as Record<'alice' | 'bob' | 'carol' | 'sam', string>;
const as = (who: keyof typeof tokens) => client(stack.baseUrl, tokens[who]);

beforeAll(async () => {
  stack = await startStack({ env: { PRESENCE_OFFLINE_AFTER_S: '600' } });
  await createAgent(stack.deps.db, { email: SAM.email, name: 'Sam', password: SAM.password, role: 'supervisor' });
  for (const who of ['alice', 'bob', 'carol'] as const) tokens[who] = await stack.login(who);
  tokens.sam = (await client(stack.baseUrl)('POST', '/api/auth/login', { email: SAM.email, password: SAM.password })).body.token;
  for (const who of ['alice', 'bob', 'carol'] as const) await as(who)('POST', '/api/agents/me/status', { status: 'available' });
});
afterAll(async () => {
  await stack?.stop();
});

async function newCall(name: string) {
  const created = (await client(stack.baseUrl)('POST', '/api/calls', { name, reason: 'Card blocked abroad' })).body;
  return { id: created.id as string, callerKey: created.callerKey as string };
}
const status = async (who: keyof typeof tokens, url: string) => (await as(who)('GET', url)).status;
const recentIds = async (who: keyof typeof tokens) => ((await as(who)('GET', '/api/calls')).body as { id: string }[]).map((c) => c.id);

describe('role-scoped reads', () => {
  it('a waiting call is readable by every agent (the queue); once answered, only by those in it and supervisors', async () => {
    const call = await newCall('Gus');
    expect(await status('carol', `/api/calls/${call.id}`)).toBe(200);
    expect(await recentIds('carol')).toContain(call.id);

    expect((await as('alice')('POST', `/api/calls/${call.id}/accept`)).status).toBe(200);
    await as('alice')('PUT', `/api/calls/${call.id}/notes`, { notes: 'Card 4411 blocked in Lisbon.' });
    const denied = await as('carol')('GET', `/api/calls/${call.id}`);
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ code: 'forbidden' });
    expect(JSON.stringify(denied.body)).not.toMatch(/4411/);
    expect(await recentIds('carol')).not.toContain(call.id);
    expect(await status('carol', '/api/calls/no-such-call')).toBe(404); // 404 before 403

    expect(await status('alice', `/api/calls/${call.id}`)).toBe(200);
    const sam = await as('sam')('GET', `/api/calls/${call.id}`);
    expect(sam.status).toBe(200);
    expect(sam.body.notes).toBe('Card 4411 blocked in Lisbon.');
    expect(await recentIds('sam')).toContain(call.id);
    expect(await recentIds('alice')).toContain(call.id);
    expect((await as('sam')('GET', '/api/agents/me')).body.agent).toMatchObject({ name: 'Sam', role: 'supervisor' });
    expect((await as('alice')('GET', '/api/agents/me')).body.agent.role).toBe('agent');

    // The caller still reads their own call's progress with the caller key.
    expect((await client(stack.baseUrl, undefined, { 'x-caller-key': call.callerKey })('GET', `/api/calls/${call.id}`)).status).toBe(200);
    await as('alice')('POST', `/api/calls/${call.id}/hangup`);
    expect(await status('alice', `/api/calls/${call.id}`)).toBe(200); // after the call too
    expect(await status('carol', `/api/calls/${call.id}`)).toBe(403);
  });

  it('a transfer: the target reads it and its call (even after declining), an agent with no part gets 403, a supervisor 200', async () => {
    const call = await newCall('Hana');
    await as('alice')('POST', `/api/calls/${call.id}/accept`);
    const t = (await as('alice')('POST', `/api/calls/${call.id}/transfers`, { target: { type: 'agent', agentId: stack.agents.bob.id } })).body;
    expect(t.state).toBe('ringing');
    for (const url of [`/api/transfers/${t.id}`, `/api/calls/${call.id}`]) {
      expect(await status('bob', url), url).toBe(200);
      expect(await status('alice', url), url).toBe(200);
      expect(await status('sam', url), url).toBe(200);
      expect(await status('carol', url), url).toBe(403);
    }
    expect(await status('carol', '/api/transfers/no-such-transfer')).toBe(404);
    expect((await as('bob')('POST', `/api/transfers/${t.id}/decline`)).status).toBe(200);
    expect((await as('bob')('GET', `/api/transfers/${t.id}`)).body.state).toBe('declined'); // B's console says why it ended
    expect(await recentIds('bob')).toContain(call.id);
    expect(await recentIds('carol')).not.toContain(call.id);
    await as('alice')('POST', `/api/calls/${call.id}/hangup`);
  });

  it('an agent who answered a call and lost it to the queue still reads it; the one who took it over too', async () => {
    const call = await newCall('Ines');
    await as('carol')('POST', `/api/calls/${call.id}/accept`);
    // Carol dropping for good puts the call back in the queue (what the departure sweep records); Bob answers it.
    await stack.deps.db.tx(async (q) => applyCallEvent(q, await lockCall(q, call.id), { type: 'agent_left', agentId: stack.agents.carol.id }));
    expect((await as('bob')('POST', `/api/calls/${call.id}/accept`)).status).toBe(200);
    expect(await status('carol', `/api/calls/${call.id}`)).toBe(200);
    expect(await status('bob', `/api/calls/${call.id}`)).toBe(200);
    expect(await status('alice', `/api/calls/${call.id}`)).toBe(403);
    await as('bob')('POST', `/api/calls/${call.id}/hangup`);
  });
});
