// Hostile input never reaches a 500: characters Postgres cannot store are a 400 naming the field
// and change nothing; agent-only routes ask for the session before they look at the body.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { client, startStack, TEST_PASSWORD, type Stack } from '../../../testkit/stack.js';

let stack: Stack;
let alice: string;
let bob: string;
const anon = () => client(stack.baseUrl);
const as = (token: string) => client(stack.baseUrl, token);

const NUL = '\u0000';
const LONE_HIGH = '\uD800';
const LONE_LOW = '\uDC00';
const BOM = '\uFEFF';
const ID = '00000000-0000-0000-0000-000000000000';

beforeAll(async () => {
  stack = await startStack();
  alice = await stack.login('alice');
  bob = await stack.login('bob');
});
afterAll(async () => stack?.stop());

// Every call a test starts is hung up by its caller afterwards, pass or fail, so Alice is free
// for the next test and the queue stays short.
const started: { id: string; callerKey: string }[] = [];
afterEach(async () => {
  for (const c of started.splice(0)) await client(stack.baseUrl, undefined, { 'x-caller-key': c.callerKey })('POST', `/api/calls/${c.id}/hangup`);
});
async function startCall(name = 'Dana', reason = 'Parcel never arrived') {
  const res = await anon()('POST', '/api/calls', { name, reason });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  started.push({ id: res.body.id, callerKey: res.body.callerKey });
  return res.body.id as string;
}

const callCount = async () => ((await as(alice)('GET', '/api/calls')).body as unknown[]).length;

/** A call Alice has accepted (she may edit its notes and transfer it); Bob is available. */
async function aliceCall(notes = 'Verified the order number.') {
  const id = await startCall();
  expect((await as(alice)('POST', `/api/calls/${id}/accept`)).status).toBe(200);
  expect((await as(alice)('PUT', `/api/calls/${id}/notes`, { notes })).status).toBe(200);
  expect((await as(bob)('POST', '/api/agents/me/status', { status: 'available' })).status).toBe(200);
  return id;
}
const callOf = async (id: string) => (await as(alice)('GET', `/api/calls/${id}`)).body;

function expectRejected(res: { status: number; body: any }, field: string, codePoint: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body.code).toBe('validation_failed');
  expect(res.body.message).toBe(`${field} contains a character that cannot be stored (${codePoint}).`);
}

