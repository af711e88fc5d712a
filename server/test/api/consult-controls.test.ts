// Consult controls (issue 12): B leaves the consultation; A talks to the caller or to B (the
// other held by the SFU), conferences all three, then completes. Real livekit-server, real
// Postgres, rtc-node participants that speak and listen for tones. A "0 frames" counts only
// where the listener heard other frames in the same window, or LiveKit shows it may not subscribe.
import { RoomServiceClient } from 'livekit-server-sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ToneParticipant } from '../../../testkit/tone-participant.js';
import { ToneBand, expectHears, permissionOf, settledWindow } from '../../../testkit/tone-room.js';
import { eventually } from '../../../testkit/participants.js';
import { client, startStack, type Stack } from '../../../testkit/stack.js';

const CALLER = 440;
const A = 660;
const B = 880;
const TONES = [CALLER, A, B] as const;
const LIVE = { canPublish: true, canSubscribe: true };
const HELD = { canPublish: false, canSubscribe: false };

let stack: Stack;
let rooms: RoomServiceClient;
const band = new ToneBand(TONES);
const tokens = new Map<string, string>();
const figures: string[] = [];

async function as(who: 'alice' | 'bob') {
  if (!tokens.has(who)) tokens.set(who, await stack.login(who));
  return client(stack.baseUrl, tokens.get(who));
}

beforeAll(async () => {
  stack = await startStack({ env: { PRESENCE_OFFLINE_AFTER_S: '600' } });
  rooms = new RoomServiceClient(stack.livekit.httpUrl, stack.livekit.apiKey, stack.livekit.apiSecret);
});
afterEach(async () => {
  await band.closeAll();
});
afterAll(async () => {
  console.log(`consult-controls figures (frames in 1 s windows):\n  ${figures.join('\n  ')}`);
  await stack?.stop();
});

const permOf = (room: string, identity: string) => permissionOf(rooms, room, identity);
const identities = async (room: string) => (await rooms.listParticipants(room)).map((p) => p.identity);


/** A call with Alice, transferred to Bob, Bob consulting: everyone speaking their tone. */
async function consultation(name: string) {
  const created = await client(stack.baseUrl)('POST', '/api/calls', { name, reason: 'Router keeps rebooting' });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const call = created.body as { id: string; room: string; token: string; livekitUrl: string };
  const caller = await band.join('caller', call.livekitUrl, call.token, CALLER);
  const alice = await as('alice');
  const bob = await as('bob');
  const grantA = (await alice('POST', `/api/calls/${call.id}/accept`)).body;
  const a = await band.join('alice', grantA.livekitUrl, grantA.token, A);
  await expectHears(caller, A, 'the caller hears Alice');
  expect((await bob('POST', '/api/agents/me/status', { status: 'available' })).status).toBe(200);
  const started = await alice('POST', `/api/calls/${call.id}/transfers`, { target: { type: 'agent', agentId: stack.agents.bob.id }, notes: '' });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  const id = started.body.id as string;
  // Nothing to switch before B answers.
  expect((await alice('POST', `/api/transfers/${id}/focus`, { talkTo: 'caller' })).status).toBe(409);
  const grantB = (await bob('POST', `/api/transfers/${id}/accept`)).body;
  const b = await band.join('bob', grantB.livekitUrl, grantB.token, B);
  await expectHears(b, A, 'Bob hears Alice');
  const who = { caller: `caller:${call.id}`, alice: `agent:${stack.agents.alice.id}`, bob: `agent:${stack.agents.bob.id}` };
  return { call, id, caller, a, b, alice, bob, who };
}

