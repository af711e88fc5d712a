// Queues (skill groups) and the queue transfer (issue 12), on the real stack: real livekit-server,
// real Postgres, the API over HTTP, rtc-node participants speaking and listening for tones.
// Alice answers billing, Bob technical, Carol (in no queue) general.
import { RoomServiceClient } from 'livekit-server-sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../testkit/participants.js';
import { ToneParticipant } from '../../../testkit/tone-participant.js';
import { ToneBand, expectHears, permissionOf, settledWindow } from '../../../testkit/tone-room.js';
import { client, startStack, type Stack } from '../../../testkit/stack.js';
import { applyQueueConfig } from '../../src/services/queues.js';
import { createAgent } from '../../src/store/agents-admin.js';
import { agentQueueIds, setAgentQueues } from '../../src/store/queues-repo.js';

const CALLER = 440;
const A = 660;
const C = 880;
const TONES = [CALLER, A, C] as const;
type Who = 'alice' | 'bob' | 'carol';

let stack: Stack;
let rooms: RoomServiceClient;
const tokens: Partial<Record<Who, string>> = {};
const as = (who: Who) => client(stack.baseUrl, tokens[who]);
const band = new ToneBand(TONES);
const figures: string[] = [];

beforeAll(async () => {
  stack = await startStack({ env: { PRESENCE_OFFLINE_AFTER_S: '600', QUEUES: 'billing:Billing, technical:Technical support' } });
  rooms = new RoomServiceClient(stack.livekit.httpUrl, stack.livekit.apiKey, stack.livekit.apiSecret);
  await setAgentQueues(stack.deps.db, stack.agents.alice.id, ['billing']);
  await setAgentQueues(stack.deps.db, stack.agents.bob.id, ['technical']);
  for (const who of ['alice', 'bob', 'carol'] as const) tokens[who] = await stack.login(who);
});
afterEach(async () => {
  await band.closeAll();
  // Every test leaves an empty queue behind (a caller hanging up while waiting abandons the call).
  await stack.deps.db.query(`UPDATE calls SET state = 'ended', end_reason = 'abandoned', ended_at = now() WHERE state <> 'ended'`);
});
afterAll(async () => {
  if (figures.length) console.log(`queues figures (frames in 1 s windows):\n  ${figures.join('\n  ')}`);
  await stack?.stop();
});

