// /metrics on the real stack: valid Prometheus text, and the numbers an operator watches move
// when a caller waits, a warm transfer completes and a console opens its event stream.
import type { Room } from '@livekit/rtc-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, joinRoom } from '../../../testkit/participants.js';
import { client, startStack, type Stack } from '../../../testkit/stack.js';
import { parsePrometheusText, type Exposition } from '../support/prom-text.js';

let stack: Stack;
const tokens: Record<string, string> = {};
const as = (who: 'alice' | 'bob') => client(stack.baseUrl, tokens[who]);
const open: Room[] = [];

beforeAll(async () => {
  stack = await startStack();
  for (const who of ['alice', 'bob'] as const) tokens[who] = await stack.login(who);
});
afterAll(async () => {
  await Promise.all(open.map((r) => r.disconnect().catch(() => {})));
  await stack?.stop();
});

async function scrape(): Promise<Exposition> {
  const res = await fetch(`${stack.baseUrl}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await res.text());
}

describe('/metrics', () => {
  it('is valid Prometheus text with every family the operations guide names', async () => {
    await client(stack.baseUrl)('GET', '/health'); // at least one request in the HTTP histogram
    const m = await scrape();
    const expected: Record<string, string> = {
      warmline_calls: 'gauge',
      warmline_queue_oldest_wait_seconds: 'gauge',
      warmline_transfers_open: 'gauge',
      warmline_call_wait_seconds: 'histogram',
      warmline_calls_ended_total: 'counter',
      warmline_transfers_started_total: 'counter',
      warmline_transfers_ended_total: 'counter',
      warmline_transfer_step_seconds: 'histogram',
      warmline_summary_duration_seconds: 'histogram',
      warmline_livekit_rpc_duration_seconds: 'histogram',
      warmline_twilio_rpc_duration_seconds: 'histogram',
      warmline_sse_connections: 'gauge',
      warmline_sse_connections_opened_total: 'counter',
      warmline_http_request_duration_seconds: 'histogram',
      nodejs_eventloop_lag_seconds: 'gauge',
      nodejs_eventloop_lag_p99_seconds: 'gauge',
      process_resident_memory_bytes: 'gauge',
    };
    for (const [name, type] of Object.entries(expected)) expect(m.types.get(name), name).toBe(type);
    // Calls by state come from the database, every live state present (zeros included).
    for (const state of ['waiting', 'active', 'on_hold']) expect(m.samples.some((s) => s.name === 'warmline_calls' && s.labels.state === state), state).toBe(true);
    // HTTP latency is by route pattern, never the raw URL.
    expect(m.value('warmline_http_request_duration_seconds_count', { method: 'GET', route: '/health', status_code: '200' })).toBeGreaterThanOrEqual(1);
  });

  it('a caller waits, Alice answers, transfers to Bob, Bob takes the call: every counter on the way moves', async () => {
    const before = await scrape();
    const created = (await client(stack.baseUrl)('POST', '/api/calls', { name: 'Metric', reason: 'Invoice 4411 is wrong' })).body;
    open.push(await joinRoom(created.livekitUrl, created.token));
    await eventually(async () => (await scrape()).value('warmline_calls', { state: 'waiting' }) >= 1 || null, 5000, 'the waiting call counted');
    const accepted = await as('alice')('POST', `/api/calls/${created.id}/accept`);
    expect(accepted.status).toBe(200);
    open.push(await joinRoom(accepted.body.livekitUrl, accepted.body.token));
    expect((await as('bob')('POST', '/api/agents/me/status', { status: 'available' })).status).toBe(200);

    const started = await as('alice')('POST', `/api/calls/${created.id}/transfers`, { target: { type: 'agent', agentId: stack.agents.bob.id }, notes: 'Wants a corrected invoice' });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const during = await scrape();
    expect(during.value('warmline_calls', { state: 'on_hold' })).toBeGreaterThanOrEqual(1);
    expect(during.value('warmline_transfers_open', { state: 'ringing' })).toBeGreaterThanOrEqual(1);

    expect((await as('bob')('POST', `/api/transfers/${started.body.id}/accept`)).status).toBe(200);
    const done = await as('alice')('POST', `/api/transfers/${started.body.id}/complete`, {});
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.state).toBe('completed');
    expect((await as('bob')('POST', `/api/calls/${created.id}/hangup`)).status).toBe(200);

    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) => after.sum(name, labels) - before.sum(name, labels);
    expect(delta('warmline_transfers_started_total', { target_type: 'agent' })).toBe(1);
    expect(delta('warmline_transfers_ended_total', { outcome: 'completed', target_type: 'agent', reason: 'none' })).toBe(1);
    for (const step of ['ring', 'consult', 'handoff']) {
      expect(delta('warmline_transfer_step_seconds_count', { step, target_type: 'agent' }), step).toBe(1);
    }
    expect(delta('warmline_call_wait_seconds_count')).toBe(1);
    expect(delta('warmline_calls_ended_total', { reason: 'agent_hung_up' })).toBe(1);
    expect(delta('warmline_summary_duration_seconds_count', { provider: 'local', fallback: 'none' })).toBe(1);
    // LiveKit followed: the hold and the handoff were permission changes, timed at the adapter.
    expect(delta('warmline_livekit_rpc_duration_seconds_count', { method: 'UpdateParticipant', outcome: 'ok' })).toBeGreaterThanOrEqual(2);
    expect(delta('warmline_http_request_duration_seconds_count', { method: 'POST', route: '/api/transfers/:id/complete', status_code: '200' })).toBe(1);
    expect(after.value('warmline_transfers_open', { state: 'ringing' }) + after.value('warmline_transfers_open', { state: 'consulting' })).toBe(0);
  });

  it('counts the agent consoles whose event stream is open on this instance', async () => {
    const before = await scrape();
    const ctrl = new AbortController();
    const res = await fetch(`${stack.baseUrl}/api/events`, { headers: { authorization: `Bearer ${tokens.bob}` }, signal: ctrl.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read(); // the stream is open (its first bytes arrived)
    const during = await scrape();
    expect(during.value('warmline_sse_connections')).toBe(before.value('warmline_sse_connections') + 1);
    expect(during.value('warmline_sse_connections_opened_total') - before.value('warmline_sse_connections_opened_total')).toBe(1);
    ctrl.abort();
    await reader.cancel().catch(() => undefined);
    await eventually(async () => (await scrape()).value('warmline_sse_connections') === before.value('warmline_sse_connections') || null, 5000, 'the closed stream uncounted');
  });
});
