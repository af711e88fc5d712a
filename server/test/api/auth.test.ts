import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, startStack, TEST_PASSWORD, type Stack } from '../../../testkit/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.stop());

const ID = '00000000-0000-0000-0000-000000000000';
// Every agent-only route, with a body that would otherwise be valid.
const AGENT_ROUTES: [string, string, unknown?][] = [
  ['GET', '/api/queue'],
  ['GET', '/api/agents'],
  ['GET', '/api/agents/me'],
  ['POST', '/api/agents/me/status', { status: 'available' }],
  ['GET', '/api/calls'],
  ['POST', `/api/calls/${ID}/accept`],
  ['POST', `/api/calls/${ID}/hold`, { hold: true }],
  ['PUT', `/api/calls/${ID}/notes`, { notes: 'x' }],
  ['POST', `/api/calls/${ID}/transfers`, { target: { type: 'agent', agentId: ID } }],
  ['GET', `/api/transfers/${ID}`],
  ['POST', `/api/transfers/${ID}/accept`],
  ['POST', `/api/transfers/${ID}/decline`],
  ['POST', `/api/transfers/${ID}/cancel`],
  ['POST', `/api/transfers/${ID}/complete`, {}],
  ['GET', '/api/events'],
];

describe('agent authentication', () => {
  it('every agent route rejects a request without a session with 401', async () => {
    for (const [method, url, body] of AGENT_ROUTES) {
      const res = await client(stack.baseUrl)(method, url, body);
      expect(res.status, `${method} ${url}`).toBe(401);
      expect(res.body.code).toBe('unauthorized');
    }
  });

  it('every agent route rejects a forged bearer token and a forged cookie', async () => {
    for (const [method, url, body] of AGENT_ROUTES) {
      expect((await client(stack.baseUrl, 'not-a-real-token')(method, url, body)).status, url).toBe(401);
      const cookie = client(stack.baseUrl, undefined, { cookie: 'wl_session=abc.def' });
      expect((await cookie(method, url, body)).status, url).toBe(401);
    }
  });

  it('a wrong password and an unknown email get the same 401 answer', async () => {
    const wrong = await client(stack.baseUrl)('POST', '/api/auth/login', { email: 'alice@warmline.test', password: 'nope-nope-nope' });
    const unknown = await client(stack.baseUrl)('POST', '/api/auth/login', { email: 'nobody@warmline.test', password: 'nope-nope-nope' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
  });

  it('login sets an HttpOnly session cookie that works like the bearer token', async () => {
    const res = await fetch(`${stack.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'alice@warmline.test', password: TEST_PASSWORD }),
    });
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/wl_session=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    const cookie = setCookie.split(';')[0]!;
    const me = await client(stack.baseUrl, undefined, { cookie })('GET', '/api/agents/me');
    expect(me.status).toBe(200);
    expect(me.body.agent.name).toBe('Alice');
  });

  it('logout revokes the session at once', async () => {
    const token = await stack.login('carol');
    const carol = client(stack.baseUrl, token);
    expect((await carol('GET', '/api/agents/me')).status).toBe(200);
    expect((await carol('POST', '/api/auth/logout')).status).toBe(200);
    expect((await carol('GET', '/api/agents/me')).status).toBe(401);
  });

  it('presence: an agent sets Available/Away and colleagues see it; bad values get 400', async () => {
    const bob = client(stack.baseUrl, await stack.login('bob'));
    expect((await bob('POST', '/api/agents/me/status', { status: 'available' })).body.status).toBe('available');
    const alice = client(stack.baseUrl, await stack.login('alice'));
    const agents = (await alice('GET', '/api/agents')).body as { id: string; status: string }[];
    expect(agents.find((a) => a.id === stack.agents.bob.id)?.status).toBe('available');
    const bad = await bob('POST', '/api/agents/me/status', { status: 'asleep' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/status/);
  });

  it('health, OpenAPI and Swagger UI are served', async () => {
    const health = await client(stack.baseUrl)('GET', '/health');
    expect(health).toEqual({ status: 200, body: { status: 'ok', livekit: 'ok', database: 'ok' } });
    const spec = (await client(stack.baseUrl)('GET', '/openapi.json')).body;
    expect(spec.openapi).toMatch(/^3\./);
    for (const path of ['/api/calls', '/api/calls/{id}/accept', '/api/calls/{id}/hold', '/api/calls/{id}/hangup', '/api/auth/login', '/api/queue', '/api/agents', '/api/calls/{id}/transfers', '/api/transfers/{id}/complete', '/health']) {
      expect(spec.paths[path], path).toBeDefined();
    }
    const docs = await fetch(`${stack.baseUrl}/docs/`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toMatch(/swagger/i);
  });
});