describe('consult controls', () => {
  it('B leaves the consultation: B is removed, the caller hears Alice again and never hears Bob', async () => {
    const { call, id, caller, a, bob, who } = await consultation('Leave');
    const left = await bob('POST', `/api/transfers/${id}/leave`);
    expect(left.status, JSON.stringify(left.body)).toBe(200);
    expect(left.body).toMatchObject({ state: 'declined', failReason: 'left_consultation' });
    expect((await bob('POST', `/api/transfers/${id}/leave`)).body.state).toBe('declined'); // double click
    await expectHears(caller, A, 'the caller hears Alice again');
    await eventually(async () => !(await identities(call.room)).includes(who.bob), 10_000, 'Bob removed from the room');
    const { from, to } = await settledWindow();
    const f = { callerHearsA: caller.count([A], from, to), callerHearsB: caller.count([B], from, to), aHearsCaller: a.count([CALLER], from, to), aHearsB: a.count([B], from, to) };
    figures.push(`leave: ${JSON.stringify(f)}`);
    expect(f.callerHearsA).toBeGreaterThan(20);
    expect(f.aHearsCaller).toBeGreaterThan(20);
    expect(f.callerHearsB + f.aHearsB).toBe(0);
    expect(await permOf(call.room, who.caller)).toMatchObject(LIVE);
    const v = (await (await as('alice'))('GET', `/api/calls/${call.id}`)).body;
    expect(v).toMatchObject({ state: 'active', agentId: stack.agents.alice.id });
    await (await as('alice'))('POST', `/api/calls/${call.id}/hangup`);
  });

  it('A talks to the caller, then to B, then all three, then hands over: each measured', async () => {
    const { call, id, caller, a, b, alice, bob, who } = await consultation('Switch');
    const focus = (talkTo: string) => alice('POST', `/api/transfers/${id}/focus`, { talkTo });
    const perms = async () => ({ caller: await permOf(call.room, who.caller), alice: await permOf(call.room, who.alice), bob: await permOf(call.room, who.bob) });

    // A talks to the caller: B held (neither publishes nor subscribes).
    const toCaller = await focus('caller');
    expect(toCaller.status, JSON.stringify(toCaller.body)).toBe(200);
    expect(toCaller.body).toMatchObject({ state: 'consulting', talkTo: 'caller' });
    expect((await focus('caller')).body.talkTo).toBe('caller'); // double click
    expect((await bob('POST', `/api/transfers/${id}/focus`, { talkTo: 'target' })).status).toBe(403);
    expect((await alice('POST', `/api/transfers/${id}/focus`, { talkTo: 'nobody' })).status).toBe(400);
    expect(await perms()).toMatchObject({ caller: LIVE, alice: LIVE, bob: HELD });
    await expectHears(caller, A, 'the caller hears Alice');
    let w = await settledWindow();
    const one = {
      callerHearsA: caller.count([A], w.from, w.to), callerHearsB: caller.count([B], w.from, w.to),
      aHearsCaller: a.count([CALLER], w.from, w.to), aHearsB: a.count([B], w.from, w.to),
      bHearsAny: b.count([A, CALLER], w.from, w.to),
    };
    figures.push(`talk to caller: ${JSON.stringify(one)}`);
    expect(one.callerHearsA).toBeGreaterThan(20);
    expect(one.aHearsCaller).toBeGreaterThan(20);
    expect(one.callerHearsB + one.aHearsB, 'nobody hears B').toBe(0);
    expect(one.bHearsAny, 'B (canSubscribe=false) hears neither').toBe(0);
    expect((await perms()).bob).toMatchObject(HELD); // still held at the end of the window

    // A talks to B: the caller held again.
    expect((await focus('target')).body).toMatchObject({ state: 'consulting', talkTo: 'target' });
    expect(await perms()).toMatchObject({ caller: HELD, alice: LIVE, bob: LIVE });
    await expectHears(b, A, 'Bob hears Alice again');
    await expectHears(a, B, 'Alice hears Bob again');
    w = await settledWindow();
    const two = {
      aHearsB: a.count([B], w.from, w.to), bHearsA: b.count([A], w.from, w.to),
      callerHearsAny: caller.count([A, B], w.from, w.to), anyoneHearsCaller: a.count([CALLER], w.from, w.to) + b.count([CALLER], w.from, w.to),
    };
    figures.push(`talk to B: ${JSON.stringify(two)}`);
    expect(two.aHearsB).toBeGreaterThan(20);
    expect(two.bHearsA).toBeGreaterThan(20);
    expect(two.callerHearsAny, 'the caller (canSubscribe=false) hears nobody').toBe(0);
    expect(two.anyoneHearsCaller, 'nobody hears the caller').toBe(0);
    expect((await perms()).caller).toMatchObject(HELD);

    // Conference: everyone hears everyone.
    expect((await focus('both')).body).toMatchObject({ state: 'consulting', talkTo: 'both' });
    expect(await perms()).toMatchObject({ caller: LIVE, alice: LIVE, bob: LIVE });
    await expectHears(caller, B, 'the caller hears Bob');
    await expectHears(b, CALLER, 'Bob hears the caller');
    w = await settledWindow();
    const three = Object.fromEntries(
      ([['caller', caller], ['alice', a], ['bob', b]] as const).flatMap(([n, p]) =>
        TONES.filter((f) => f !== p.freq).map((f) => [`${n}Hears${f}`, p.count([f], w.from, w.to)]),
      ),
    );
    figures.push(`conference: ${JSON.stringify(three)}`);
    for (const [k, n] of Object.entries(three)) expect(n, k).toBeGreaterThan(20);

    // Hand over: A leaves, the caller and B talk.
    const done = await alice('POST', `/api/transfers/${id}/complete`, {});
    expect(done.body.state).toBe('completed');
    expect((await focus('caller')).status).toBe(409);
    await eventually(async () => !(await identities(call.room)).includes(who.alice), 10_000, 'Alice removed');
    w = await settledWindow();
    const four = { callerHearsB: caller.count([B], w.from, w.to), bHearsCaller: b.count([CALLER], w.from, w.to), callerHearsA: caller.count([A], w.from, w.to) };
    figures.push(`completed: ${JSON.stringify(four)}`);
    expect(four.callerHearsB).toBeGreaterThan(20);
    expect(four.bHearsCaller).toBeGreaterThan(20);
    expect(four.callerHearsA).toBe(0);
    await bob('POST', `/api/calls/${call.id}/hangup`);
  });
});
