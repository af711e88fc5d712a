// The production edges on the real stack: security headers on every kind of response, forwarded
// headers believed only from TRUST_PROXY, API docs and metrics closed in production by default.
// Two stacks: production as an operator runs it (no TRUST_PROXY, METRICS_TOKEN set), and a
// development-like one behind a proxy at 127.0.0.1 (TRUST_PROXY=127.0.0.1).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, startStack, type Stack } from '../../../testkit/stack.js';

const METRICS_TOKEN = 'metrics-token-for-the-edge-test';
let production: Stack;
let proxied: Stack;

beforeAll(async () => {
  production = await startStack({
    env: {
      NODE_ENV: 'production',
      // Validated like a real deployment's (the stack's media client uses its own dev LiveKit).
      LIVEKIT_URL: 'wss://livekit.example.com',
      LIVEKIT_API_KEY: 'APIedgeTest',
      LIVEKIT_API_SECRET: 'edge-test-secret-edge-test-secret',
      SESSION_SECRET: 'edge-test-session-secret-edge-test-session',
      METRICS_TOKEN,
    },
  });
  proxied = await startStack({ env: { TRUST_PROXY: '127.0.0.1' } });
});
afterAll(async () => {
  await production?.stop();
  await proxied?.stop();
});

function expectSecurityHeaders(res: Response, what: string, opts: { production: boolean; livekitUrl: string }) {
  const csp = res.headers.get('content-security-policy') ?? '';
  expect(csp, `${what}: CSP`).toContain("default-src 'self'");
  expect(csp, `${what}: CSP`).toContain("script-src 'self'");
  expect(csp, `${what}: CSP`).toContain("frame-ancestors 'none'");
  expect(csp, `${what}: CSP`).toContain("object-src 'none'");
  expect(csp, `${what}: no inline scripts`).not.toMatch(/unsafe-inline|unsafe-eval/);
  // The only other host a browser talks to is LiveKit: its signalling socket and HTTP endpoint.
  const lk = new URL(opts.livekitUrl);
  expect(csp, `${what}: LiveKit allowed`).toMatch(new RegExp(`connect-src 'self' wss?://${lk.host} https?://${lk.host}(;|$)`));
  expect(res.headers.get('x-content-type-options'), what).toBe('nosniff');
  expect(res.headers.get('x-frame-options'), what).toBe('DENY');
  expect(res.headers.get('referrer-policy'), what).toBe('no-referrer');
  if (opts.production) {
    expect(csp, `${what}: https subresources`).toContain('upgrade-insecure-requests');
    expect(res.headers.get('strict-transport-security'), what).toMatch(/max-age=\d+/);
  } else {
    expect(res.headers.get('strict-transport-security'), what).toBeNull();
  }
}

async function wrongLogins(stack: Stack, forwardedFor: (i: number) => string, n: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${stack.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor(i) },
      body: JSON.stringify({ email: 'nobody@warmline.test', password: 'wrong-password' }),
    });
    await res.arrayBuffer();
    statuses.push(res.status);
  }
  return statuses;
}

describe('security headers', () => {
  for (const mode of ['production', 'development'] as const) {
    it(`${mode}: on the page, an API answer, an error, a 404 and a router error`, async () => {
      const stack = mode === 'production' ? production : proxied;
      const opts = { production: mode === 'production', livekitUrl: stack.deps.media.clientUrl };
      const responses: Array<[string, Response, number]> = [
        ['the caller page', await fetch(`${stack.baseUrl}/`), 200],
        ['an API answer', await fetch(`${stack.baseUrl}/api/config`), 200],
        ['an error (401)', await fetch(`${stack.baseUrl}/api/agents/me`), 401],
        ['a validation error (400)', await fetch(`${stack.baseUrl}/api/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }), 400],
        ['a 404', await fetch(`${stack.baseUrl}/no/such/page`), 404],
        ['a router error (bad UTF-8 in the path)', await fetch(`${stack.baseUrl}/api/calls/%ED%A0%80`), 400],
      ];
      for (const [what, res, status] of responses) {
        expect(res.status, what).toBe(status);
        expectSecurityHeaders(res, what, opts);
        await res.arrayBuffer();
      }
    });
  }

  it('the event stream carries them too', async () => {
    const token = await proxied.login('alice');
    const ctrl = new AbortController();
    const res = await fetch(`${proxied.baseUrl}/api/events`, { headers: { authorization: `Bearer ${token}` }, signal: ctrl.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    expectSecurityHeaders(res, 'the event stream', { production: false, livekitUrl: proxied.deps.media.clientUrl });
    ctrl.abort();
  });
});

describe('forwarded headers', () => {
  it('production without TRUST_PROXY ignores X-Forwarded-For: 30 wrong logins from "30 addresses" are one client, and get 429s', async () => {
    const statuses = await wrongLogins(production, (i) => `203.0.113.${i + 1}`, 30);
    expect(statuses.slice(0, 20).every((s) => s === 401), statuses.join(' ')).toBe(true);
    expect(statuses.slice(20).every((s) => s === 429), statuses.join(' ')).toBe(true);
  });

  it('with TRUST_PROXY=127.0.0.1 the forwarded address is the client: 30 addresses get no 429, one address still does', async () => {
    const distinct = await wrongLogins(proxied, (i) => `198.51.100.${i + 1}`, 30);
    expect(distinct.filter((s) => s === 429), distinct.join(' ')).toEqual([]);
    const same = await wrongLogins(proxied, () => '192.0.2.77', 25);
    expect(same.filter((s) => s === 429).length, same.join(' ')).toBe(5);
  });
});

describe('production closes what an operator did not open', () => {
  it('no /docs and no /openapi.json (API_DOCS is not set)', async () => {
    for (const path of ['/docs', '/docs/', '/openapi.json']) {
      const res = await client(production.baseUrl)('GET', path);
      expect(res.status, path).toBe(404);
    }
    // Outside production the docs are there, with their own CSP (Swagger UI sets inline styles).
    const docs = await fetch(`${proxied.baseUrl}/docs/`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(docs.headers.get('x-content-type-options')).toBe('nosniff');
    await docs.arrayBuffer();
  });

  it('/metrics needs METRICS_TOKEN as a bearer token', async () => {
    expect((await fetch(`${production.baseUrl}/metrics`)).status).toBe(401);
    expect((await fetch(`${production.baseUrl}/metrics`, { headers: { authorization: 'Bearer not-the-token-at-all' } })).status).toBe(401);
    const ok = await fetch(`${production.baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/^# HELP /m);
  });
});
