// One livekit-server node of the two-node cluster dies (kill -9) during live calls. The rule:
// media follows the record and returns to it by itself after any fault; the caller always ends
// up with a human and nothing is lost.
//
// Three calls have their rooms on node 2 (the node the API does NOT talk to, so the API's
// RoomService client keeps working through node 1): X live (caller 440 Hz ↔ Alice 660 Hz),
// Y on hold (caller 880 Hz held, Bob 1100 Hz) and Z live (caller 1320 Hz ↔ Carol 1540 Hz).
// Node 2 is SIGKILLed: no participant_left, no room_finished, and LiveKit's shared store (Redis)
// keeps listing node 2's participants. What a user would notice is measured:
// - the API answers throughout, keeps every call as it was (same agent, X and Z active, Y on
//   hold), and its background work (departures, dirty rooms, the reconcile every 2 s) ends nothing;
// - the participants reconnect at once through node 1 (in production a load balancer in front of
//   the nodes; here the tone participants rejoin node 1's URL with fresh grants from the API:
//   `POST /api/calls/:id/join`, the caller with its callerKey, again until it works), LiveKit
//   re-creates the rooms on node 1, and X's caller and Alice hear each other again (time from
//   the kill measured); Y's caller is still held (LiveKit's permission, 0 frames either way)
//   until Bob resumes;
// - Carol never comes back (her browser died with the node): once the reconnect grace period is
//   over the API counts her gone although LiveKit still lists her, Z goes back to the queue, and
//   Dave answers: Z's caller talks to a human again (time from the kill measured);
// - then node 1 dies too: LiveKit is gone for the API; the calls stay recorded and live, and
//   /health answers "degraded".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killNode, startClusterStack, type ClusterStack } from '../../../testkit/livekit-cluster.js';
import { eventually } from '../../../testkit/participants.js';
import { client } from '../../../testkit/stack.js';
import { ToneParticipant } from '../../../testkit/tone-participant.js';

const CALLER_X = 440;
const ALICE = 660;
const CALLER_Y = 880;
const BOB = 1100;
const CALLER_Z = 1320;
const CAROL = 1540;
const DAVE = 1760;
const TONES = [CALLER_X, ALICE, CALLER_Y, BOB, CALLER_Z, CAROL, DAVE] as const;
const HELD = { canPublish: false, canSubscribe: false };
const LIVE = { canPublish: true, canSubscribe: true };
const RECONCILE_INTERVAL_S = 2;
const RECONNECT_GRACE_S = 10;
const DOOMED = 1; // node 2 hosts the rooms and dies
const SURVIVOR = 0; // node 1: the API's LiveKit
/** From the kill to caller and agent hearing each other again through node 1 (LiveKit needs 5 s to call a node dead). */
const BACK_WITHIN_MS = 20_000;
/**
 * From the kill to Z's caller waiting in the queue: the room re-created (≤ BACK_WITHIN_MS), LiveKit
 * asked twice whether Carol's connection is hosted (its internal RPC answers "no" after 3 s, plus
 * 1 s), then the grace period.
 */
const REQUEUED_WITHIN_MS = BACK_WITHIN_MS + 8_000 + RECONNECT_GRACE_S * 1000;

let env: ClusterStack;
const open = new Set<ToneParticipant>();
const figures: Record<string, number | string> = {};

beforeAll(async () => {
  env = await startClusterStack({
    env: { PRESENCE_OFFLINE_AFTER_S: '600', RECONCILE_INTERVAL_S: String(RECONCILE_INTERVAL_S), RECONNECT_GRACE_S: String(RECONNECT_GRACE_S) },
    extraAgents: ['dave'],
  });
}, 60_000);

afterAll(async () => {
  console.log(`[node-death] ${JSON.stringify(figures)}`);
  await bounded<unknown>(rejoined ?? Promise.resolve(), BACK_WITHIN_MS, 'reconnects').catch(() => undefined); // then close what they opened
  await Promise.all([...open].map((p) => bounded(p.close(), 5_000, `close ${p.label}`).catch(() => undefined)));
  for (const [who, call] of [['alice', x], ['bob', y], ['dave', z]] as const) {
    if (call) await bounded((await env.as(who))('POST', `/api/calls/${call.id}/hangup`), 5_000, 'hangup').catch(() => undefined);
  }
  await env?.stop();
}, 60_000);