interface Created {
  id: string;
  room: string;
  token: string;
  livekitUrl: string;
  callerKey: string;
}
async function newCall(name: string, queueId?: string): Promise<Created> {
  const res = await client(stack.baseUrl)('POST', '/api/calls', { name, reason: `Question about invoice ${name}`, ...(queueId ? { queueId } : {}) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}
const callOf = async (id: string, who: Who = 'carol') => (await as(who)('GET', `/api/calls/${id}`)).body;
const countCalls = async () => (await stack.deps.db.query<{ n: number }>('SELECT count(*)::int AS n FROM calls'))[0]!.n;
const identities = async (room: string) => (await rooms.listParticipants(room)).map((p) => p.identity);
const permOf = (room: string, identity: string) => permissionOf(rooms, room, identity);
async function available(...who: Who[]) {
  for (const w of who) expect((await as(w)('POST', '/api/agents/me/status', { status: 'available' })).status).toBe(200);
}
async function away(...who: Who[]) {
  for (const w of who) await as(w)('POST', '/api/agents/me/status', { status: 'away', reason: 'break' });
}
/** Alice answers a call (in general) and writes notes. */
async function callWithAlice(name: string) {
  const call = await newCall(name);
  await available('alice');
  const grant = await as('alice')('POST', `/api/calls/${call.id}/accept`);
  expect(grant.status, JSON.stringify(grant.body)).toBe(200);
  expect((await as('alice')('PUT', `/api/calls/${call.id}/notes`, { notes: 'Card ending 4242 was charged twice.' })).status).toBe(200);
  return { call, grant: grant.body as { token: string; livekitUrl: string } };
}

describe('topics and queues', () => {
  it('GET /api/topics (public) lists the QUEUES topics in order, general first', async () => {
    const res = await client(stack.baseUrl)('GET', '/api/topics');
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      { id: 'general', name: 'General' },
      { id: 'billing', name: 'Billing' },
      { id: 'technical', name: 'Technical support' },
    ]);
  });

  it('a call lands in the topic the caller chose (general without one), and the agents see which', async () => {
    const billing = await newCall('Bea', 'billing');
    const plain = await newCall('Gus');
    expect((await callOf(billing.id)).queue).toEqual({ id: 'billing', name: 'Billing' });
    expect((await callOf(plain.id)).queue).toEqual({ id: 'general', name: 'General' });
    const timeline = (await callOf(billing.id)).timeline as { type: string; detail: { queueId?: string } }[];
    expect(timeline.find((e) => e.type === 'created')?.detail.queueId).toBe('billing');
  });

  it('an unknown or malformed topic is refused with 400 and creates nothing (no call, no room)', async () => {
    const callsBefore = await countCalls();
    const roomsBefore = new Set((await rooms.listRooms()).map((r) => r.name));
    const unknown = await client(stack.baseUrl)('POST', '/api/calls', { name: 'Una', reason: 'x', queueId: 'sales' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('unknown_queue');
    expect(unknown.body.message).toMatch(/sales/);
    for (const queueId of [42, '', 'x'.repeat(101)]) {
      const bad = await client(stack.baseUrl)('POST', '/api/calls', { name: 'Una', reason: 'x', queueId });
      expect(bad.status, JSON.stringify(queueId)).toBe(400);
      expect(bad.body.code).toBe('validation_failed');
    }
    expect(await countCalls()).toBe(callsBefore);
    expect((await rooms.listRooms()).filter((r) => !roomsBefore.has(r.name))).toEqual([]);
  });

  it('GET /api/queues counts waiting calls, the longest wait and available agents per queue, and says which are mine', async () => {
    expect((await client(stack.baseUrl)('GET', '/api/queues')).status).toBe(401);
    await away('alice', 'bob', 'carol');
    const b1 = await newCall('Bill One', 'billing');
    await newCall('Bill Two', 'billing');
    await newCall('Tech One', 'technical');
    // The oldest billing call has waited 90 s (set in the record, not slept for).
    await stack.deps.db.query(`UPDATE calls SET queued_at = now() - interval '90 seconds' WHERE id = $1`, [b1.id]);
    await available('alice');
    type Row = { id: string; name: string; waiting: number; longestWaitS: number | null; availableAgents: number; mine: boolean };
    const byId = (rows: Row[]): Record<string, Row> => Object.fromEntries(rows.map((r) => [r.id, r]));
    const mine = await as('alice')('GET', '/api/queues');
    expect(mine.status).toBe(200);
    expect(mine.body.map((q: { id: string }) => q.id)).toEqual(['general', 'billing', 'technical']);
    const q = byId(mine.body);
    expect(q.billing).toMatchObject({ name: 'Billing', waiting: 2, availableAgents: 1, mine: true });
    expect(q.billing!.longestWaitS).toBeGreaterThanOrEqual(90);
    expect(q.billing!.longestWaitS).toBeLessThan(90 + 120);
    expect(Number.isInteger(q.billing!.longestWaitS)).toBe(true);
    expect(q.technical).toMatchObject({ name: 'Technical support', waiting: 1, availableAgents: 0, mine: false });
    expect(q.technical!.longestWaitS).toBeLessThan(90);
    expect(q.general).toEqual({ id: 'general', name: 'General', waiting: 0, longestWaitS: null, availableAgents: 0, mine: false });
    // Carol is in no queue: general is hers; Bob becoming available counts in technical only.
    await available('bob', 'carol');
    const carols = byId((await as('carol')('GET', '/api/queues')).body);
    expect(carols.general).toMatchObject({ mine: true, availableAgents: 1 });
    expect(carols.billing).toMatchObject({ mine: false, availableAgents: 1 });
    expect(carols.technical).toMatchObject({ mine: false, availableAgents: 1, waiting: 1 });
  });

  it("GET /api/queue shows the agent's own queues first; positions and the caller's place are per queue", async () => {
    const t1 = await newCall('Tara', 'technical');
    const b1 = await newCall('Ben', 'billing');
    const b2 = await newCall('Bo', 'billing');
    const ids = async (who: Who) => ((await as(who)('GET', '/api/queue')).body as { id: string }[]).map((c) => c.id);
    expect(await ids('bob')).toEqual([t1.id, b1.id, b2.id]);
    expect(await ids('alice')).toEqual([b1.id, b2.id, t1.id]);
    expect((await callOf(t1.id)).queuePosition).toBe(1);
    expect((await callOf(b2.id)).queuePosition).toBe(2);
    const own = await client(stack.baseUrl, undefined, { 'x-caller-key': b2.callerKey })('GET', `/api/calls/${b2.id}`);
    expect(own.body.queuePosition).toBe(2);
    expect(own.body).not.toHaveProperty('summary');
  });
});

describe('queue transfer', () => {
  it('puts the call at the front of the target queue with the summary; A leaves and wraps up; the caller waits alone, then talks to whoever answers', async () => {
    const older = await newCall('Old Timer', 'technical');
    await stack.deps.db.query(`UPDATE calls SET queued_at = now() - interval '5 minutes' WHERE id = $1`, [older.id]);
    const { call, grant } = await callWithAlice('Quinn');
    const callerP = await band.join('caller', call.livekitUrl, call.token, CALLER);
    const a = await band.join('alice', grant.livekitUrl, grant.token, A);
    await expectHears(callerP, A, 'the caller hears Alice');
    await expectHears(a, CALLER, 'Alice hears the caller');

    const res = await as('alice')('POST', `/api/calls/${call.id}/transfers`, {
      target: { type: 'queue', queueId: 'technical' },
      notes: 'Needs the router reset, billing is fine.',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      state: 'completed',
      mode: 'blind',
      target: { type: 'queue', queueId: 'technical', name: 'Technical support', agentId: null, number: null },
    });
    expect(res.body.summary.text).toMatch(/4242/);

    // The record: waiting in technical, ahead of the call that waited 5 minutes; A's part over.
    const view = await callOf(call.id);
    expect(view).toMatchObject({ state: 'waiting', agentId: null, queue: { id: 'technical', name: 'Technical support' }, queuePosition: 1 });
    expect((await callOf(older.id)).queuePosition).toBe(2);
    expect(((await as('bob')('GET', '/api/queue')).body as { id: string }[])[0]!.id).toBe(call.id);
    const requeued = view.timeline.find((e: { type: string }) => e.type === 'requeued');
    expect(requeued?.detail).toMatchObject({ queueId: 'technical', queueName: 'Technical support', transferId: res.body.id });
    expect(view.wrapUps.map((w: { agent: { id: string } }) => w.agent.id)).toEqual([stack.agents.alice.id]);
    expect((await as('alice')('GET', '/api/agents/me')).body.engagement.kind).not.toBe('on_call');
    const queues = Object.fromEntries(((await as('bob')('GET', '/api/queues')).body as { id: string; waiting: number }[]).map((q) => [q.id, q]));
    expect(queues.technical!.waiting).toBe(2);

    // The media: Alice removed, the caller alone with the microphone published (waiting).
    await eventually(async () => !(await identities(call.room)).includes(`agent:${stack.agents.alice.id}`), 10_000, 'Alice removed');
    expect(await permOf(call.room, `caller:${call.id}`)).toEqual({ canPublish: true, canSubscribe: true, tracks: 1 });

    // Whoever answers sees the summary and A's notes on the call card, and hears the caller at once.
    await available('bob');
    const summary = view.summary;
    expect(summary).toMatchObject({ transferId: res.body.id, fromAgent: { id: stack.agents.alice.id, name: 'Alice' }, notes: 'Needs the router reset, billing is fine.' });
    expect(summary.text).toBe(res.body.summary.text);
    const bGrant = await as('bob')('POST', `/api/calls/${call.id}/accept`);
    expect(bGrant.status, JSON.stringify(bGrant.body)).toBe(200);
    const home = (await as('bob')('GET', '/api/agents/me')).body;
    expect(home.engagement.kind).toBe('on_call');
    expect(home.engagement.call.summary.text).toBe(res.body.summary.text);
    expect(home.engagement.call.notes).toMatch(/4242/);
    const b = await band.join('bob', bGrant.body.livekitUrl, bGrant.body.token, C);
    await expectHears(b, CALLER, 'Bob hears the caller');
    await expectHears(callerP, C, 'the caller hears Bob');
    const w = await settledWindow();
    const f = { bobHearsCaller: b.count([CALLER], w.from, w.to), callerHearsBob: callerP.count([C], w.from, w.to), callerHearsAlice: callerP.count([A], w.from, w.to) };
    figures.push(`queue transfer answered: ${JSON.stringify(f)}`);
    expect(f.bobHearsCaller).toBeGreaterThan(20);
    expect(f.callerHearsBob).toBeGreaterThan(20);
    expect(f.callerHearsAlice, 'Alice is gone (the caller hears Bob in the same window)').toBe(0);
    expect(await callOf(call.id, 'bob')).toMatchObject({ state: 'active', agentId: stack.agents.bob.id });
    await as('bob')('POST', `/api/calls/${call.id}/hangup`);
  });

  it("a re-queued call waits from when it came back (queuedAt later than createdAt), says how it came, and its timeline names who sent it", async () => {
    const { call } = await callWithAlice('Rhea');
    // Rang a minute ago (set in the record, not slept for): until it is re-queued it has waited since then.
    await stack.deps.db.query(`UPDATE calls SET created_at = created_at - interval '1 minute', queued_at = queued_at - interval '1 minute' WHERE id = $1`, [call.id]);
    const first = await callOf(call.id, 'alice');
    expect(first.queuedAt).toBe(first.createdAt);
    expect(first.summary).toBeNull();

    const t = await as('alice')('POST', `/api/calls/${call.id}/transfers`, { target: { type: 'queue', queueId: 'billing' }, notes: 'Wants a refund.' });
    expect(t.status, JSON.stringify(t.body)).toBe(201);
    const view = await callOf(call.id);
    expect(view.state).toBe('waiting');
    expect(view.createdAt).toBe(first.createdAt);
    expect(Date.parse(view.queuedAt) - Date.parse(view.createdAt)).toBeGreaterThanOrEqual(60_000);
    // The queue list carries it too (what the console's per-call wait counts from).
    const listed = ((await as('alice')('GET', '/api/queue')).body as { id: string; queuedAt: string | null }[]).find((c) => c.id === call.id);
    expect(listed?.queuedAt).toBe(view.queuedAt);
    // How the handoff came, from the summary itself.
    expect(view.summary).toMatchObject({ transferId: t.body.id, mode: 'blind', targetType: 'queue', fromAgent: { name: 'Alice' } });
    // The requeued entry names who sent it (the console shows byName, never the raw id in by).
    const requeued = view.timeline.find((e: { type: string }) => e.type === 'requeued');
    expect(requeued?.detail).toMatchObject({ by: stack.agents.alice.id, byName: 'Alice', queueId: 'billing', queueName: 'Billing' });
  });

  it('two agents accepting the same re-queued call: one 200, one 409, and the call is the winner\'s', async () => {
    const { call } = await callWithAlice('Race');
    expect((await as('alice')('POST', `/api/calls/${call.id}/transfers`, { target: { type: 'queue', queueId: 'billing' } })).status).toBe(201);
    await available('bob', 'carol');
    const [b, c] = await Promise.all([as('bob')('POST', `/api/calls/${call.id}/accept`), as('carol')('POST', `/api/calls/${call.id}/accept`)]);
    expect([b.status, c.status].sort()).toEqual([200, 409]);
    const loser = b.status === 409 ? b : c;
    expect(loser.body.code).toBe('call_already_taken');
    const winner = b.status === 200 ? stack.agents.bob.id : stack.agents.carol.id;
    expect(await callOf(call.id, b.status === 200 ? 'bob' : 'carol')).toMatchObject({ state: 'active', agentId: winner });
    await as(b.status === 200 ? 'bob' : 'carol')('POST', `/api/calls/${call.id}/hangup`);
  });

  it('a double click on the queue transfer: one 201, one 409, one transfer, the call queued once', async () => {
    const { call } = await callWithAlice('Double');
    const send = () => as('alice')('POST', `/api/calls/${call.id}/transfers`, { target: { type: 'queue', queueId: 'billing' } });
    const [x, y] = await Promise.all([send(), send()]);
    expect([x.status, y.status].sort()).toEqual([201, 409]);
    expect((x.status === 409 ? x : y).body.code).toBe('transfer_conflict');
    const view = await callOf(call.id);
    expect(view.timeline.filter((e: { type: string }) => e.type === 'requeued')).toHaveLength(1);
    expect((await stack.deps.db.query('SELECT id FROM transfers WHERE call_id = $1', [call.id])).length).toBe(1);
  });

  it('bad queue transfers are refused with 400 and change nothing: unknown queue, missing queueId, warm mode, an unknown mode', async () => {
    const { call } = await callWithAlice('Bad');
    const before = await callOf(call.id, 'alice');
    const post = (body: unknown) => as('alice')('POST', `/api/calls/${call.id}/transfers`, body);
    const unknown = await post({ target: { type: 'queue', queueId: 'sales' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('unknown_queue');
    const missing = await post({ target: { type: 'queue' } });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toMatch(/queueId/);
    const warm = await post({ target: { type: 'queue', queueId: 'billing' }, mode: 'warm' });
    expect(warm.status).toBe(400);
    expect(warm.body).toMatchObject({ code: 'invalid_target' });
    expect(warm.body.message).toMatch(/always blind/);
    expect((await post({ target: { type: 'queue', queueId: 'billing' }, mode: 'cold' })).status).toBe(400);
    // Not Bob's call to send anywhere.
    expect((await as('bob')('POST', `/api/calls/${call.id}/transfers`, { target: { type: 'queue', queueId: 'billing' } })).status).toBe(403);
    const after = await callOf(call.id, 'alice');
    expect(after).toMatchObject({ state: 'active', agentId: stack.agents.alice.id, queue: { id: 'general' }, transfer: null, summary: null });
    expect(after.timeline).toHaveLength(before.timeline.length);
    expect((await stack.deps.db.query('SELECT id FROM transfers WHERE call_id = $1', [call.id])).length).toBe(0);
    await as('alice')('POST', `/api/calls/${call.id}/hangup`);
  });
});

describe('queue configuration', () => {
  it('QUEUES again without a queue: it takes no new calls but its waiting calls stay counted; listing it again brings it back', async () => {
    const waiting = await newCall('Late', 'technical');
    await applyQueueConfig(stack.deps.db, [{ id: 'billing', name: 'Billing & payments' }]);
    try {
      expect((await client(stack.baseUrl)('GET', '/api/topics')).body).toEqual([
        { id: 'general', name: 'General' },
        { id: 'billing', name: 'Billing & payments' },
      ]);
      const refused = await client(stack.baseUrl)('POST', '/api/calls', { name: 'New', reason: 'x', queueId: 'technical' });
      expect(refused.body.code).toBe('unknown_queue');
      const listed = ((await as('bob')('GET', '/api/queues')).body as { id: string; waiting: number }[]).map((q) => [q.id, q.waiting]);
      expect(listed).toEqual([['general', 0], ['billing', 0], ['technical', 1]]);
      expect((await callOf(waiting.id)).queue).toEqual({ id: 'technical', name: 'Technical support' });
    } finally {
      await applyQueueConfig(stack.deps.db, [{ id: 'billing', name: 'Billing' }, { id: 'technical', name: 'Technical support' }]);
    }
    expect(((await client(stack.baseUrl)('GET', '/api/topics')).body as { id: string }[]).map((t) => t.id)).toEqual(['general', 'billing', 'technical']);
  });

  it('add-agent --queues: the agent joins those queues; an unknown queue adds no agent', async () => {
    const id = await createAgent(stack.deps.db, { email: 'dora@warmline.test', name: 'Dora', password: 'long-enough-password', queues: ['technical', 'billing'] });
    expect(await agentQueueIds(stack.deps.db, id)).toEqual(['billing', 'technical']);
    await expect(createAgent(stack.deps.db, { email: 'ed@warmline.test', name: 'Ed', password: 'long-enough-password', queues: ['sales'] })).rejects.toThrow(/unknown queue: sales/);
    expect((await stack.deps.db.query(`SELECT id FROM agents WHERE email = 'ed@warmline.test'`)).length).toBe(0);
    const plain = await createAgent(stack.deps.db, { email: 'fay@warmline.test', name: 'Fay', password: 'long-enough-password' });
    expect(await agentQueueIds(stack.deps.db, plain)).toEqual(['general']);
  });
});

describe("the caller's wait, per queue", () => {
  it('the estimate comes from the answer times of the same queue, and the position is in that queue', async () => {
    await applyQueueConfig(stack.deps.db, [{ id: 'billing', name: 'Billing' }, { id: 'technical', name: 'Technical support' }, { id: 'vip', name: 'VIP' }]);
    // History: a vip call answered after ~115 s (set in the record); general calls were answered at once.
    const slow = await newCall('Slow', 'vip');
    await stack.deps.db.query(`UPDATE calls SET queued_at = now() - interval '115 seconds' WHERE id = $1`, [slow.id]);
    await available('alice');
    expect((await as('alice')('POST', `/api/calls/${slow.id}/accept`)).status).toBe(200);
    await as('alice')('POST', `/api/calls/${slow.id}/hangup`);
    const quick = await newCall('Quick', 'general');
    expect((await as('alice')('POST', `/api/calls/${quick.id}/accept`)).status).toBe(200);
    await as('alice')('POST', `/api/calls/${quick.id}/hangup`);
    const vip1 = await newCall('Vip One', 'vip');
    const vip2 = await newCall('Vip Two', 'vip');
    const general = await newCall('Gen', 'general');
    const seen = async (c: Created) => (await client(stack.baseUrl, undefined, { 'x-caller-key': c.callerKey })('GET', `/api/calls/${c.id}`)).body;
    const [v1, v2, g] = [await seen(vip1), await seen(vip2), await seen(general)];
    expect([v1.queuePosition, v2.queuePosition, g.queuePosition]).toEqual([1, 2, 1]);
    expect(v1.estimatedWaitS).toBeGreaterThanOrEqual(120); // 115 s rounded up to 15 s steps
    expect(v1.estimatedWaitS).toBeLessThanOrEqual(135);
    expect(v2.estimatedWaitS).toBeGreaterThanOrEqual(2 * 115);
    expect(g.estimatedWaitS).toBe(15); // general's answers came within seconds: the 15 s floor
  });
});