/** Raw HTTP, for paths and querystrings `fetch` would otherwise re-encode. */
async function raw(method: string, path: string, token?: string) {
  const res = await fetch(`${stack.baseUrl}${path}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

describe('characters Postgres cannot store', () => {
  it('a caller whose name or reason contains a NUL or a lone surrogate is told which field is wrong, and no call is created', async () => {
    const before = await callCount();
    const cases: [Record<string, unknown>, string, string][] = [
      [{ name: `Da${NUL}na`, reason: 'Parcel' }, 'body.name', 'U+0000'],
      [{ name: 'Dana', reason: `Parcel ${NUL}` }, 'body.reason', 'U+0000'],
      [{ name: `Dana ${LONE_HIGH}`, reason: 'Parcel' }, 'body.name', 'U+D800'],
      [{ name: 'Dana', reason: `${LONE_LOW} Parcel` }, 'body.reason', 'U+DC00'],
    ];
    for (const [body, field, cp] of cases) expectRejected(await anon()('POST', '/api/calls', body), field, cp);
    expect(await callCount()).toBe(before);
  });

  it('an emoji (a well-formed surrogate pair) in a name is fine', async () => {
    const id = await startCall('Dana 😀', 'Parcel 📦');
    expect((await callOf(id)).callerName).toBe('Dana 😀');
  });

  it("an agent's note with a NUL or a lone surrogate is refused naming the notes, and the saved note stays as it was", async () => {
    const id = await aliceCall('Original note');
    for (const [notes, cp] of [
      [`Customer said ${NUL} hi`, 'U+0000'],
      [`Half an emoji ${LONE_HIGH}`, 'U+D800'],
      [`${LONE_LOW}`, 'U+DC00'],
    ] as const) {
      expectRejected(await as(alice)('PUT', `/api/calls/${id}/notes`, { notes }), 'body.notes', cp);
    }
    expect((await callOf(id)).notes).toBe('Original note');
  });

  it('signing in with a NUL in the e-mail or password is a 400 naming the field, not a server error', async () => {
    expectRejected(await anon()('POST', '/api/auth/login', { email: `alice@warmline.test${NUL}`, password: TEST_PASSWORD }), 'body.email', 'U+0000');
    expectRejected(await anon()('POST', '/api/auth/login', { email: 'alice@warmline.test', password: `${TEST_PASSWORD}${NUL}` }), 'body.password', 'U+0000');
    expectRejected(await anon()('POST', '/api/auth/login', { email: `${LONE_HIGH}@warmline.test`, password: TEST_PASSWORD }), 'body.email', 'U+D800');
  });

  it('transfer notes or a target id with a NUL are refused naming the field, and the call is not transferred or held', async () => {
    const id = await aliceCall();
    const target = { type: 'agent', agentId: stack.agents.bob.id };
    expectRejected(await as(alice)('POST', `/api/calls/${id}/transfers`, { target, notes: `Tried ${NUL}` }), 'body.notes', 'U+0000');
    expectRejected(await as(alice)('POST', `/api/calls/${id}/transfers`, { target, notes: `Tried ${LONE_HIGH}` }), 'body.notes', 'U+D800');
    expectRejected(
      await as(alice)('POST', `/api/calls/${id}/transfers`, { target: { type: 'agent', agentId: `${stack.agents.bob.id}${NUL}` } }),
      'body.target.agentId',
      'U+0000',
    );
    const view = await callOf(id);
    expect(view.state).toBe('active');
    expect(view.transfer ?? null).toBeNull();
    expect(view.timeline.map((e: { type: string }) => e.type)).not.toContain('transfer_requested');
  });

  it('a NUL in a path id is a 400 naming the id, for callers, agents and transfers alike', async () => {
    const id = await aliceCall('Untouched');
    expectRejected(await raw('GET', `/api/calls/${id}%00`), 'params.id', 'U+0000');
    expectRejected(await raw('GET', `/api/calls/${id}%00`, alice), 'params.id', 'U+0000');
    expectRejected(await raw('POST', `/api/calls/%00/hangup`), 'params.id', 'U+0000');
    expectRejected(await raw('POST', `/api/calls/${id}%00/accept`, bob), 'params.id', 'U+0000');
    expectRejected(await as(alice)('PUT', `/api/calls/${id}%00/notes`, { notes: 'changed' }), 'params.id', 'U+0000');
    expectRejected(await raw('GET', `/api/transfers/%00`, alice), 'params.id', 'U+0000');
    expectRejected(await raw('POST', `/api/transfers/${ID}%00/complete`, alice), 'params.id', 'U+0000');
    const view = await callOf(id);
    expect(view.notes).toBe('Untouched');
    expect(view.agentId).toBe(stack.agents.alice.id);
  });

  it('a path id that is not valid UTF-8 (a lone surrogate encoded as bytes) is a 400, not a server error', async () => {
    const res = await raw('GET', '/api/calls/%ED%A0%80', alice);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/not a valid url component/);
  });

  it('a NUL or a lone surrogate in the querystring is a 400 naming the parameter', async () => {
    expectRejected(await raw('GET', '/api/queue?since=%00', alice), 'querystring.since', 'U+0000');
    expectRejected(await raw('GET', `/api/calls?x=1&x=a%00`, alice), 'querystring.x[1]', 'U+0000');
    const id = await startCall('Quinn', '');
    expectRejected(await raw('GET', `/api/calls/${id}?key=%00`), 'querystring.key', 'U+0000');
    const surrogate = await raw('GET', '/api/queue?since=%ED%A0%80', alice);
    expect(surrogate.status).toBeLessThan(500);
  });

  it('a NUL in a field name is refused too, naming where it was', async () => {
    const res = await anon()('POST', '/api/calls', { name: 'Dana', reason: '', [`x${NUL}`]: 1 });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 'validation_failed', message: 'body has a field name that contains a character that cannot be stored (U+0000).' });
  });

  it('a deeply nested body with a NUL at the bottom is a 400, not a server error', async () => {
    const deep = `${'['.repeat(20_000)}"${'\\u0000'}"${']'.repeat(20_000)}`;
    const res = await fetch(`${stack.baseUrl}/api/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"name":"Dana","reason":${deep}}` });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; message: string };
    expect(body.code).toBe('validation_failed');
    expect(body.message).toMatch(/^body\.reason(\[0\])+ contains a character that cannot be stored \(U\+0000\)\.$/);
  });
});

describe('agent-only routes check the session before the body', () => {
  // Each route with a body that fails its schema: without a session the answer is 401, so the
  // schema is never described to someone who may not use the route.
  const BAD_BODIES: [string, string, unknown][] = [
    ['POST', `/api/calls/${ID}/hold`, { hold: 'please' }],
    ['PUT', `/api/calls/${ID}/notes`, { notes: 42, extra: true }],
    ['POST', '/api/agents/me/status', { status: 'asleep' }],
    ['POST', `/api/calls/${ID}/transfers`, { target: { type: 'phone' } }],
    ['POST', `/api/transfers/${ID}/complete`, { introduce: 'yes' }],
  ];

  it('without a session a bad body gets 401, never a 400 that reveals the schema', async () => {
    for (const [method, url, body] of BAD_BODIES) {
      const res = await anon()(method, url, body);
      expect(res.status, `${method} ${url}`).toBe(401);
      expect(res.body.code).toBe('unauthorized');
      expect(JSON.stringify(res.body)).not.toMatch(/must|hold|notes|status|target|introduce/);
    }
  });

  it('with a forged token or cookie a bad body gets 401 as well', async () => {
    for (const [method, url, body] of BAD_BODIES) {
      expect((await client(stack.baseUrl, 'forged-token')(method, url, body)).status, url).toBe(401);
      expect((await client(stack.baseUrl, undefined, { cookie: 'wl_session=abc.def' })(method, url, body)).status, url).toBe(401);
    }
  });

  it('without a session a body with a NUL also gets 401, not 400', async () => {
    const res = await anon()('PUT', `/api/calls/${ID}/notes`, { notes: `x${NUL}` });
    expect(res.status).toBe(401);
  });

  it('signed in, the same bad bodies get 400 naming the field', async () => {
    for (const [method, url, body] of BAD_BODIES) {
      const res = await as(alice)(method, url, body);
      expect(res.status, `${method} ${url} ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    }
  });

  it('the session cookie is still honoured now that it is read before the body', async () => {
    const res = await fetch(`${stack.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: stack.agents.carol.email, password: TEST_PASSWORD }),
    });
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
    const carol = client(stack.baseUrl, undefined, { cookie });
    expect((await carol('POST', '/api/agents/me/status', { status: 'away' })).body.status).toBe('away');
    expect((await carol('POST', '/api/agents/me/status', { status: 'asleep' })).status).toBe(400);
  });
});

describe('a byte-order mark in notes', () => {
  it('a note that starts with U+FEFF is stored and read back exactly as sent', async () => {
    const id = await aliceCall();
    const notes = `${BOM}Caller prefers e-mail.${BOM}`;
    expect((await as(alice)('PUT', `/api/calls/${id}/notes`, { notes })).status).toBe(200);
    const stored = (await callOf(id)).notes as string;
    expect(stored).toBe(notes);
    expect(stored.charCodeAt(0)).toBe(0xfeff);
  });

  it('a note sent as raw UTF-8 bytes starting with EF BB BF round-trips too', async () => {
    const id = await aliceCall();
    const body = Buffer.concat([Buffer.from('{"notes":"'), Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Line one"}')]);
    const res = await fetch(`${stack.baseUrl}/api/calls/${id}/notes`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${alice}` },
      body,
    });
    expect(res.status).toBe(200);
    expect((await callOf(id)).notes).toBe(`${BOM}Line one`);
  });
});