/** Every wait is bounded: a promise that does not settle in `ms` fails with `what`. */
async function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function tone(label: string, url: string, token: string, freq: number) {
  const p = await ToneParticipant.join({ url, token, label, freq, targets: TONES });
  open.add(p);
  return p;
}
async function drop(p: ToneParticipant | undefined) {
  if (!p) return;
  open.delete(p);
  await bounded(p.close(), 5_000, `close ${p.label}`).catch(() => undefined);
}
/** Resolves with the time `p` first hears `freq` after `since`; fails with what `p` received otherwise. */
async function hears(p: ToneParticipant, freq: number, what: string, since = performance.now(), timeoutMs = 10_000) {
  const t = await p.waitFor(freq, since, timeoutMs - (performance.now() - since));
  if (t === null) throw new Error(`${what}: no ${freq} Hz (${p.label} received ${p.framesReceived} frames; ${JSON.stringify(p.trackEvents)})`);
  return t;
}
/** An agent's token grants nothing until the join webhook is checked: publish once LiveKit (node 1) shows the grant. */
async function publishOnceGranted(p: ToneParticipant, room: string, identity: string) {
  await eventually(async () => (await env.permVia(SURVIVOR, room, identity))?.canPublish, 10_000, `${p.label} may publish`);
  await p.publish();
}
/** A settled window: frames in flight drained, then `ms` counted. */
async function window(ms = 1_000) {
  await sleep(300);
  const from = performance.now();
  await sleep(ms);
  return { from, to: performance.now() };
}

type Call = { id: string; room: string; token: string; callerKey: string };
let x: Call | undefined;
let y: Call | undefined;
let z: Call | undefined;
const p: Partial<Record<'callerX' | 'alice' | 'callerY' | 'bob' | 'callerZ' | 'carol' | 'dave', ToneParticipant>> = {};
type Who = 'callerX' | 'alice' | 'callerY' | 'bob' | 'callerZ';
/** The reconnects started at the kill (a client's reconnect loop), by who. */
let rejoined: Promise<Record<Who, ToneParticipant>> | undefined;
const attempts: Record<string, number> = {};
let killedAt = 0;
let done = 0; // each step needs the one before
const after = (n: number) => expect(done, `step ${n} did not finish`).toBe(n);
const callerApi = (c: Call) => client(env.stack.baseUrl, undefined, { 'x-caller-key': c.callerKey });

/** What the API says of a call, asked as its agent, bounded. */
async function callView(who: 'alice' | 'bob' | 'carol' | 'dave', c: Call) {
  const res = await bounded((await env.as(who))('GET', `/api/calls/${c.id}`), 3_000, `GET call as ${who}`);
  expect(res.status).toBe(200);
  return res.body as { state: string; agentId: string | null; timeline: Array<{ type: string }> };
}

/** Asks the API for a fresh grant and joins node 1, again until it works (what a client's reconnect loop does). */
async function rejoin(label: Who, freq: number, grant: () => Promise<{ status: number; body: { token: string } }>) {
  const url = env.cluster.nodes[SURVIVOR]!.url;
  const deadline = killedAt + BACK_WITHIN_MS;
  for (let i = 1; ; i++) {
    attempts[label] = i;
    const g = await bounded(grant(), 5_000, `${label}: join grant`);
    if (g.status !== 200) throw new Error(`${label}: join grant ${g.status} ${JSON.stringify(g.body)}`);
    try {
      return await bounded(tone(label, url, g.body.token, freq), Math.max(1, deadline - performance.now()), `${label}: connect through node 1`);
    } catch (err) {
      if (performance.now() > deadline) throw err;
      await sleep(500);
    }
  }
}

