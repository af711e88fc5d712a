// The stack on a two-node LiveKit cluster (LiveKit's own multi-node mode on the Redis at
// 127.0.0.1:6379): the API talks to node 1 (RoomService, tokens), the caller connects through
// one node's URL and the agents through the other's, and who hears whom is measured with tones
// (caller 440 Hz, A 660 Hz, B 880 Hz) through two-way audio, hold and a warm transfer.
//
// LiveKit pins each room to one node, picked at random (`room_node_map`). The caller always uses
// node 1's URL (the one the API hands out) and the agents node 2's (swapped), and the call runs
// twice, with its room placed on each node in turn (calls are placed until one lands there): on
// node 1 the agents' signalling is relayed through node 2; on node 2 the caller's signalling and
// every RoomService call of the API are relayed through node 1.
import fs from 'node:fs';
import type { RoomServiceClient } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevLivekitCluster, DevLivekitNode } from '../../../devkit/dev-livekit-cluster.js';
import { startClusterStack, type ClusterStack } from '../../../testkit/livekit-cluster.js';
import { eventually } from '../../../testkit/participants.js';
import { ToneParticipant } from '../../../testkit/tone-participant.js';
import type { WebhookTap } from '../../../testkit/webhook-tap.js';

const CALLER = 440;
const A = 660;
const B = 880;
const TONES = [CALLER, A, B] as const;
const HELD = { canPublish: false, canSubscribe: false };
const LIVE = { canPublish: true, canSubscribe: true };

let env: ClusterStack;
let cluster: DevLivekitCluster;
let rooms: RoomServiceClient[] = [];
let taps: WebhookTap[] = [];
const open: ToneParticipant[] = [];
// Each layout has its own two agents: an agent who handed a call over is in wrap-up, not free for the next.
type Agent = 'alice' | 'bob' | 'carol' | 'dave';
let ids = {} as Record<Agent, string>;

beforeAll(async () => {
  env = await startClusterStack({ env: { PRESENCE_OFFLINE_AFTER_S: '600', RECONCILE_INTERVAL_S: '2' }, extraAgents: ['dave'] });
  ({ cluster, rooms, taps } = env);
  ids = env.ids as Record<Agent, string>;
}, 120_000);

afterAll(async () => {
  for (const p of open.splice(0)) await p.close().catch(() => undefined);
  await env?.stop();
});

const as = (who: Agent) => env.as(who);
/** The caller's permission as LiveKit reports it through node `i`'s RoomService. */
const permVia = (i: number, room: string, identity: string) => env.permVia(i, room, identity);
const permBoth = async (room: string, identity: string) => [await permVia(0, room, identity), await permVia(1, room, identity)];
const identitiesVia = async (i: number, room: string) => (await rooms[i]!.listParticipants(room)).map((p) => p.identity).sort();
async function tone(label: string, node: DevLivekitNode, token: string, freq: number) {
  const p = await ToneParticipant.join({ url: node.url, token, label, freq, targets: TONES });
  open.push(p);
  return p;
}
/** Resolves when `p` hears `freq` from now on; fails with what `p` received otherwise. Returns the wait in ms. */
async function hears(p: ToneParticipant, freq: number, what: string) {
  const since = performance.now();
  const t = await p.waitFor(freq, since, 10_000);
  if (t === null) throw new Error(`${what}: no ${freq} Hz within 10 s (${p.label} received ${p.framesReceived} frames; ${JSON.stringify(p.trackEvents)})`);
  return Math.round(t - since);
}
/** An agent's token grants nothing until the join webhook is checked: publish once LiveKit shows the grant. */
async function publishOnceGranted(p: ToneParticipant, room: string, identity: string) {
  await eventually(async () => (await permVia(0, room, identity))?.canPublish, 10_000, `${p.label} may publish`);
  await p.publish();
}
const measure = async (ms: number) => {
  const from = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  return [from, performance.now()] as const;
};

type LogFields = { room?: string; participant?: string; publisherCandidates?: string[]; subscriberCandidates?: string[] };
/** A node's log entries with message `msg` about `room` (livekit-server logs "time\tLEVEL\tlogger\tcaller\tmsg\t{json}"). */
const logEntries = (node: DevLivekitNode, msg: string, room: string): LogFields[] =>
  fs
    .readFileSync(node.logFile, 'utf8')
    .split('\n')
    .filter((line) => line.includes(`\t${msg}\t`))
    .map((line) => JSON.parse(line.slice(line.indexOf('{'))) as LogFields)
    .filter((f) => f.room === room);
/** RTC sessions a node runs for `room`: identity and the node's own selected ICE port. */
const rtcSessions = (node: DevLivekitNode, room: string) =>
  logEntries(node, 'participant active', room).map((f) => {
    const selected = [...(f.publisherCandidates ?? []), ...(f.subscriberCandidates ?? [])].find((c) => c.startsWith('[local][selected'));
    return { identity: f.participant ?? '', port: selected ? Number(/:(\d+) \(resolved/.exec(selected)?.[1]) : null };
  });
const webhooksFor = (tap: WebhookTap, room: string) =>
  tap.seen.filter((w) => (JSON.parse(w.body) as { room?: { name?: string } }).room?.name === room).map((w) => `${w.event}:${w.identity ?? ''}`);

const callHostedOn = (host: number) => env.callHostedOn(host);

const LAYOUTS = [
  { name: 'room on node 1, the agents relayed through node 2', host: 0, a: 'alice', b: 'bob' },
  { name: 'room on node 2, the caller and the API relayed through node 1', host: 1, a: 'carol', b: 'dave' },
] as const;

describe.each(LAYOUTS)('two LiveKit nodes on one Redis, caller on node 1, agents on node 2: $name', ({ host, a, b }) => {
  let call: { id: string; room: string; token: string; livekitUrl: string; tries: number };
  let callerNode: DevLivekitNode;
  let agentNode: DevLivekitNode;
  let caller: ToneParticipant;
  let agentA: ToneParticipant;
  let agentB: ToneParticipant;
  let transferId = '';
  const figures: Record<string, number | string> = {};
  let done = 0; // each step needs the one before
  const after = (n: number) => expect(done, `step ${n} did not finish`).toBe(n);
  const callerId = () => `caller:${call.id}`;
  const aId = () => `agent:${ids[a]}`;
  const bId = () => `agent:${ids[b]}`;

  afterAll(async () => {
    console.log(`[cluster] room on node ${host + 1}: ${JSON.stringify(figures)}`);
    await Promise.all([caller, agentA, agentB].map((p) => p?.close().catch(() => undefined)));
    // End the call whatever happened (a failed step leaves it live).
    for (const who of [b, a]) if (call) await (await as(who))('POST', `/api/calls/${call.id}/hangup`).catch(() => undefined);
  });

  it('the room lives on one node; caller and agent hear each other across the two URLs, media on the hosting node', async () => {
    call = await callHostedOn(host);
    figures.callsPlaced = call.tries;
    figures.redisDb = cluster.redis.db;
    expect(call.livekitUrl).toBe(cluster.nodes[0]!.url); // the API knows node 1 only
    callerNode = cluster.nodes[0]!;
    agentNode = cluster.nodes[1]!; // the API's URL, swapped

    caller = await tone('caller', callerNode, call.token, CALLER);
    const grantA = await (await as(a))('POST', `/api/calls/${call.id}/accept`);
    expect(grantA.status, JSON.stringify(grantA.body)).toBe(200);
    agentA = await tone(a, agentNode, grantA.body.token, A);
    const t0 = performance.now();
    await publishOnceGranted(agentA, call.room, aId());
    await hears(caller, A, 'the caller hears A');
    await hears(agentA, CALLER, 'A hears the caller');
    figures.twoWayMs = Math.round(performance.now() - t0);
    const [from, to] = await measure(1_000);
    expect(caller.count([A], from, to), 'caller hears A').toBeGreaterThan(50);
    expect(agentA.count([CALLER], from, to), 'A hears the caller').toBeGreaterThan(50);

    // Both nodes answer for the room (the other one through Redis), and list the same people.
    expect(await identitiesVia(1, call.room)).toEqual(await identitiesVia(0, call.room));
    expect(await permBoth(call.room, callerId())).toEqual([LIVE, LIVE]);
    // Media: every session of this room is on the hosting node, on its own ICE ports, whichever URL was used.
    const hostNode = cluster.nodes[host]!;
    const sessions = await eventually(async () => {
      const s = rtcSessions(hostNode, call.room);
      return s.length >= 2 ? s : null;
    }, 5_000, 'participant active in the host log');
    expect(sessions.map((s) => s.identity).sort()).toEqual([aId(), callerId()].sort());
    for (const s of sessions) expect([hostNode.ports.rtcUdp, hostNode.ports.rtcTcp]).toContain(s.port);
    expect(rtcSessions(cluster.nodes[1 - host]!, call.room)).toEqual([]);
    done = 1;
  });

  it('hold: the caller hears nothing and is heard by no one; the permission holds through both nodes', async () => {
    after(1);
    const api = await as(a);
    const held = await api('POST', `/api/calls/${call.id}/hold`, { hold: true });
    expect(held.status, JSON.stringify(held.body)).toBe(200);
    expect(held.body.state).toBe('on_hold');
    expect(await permBoth(call.room, callerId())).toEqual([HELD, HELD]);
    // The API asked node 1; the node hosting the room applied it (relayed over Redis when that is node 2).
    const applied = (i: number) => logEntries(cluster.nodes[i]!, 'updating participant permission', call.room).filter((f) => f.participant === callerId());
    expect(applied(host).length).toBeGreaterThan(0);
    expect(applied(1 - host)).toEqual([]);
    // LiveKit stops forwarding rather than sending silence: the caller's track is gone from the
    // room and no frame at all reaches the caller, so 0 frames is what a held caller gets.
    await eventually(async () => (await rooms[1]!.listParticipants(call.room)).find((p) => p.identity === callerId())?.tracks.length === 0, 5_000, 'caller track unpublished');
    await new Promise((r) => setTimeout(r, 300)); // frames already in flight
    const received = caller.framesReceived;
    const [from, to] = await measure(1_500);
    expect(caller.framesReceived - received, 'frames forwarded to the held caller').toBe(0);
    // The revocation reached the caller's own connection, whichever node it came in through.
    expect(caller.localEvents).toContainEqual(expect.objectContaining({ kind: 'permission', detail: HELD }));
    expect(caller.count([A, B], from, to), 'the held caller hears A').toBe(0);
    expect(agentA.count([CALLER], from, to), 'A hears the held caller').toBe(0);

    const resumed = await api('POST', `/api/calls/${call.id}/hold`, { hold: false });
    expect(resumed.body.state).toBe('active');
    expect(await permBoth(call.room, callerId())).toEqual([LIVE, LIVE]);
    figures.resumeCallerHearsAMs = await hears(caller, A, 'the resumed caller hears A');
    await hears(agentA, CALLER, 'A hears the resumed caller');
    done = 2;
  });

  it('warm transfer, consultation: B hears A, not the caller; the caller hears neither', async () => {
    after(2);
    expect((await (await as(b))('POST', '/api/agents/me/status', { status: 'available' })).status).toBe(200);
    const started = await (await as(a))('POST', `/api/calls/${call.id}/transfers`, {
      target: { type: 'agent', agentId: ids[b] },
      notes: 'Refund approved, needs billing sign-off',
    });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    transferId = started.body.id;
    expect(await permBoth(call.room, callerId())).toEqual([HELD, HELD]);
    const grantB = await (await as(b))('POST', `/api/transfers/${transferId}/accept`);
    expect(grantB.status, JSON.stringify(grantB.body)).toBe(200);
    agentB = await tone(b, agentNode, grantB.body.token, B);
    await publishOnceGranted(agentB, call.room, bId());
    await hears(agentB, A, 'B hears A');
    await hears(agentA, B, 'A hears B');
    await new Promise((r) => setTimeout(r, 300));
    const [from, to] = await measure(1_500);
    expect(agentB.count([A], from, to), 'B hears A (the window counts)').toBeGreaterThan(50);
    expect(agentA.count([B], from, to), 'A hears B (the window counts)').toBeGreaterThan(50);
    expect(agentB.count([CALLER], from, to), 'B hears the held caller').toBe(0);
    expect(agentA.count([CALLER], from, to), 'A hears the held caller').toBe(0);
    expect(caller.count([A, B], from, to), 'the held caller hears the consultation').toBe(0);
    expect(await permBoth(call.room, callerId())).toEqual([HELD, HELD]);
    done = 3;
  });

  it('warm transfer, completed: the caller and B hear each other both ways, A is gone; webhooks came from the hosting node only', async () => {
    after(3);
    const t0 = performance.now();
    const completed = await (await as(a))('POST', `/api/transfers/${transferId}/complete`, {});
    expect(completed.body.state).toBe('completed');
    await Promise.all([hears(caller, B, 'the caller hears B'), hears(agentB, CALLER, 'B hears the caller')]);
    figures.handoffTwoWayMs = Math.round(performance.now() - t0);
    for (const i of [0, 1]) {
      await eventually(async () => !(await identitiesVia(i, call.room)).includes(aId()), 10_000, `A gone (via node ${i + 1})`);
    }
    await new Promise((r) => setTimeout(r, 300));
    const [from, to] = await measure(1_500);
    expect(caller.count([B], from, to), 'the caller hears B').toBeGreaterThan(50);
    expect(agentB.count([CALLER], from, to), 'B hears the caller').toBeGreaterThan(50);
    expect(caller.count([A], from, to), 'the caller still hears A').toBe(0);
    expect(agentB.count([A], from, to), 'B still hears A').toBe(0);
    expect(await permBoth(call.room, callerId())).toEqual([LIVE, LIVE]);
    const view = (await (await as(b))('GET', `/api/calls/${call.id}`)).body;
    expect(view).toMatchObject({ state: 'active', agentId: ids[b] });

    // A room's webhooks come from the node hosting it, whichever node a participant connected to.
    const fromHost = webhooksFor(taps[host]!, call.room);
    figures.webhooksFromHost = fromHost.length;
    for (const id of [callerId(), aId(), bId()]) expect(fromHost).toContain(`participant_joined:${id}`);
    expect(webhooksFor(taps[1 - host]!, call.room)).toEqual([]);
    expect((await (await as(b))('POST', `/api/calls/${call.id}/hangup`)).status).toBe(200);
    done = 4;
  });
});