describe('two LiveKit nodes: the node hosting live calls dies (kill -9)', () => {
  it('three calls hosted on node 2: X and Z with caller and agent hearing each other, Y with its caller on hold', async () => {
    const doomed = env.cluster.nodes[DOOMED]!;
    const placed = [await env.callHostedOn(DOOMED), await env.callHostedOn(DOOMED), await env.callHostedOn(DOOMED)];
    [x, y, z] = placed;
    figures.callsPlaced = placed.reduce((n, c) => n + c.tries, 0);
    // Everyone connects to the hosting node (its signalling and media are what dies).
    const answer = async (c: Call, callerLabel: Who, callerFreq: number, who: 'alice' | 'bob' | 'carol', agentFreq: number) => {
      const caller = await tone(callerLabel, doomed.url, c.token, callerFreq);
      const grant = await (await env.as(who))('POST', `/api/calls/${c.id}/accept`);
      expect(grant.status, JSON.stringify(grant.body)).toBe(200);
      const agent = await tone(who, doomed.url, grant.body.token, agentFreq);
      await publishOnceGranted(agent, c.room, `agent:${env.ids[who]}`);
      await Promise.all([hears(caller, agentFreq, `${callerLabel} hears ${who}`), hears(agent, callerFreq, `${who} hears ${callerLabel}`)]);
      return [caller, agent] as const;
    };
    [p.callerX, p.alice] = await answer(x!, 'callerX', CALLER_X, 'alice', ALICE);
    [p.callerY, p.bob] = await answer(y!, 'callerY', CALLER_Y, 'bob', BOB);
    [p.callerZ, p.carol] = await answer(z!, 'callerZ', CALLER_Z, 'carol', CAROL);
    const held = await (await env.as('bob'))('POST', `/api/calls/${y!.id}/hold`, { hold: true });
    expect(held.status, JSON.stringify(held.body)).toBe(200);
    expect(await env.permVia(SURVIVOR, y!.room, `caller:${y!.id}`)).toEqual(HELD);

    const w = await window();
    expect(p.callerX.count([ALICE], w.from, w.to), 'caller X hears Alice').toBeGreaterThan(50);
    expect(p.alice.count([CALLER_X], w.from, w.to), 'Alice hears caller X').toBeGreaterThan(50);
    expect(p.callerZ.count([CAROL], w.from, w.to), 'caller Z hears Carol').toBeGreaterThan(50);
    expect(p.callerY.count([BOB], w.from, w.to), 'held caller Y hears Bob').toBe(0);
    expect(p.bob.count([CALLER_Y], w.from, w.to), 'Bob hears held caller Y').toBe(0);
    expect(await Promise.all(placed.map((c) => env.cluster.hostOf(c.room)))).toEqual([DOOMED, DOOMED, DOOMED]);
    done = 1;
  });

  it('kill -9 node 2: the API answers throughout, keeps every call as it was, and its background work ends nothing', async () => {
    after(1);
    const pid = await killNode(env.cluster.nodes[DOOMED]!);
    killedAt = performance.now();
    figures.killedPid = pid;
    // The clients notice and reconnect at once through node 1 (the old connections are dead); Carol never does.
    const old = [p.callerX, p.alice, p.callerY, p.bob, p.callerZ, p.carol];
    const agentGrant = (who: 'alice' | 'bob', c: Call) => async () => (await env.as(who))('POST', `/api/calls/${c.id}/join`);
    const callerGrant = (c: Call) => () => callerApi(c)('POST', `/api/calls/${c.id}/join`);
    rejoined = (async () => {
      await Promise.all(old.map(drop));
      const [callerX, alice, callerY, bob, callerZ] = await Promise.all([
        rejoin('callerX', CALLER_X, callerGrant(x!)),
        rejoin('alice', ALICE, agentGrant('alice', x!)),
        rejoin('callerY', CALLER_Y, callerGrant(y!)),
        rejoin('bob', BOB, agentGrant('bob', y!)),
        rejoin('callerZ', CALLER_Z, callerGrant(z!)),
      ]);
      return { callerX, alice, callerY, bob, callerZ };
    })();
    rejoined.catch(() => undefined); // awaited by the next step
    // Meanwhile, over 6 s (three reconcile passes, the departure sweep every 250 ms): every answer
    // is prompt and the record stands.
    const healths = new Set<string>();
    let slowest = 0;
    while (performance.now() - killedAt < 3 * RECONCILE_INTERVAL_S * 1000) {
      const t0 = performance.now();
      expect(await callView('alice', x!)).toMatchObject({ state: 'active', agentId: env.ids.alice });
      expect(await callView('bob', y!)).toMatchObject({ state: 'on_hold', agentId: env.ids.bob });
      expect(await callView('carol', z!)).toMatchObject({ state: 'active', agentId: env.ids.carol });
      const caller = await bounded(callerApi(x!)('GET', `/api/calls/${x!.id}`), 3_000, 'GET call as the caller');
      expect(caller.status).toBe(200);
      expect(caller.body.state).toBe('active');
      const health = await bounded(fetch(`${env.stack.baseUrl}/health`), 3_000, 'GET /health');
      healths.add(`${health.status} ${JSON.stringify(await health.json())}`);
      slowest = Math.max(slowest, performance.now() - t0);
      await sleep(500);
    }
    figures.slowestApiRoundMs = Math.round(slowest);
    figures.healthAfterNode2Died = [...healths].join(' | ');
    for (const [who, c] of [['alice', x!], ['bob', y!], ['carol', z!]] as const) {
      const types = (await callView(who, c)).timeline.map((e) => e.type);
      for (const bad of ['ended', 'requeued', 'agent_dropped', 'caller_disconnected', 'agent_disconnected']) expect(types, `${c.id}: ${bad}`).not.toContain(bad);
    }
    done = 2;
  });

  it('everyone who comes back reconnects through node 1 with fresh grants: the rooms are re-created there, X hears both ways again, Y stays held', async () => {
    after(2);
    Object.assign(p, await rejoined!);
    figures.connectAttempts = JSON.stringify(attempts);
    figures.killToAllConnectedMs = Math.round(Math.max(...[p.callerX, p.alice, p.callerY, p.bob, p.callerZ].map((q) => q!.connectedAt)) - killedAt);
    // The rooms now live on node 1.
    expect(await Promise.all([x!, y!, z!].map((c) => env.cluster.hostOf(c.room)))).toEqual([SURVIVOR, SURVIVOR, SURVIVOR]);

    await Promise.all([publishOnceGranted(p.alice!, x!.room, `agent:${env.ids.alice}`), publishOnceGranted(p.bob!, y!.room, `agent:${env.ids.bob}`)]);
    const [callerHearsA, aHearsCaller] = await Promise.all([
      hears(p.callerX!, ALICE, 'caller X hears Alice again', killedAt, BACK_WITHIN_MS),
      hears(p.alice!, CALLER_X, 'Alice hears caller X again', killedAt, BACK_WITHIN_MS),
    ]);
    figures.killToTwoWayMs = Math.round(Math.max(callerHearsA, aHearsCaller) - killedAt);
    expect(await env.permVia(SURVIVOR, x!.room, `caller:${x!.id}`)).toEqual(LIVE);

    // Y: the record says on hold, so the caller is still held in the new room: LiveKit's
    // permission, no publication, and nothing heard either way, while Bob is connected and publishing.
    expect(await env.permVia(SURVIVOR, y!.room, `caller:${y!.id}`)).toEqual(HELD);
    const w = await window(1_500);
    expect(p.callerX!.count([ALICE], w.from, w.to), 'caller X hears Alice').toBeGreaterThan(100);
    expect(p.alice!.count([CALLER_X], w.from, w.to), 'Alice hears caller X').toBeGreaterThan(100);
    expect(p.callerY!.count([BOB, ALICE, CALLER_X, CALLER_Z], w.from, w.to), 'held caller Y hears anyone').toBe(0);
    expect(p.bob!.count([CALLER_Y], w.from, w.to), 'Bob hears held caller Y').toBe(0);
    expect(p.callerY!.isPublished, 'held caller Y publishes').toBe(false);
    expect(p.bob!.isPublished).toBe(true);
    // The re-created rooms stay apart.
    expect(p.alice!.count([CALLER_Y, BOB, CALLER_Z], w.from, w.to)).toBe(0);
    expect(p.bob!.count([CALLER_X, ALICE, CALLER_Z], w.from, w.to)).toBe(0);

    // Bob resumes: the fast path through node 1 reaches the re-created room.
    const resumed = await (await env.as('bob'))('POST', `/api/calls/${y!.id}/hold`, { hold: false });
    expect(resumed.status, JSON.stringify(resumed.body)).toBe(200);
    const t0 = performance.now();
    await Promise.all([hears(p.callerY!, BOB, 'resumed caller Y hears Bob', t0), hears(p.bob!, CALLER_Y, 'Bob hears resumed caller Y', t0)]);
    figures.resumeTwoWayMs = Math.round(performance.now() - t0);
    done = 3;
  });

  it('after the reconnect the reconcile keeps everyone who came back: X and Y live with their agents, every member still in its room', async () => {
    after(3);
    await sleep(2 * RECONCILE_INTERVAL_S * 1000 + 500);
    expect(await callView('alice', x!)).toMatchObject({ state: 'active', agentId: env.ids.alice });
    expect(await callView('bob', y!)).toMatchObject({ state: 'active', agentId: env.ids.bob });
    const ids = async (room: string) => (await env.rooms[SURVIVOR]!.listParticipants(room)).map((q) => q.identity).sort();
    expect(await ids(x!.room)).toEqual([`agent:${env.ids.alice}`, `caller:${x!.id}`].sort());
    expect(await ids(y!.room)).toEqual([`agent:${env.ids.bob}`, `caller:${y!.id}`].sort());
    const w = await window();
    expect(p.callerX!.count([ALICE], w.from, w.to)).toBeGreaterThan(50);
    expect(p.alice!.count([CALLER_X], w.from, w.to)).toBeGreaterThan(50);
    expect(p.callerY!.count([BOB], w.from, w.to)).toBeGreaterThan(50);
    expect(p.bob!.count([CALLER_Y], w.from, w.to)).toBeGreaterThan(50);
    done = 4;
  });

  it('Carol never comes back (LiveKit still lists her): after the grace period Z goes back to the queue and Dave answers; the caller talks to a human again', async () => {
    after(4);
    // LiveKit's store keeps Carol's dead connection; only the API can tell she is gone.
    expect((await env.rooms[SURVIVOR]!.listParticipants(z!.room)).map((q) => q.identity)).toContain(`agent:${env.ids.carol}`);
    const waiting = await eventually(
      async () => {
        const v = await callView('carol', z!);
        return v.state === 'waiting' ? v : null;
      },
      Math.max(1, killedAt + REQUEUED_WITHIN_MS - performance.now()),
      'Z back in the queue',
    );
    figures.killToRequeuedMs = Math.round(performance.now() - killedAt);
    expect(waiting.agentId).toBeNull();
    const types = waiting.timeline.map((e) => e.type);
    expect(types).not.toContain('ended');
    expect(types).toContain('agent_dropped');
    expect((await callerApi(z!)('GET', `/api/calls/${z!.id}`)).body.state).toBe('waiting');

    const grant = await (await env.as('dave'))('POST', `/api/calls/${z!.id}/accept`);
    expect(grant.status, JSON.stringify(grant.body)).toBe(200);
    p.dave = await tone('dave', env.cluster.nodes[SURVIVOR]!.url, grant.body.token, DAVE);
    await publishOnceGranted(p.dave, z!.room, `agent:${env.ids.dave}`);
    const since = performance.now();
    const heard = await Promise.all([hears(p.callerZ!, DAVE, 'caller Z hears Dave', since), hears(p.dave, CALLER_Z, 'Dave hears caller Z', since)]);
    figures.killToZWithDaveMs = Math.round(Math.max(...heard) - killedAt);
    const w = await window();
    expect(p.callerZ!.count([DAVE], w.from, w.to)).toBeGreaterThan(50);
    expect(p.dave.count([CALLER_Z], w.from, w.to)).toBeGreaterThan(50);
    expect(await callView('dave', z!)).toMatchObject({ state: 'active', agentId: env.ids.dave });
    done = 5;
  });

  it('node 1 dies too (LiveKit unreachable for the API): the calls stay recorded and live, /health answers degraded', async () => {
    expect(done, 'step 4 did not finish').toBeGreaterThanOrEqual(4); // Z's outcome (step 5) does not matter here
    await killNode(env.cluster.nodes[SURVIVOR]!);
    const health = await eventually(async () => {
      const res = await bounded(fetch(`${env.stack.baseUrl}/health`), 3_000, 'GET /health');
      const body = (await res.json()) as { status: string; livekit: string; database: string };
      return res.status === 503 ? body : null;
    }, 5_000, '/health degraded');
    expect(health).toEqual({ status: 'degraded', livekit: 'down', database: 'ok' });
    // Two reconcile passes and the departure sweep against a dead LiveKit: nothing ends.
    await sleep(2 * RECONCILE_INTERVAL_S * 1000 + 500);
    expect(await callView('alice', x!)).toMatchObject({ state: 'active', agentId: env.ids.alice });
    expect(await callView('bob', y!)).toMatchObject({ state: 'active', agentId: env.ids.bob });
    if (done === 5) expect(await callView('dave', z!)).toMatchObject({ state: 'active', agentId: env.ids.dave });
    // An action is still recorded (LiveKit cannot follow: 503 media_unavailable, the record is kept).
    const hold = await bounded((await env.as('alice'))('POST', `/api/calls/${x!.id}/hold`, { hold: true }), 5_000, 'hold with LiveKit down');
    figures.holdWithLivekitDown = hold.status;
    expect([200, 503]).toContain(hold.status);
    expect(await callView('alice', x!)).toMatchObject({ state: 'on_hold', agentId: env.ids.alice });
  });
});
