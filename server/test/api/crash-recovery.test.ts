// Crash recovery (issue 8): the API is killed with SIGKILL in the middle of a warm transfer,
// LiveKit drifts from the record while no API is running, and the restarted API brings
// LiveKit back to the record. The API runs as its own process (`node --import tsx
// server/src/main.ts`) so the kill is real; LiveKit, Postgres and the participants
// (rtc-node, speaking and listening for tones) live on in this process across the crash.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { AccessToken, RoomServiceClient } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevLivekit, type DevLivekit } from '../../../devkit/dev-livekit.js';
import { findOrInstallLivekit } from '../../../devkit/ensure-livekit.mjs';
import { eventually, joinRoom } from '../../../testkit/participants.js';
import { client, createTestDatabase, freePort, TEST_PASSWORD } from '../../../testkit/stack.js';
import { ToneParticipant } from '../../../testkit/tone-participant.js';
import { loadConfig } from '../../src/config.js';
import { createAgent } from '../../src/store/agents-admin.js';
import { openDb } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { startApiProcess, type ApiProcess } from '../support/api-process.js';

const GRACE_S = 4;
const CALLER = 440;
const A = 660;
const B = 880;
const TONES = [CALLER, A, B] as const;
const HELD = { canPublish: false, canSubscribe: false };
const LIVE = { canPublish: true, canSubscribe: true };

let livekit: DevLivekit;
let testDb: Awaited<ReturnType<typeof createTestDatabase>> | null = null;
let dataDir = '';
let apiPort = 0;
let api: ApiProcess | null = null;
let sink: WebhookSink | null = null;
let rooms: RoomServiceClient;
const agents = { alice: { id: '', email: 'crash-alice@warmline.test' }, bob: { id: '', email: 'crash-bob@warmline.test' } };
const open: Array<{ close(): Promise<unknown> }> = [];

async function spawnApi() {
  api = await startApiProcess({
    port: apiPort,
    env: {
      NODE_ENV: 'test',
      DATABASE_URL: testDb!.url,
      LIVEKIT_URL: livekit.url,
      LIVEKIT_API_KEY: livekit.apiKey,
      LIVEKIT_API_SECRET: livekit.apiSecret,
      RECONNECT_GRACE_S: String(GRACE_S),
      RECONCILE_INTERVAL_S: '2',
      PRESENCE_OFFLINE_AFTER_S: '600',
      RATE_LIMIT_PER_MINUTE: '100000',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    },
  });
  return api;
}

/**
 * Stands on the dead API's port and answers 200 to every webhook without acting on it: the
 * webhooks LiveKit sends while the API is down are lost for good. (Without it LiveKit retries
 * a refused webhook for about 15 s, so a short outage would lose nothing and the restarted
 * API would learn of the drift from the retries instead of finding it itself.)
 */
interface WebhookSink {
  swallowed: Array<{ event: string; identity: string | null }>;
  close(): Promise<void>;
}
async function swallowWebhooks(port: number): Promise<WebhookSink> {
  const swallowed: WebhookSink['swallowed'] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      try {
        const e = JSON.parse(body) as { event?: string; participant?: { identity?: string } };
        swallowed.push({ event: e.event ?? '', identity: e.participant?.identity ?? null });
      } catch {
        /* not JSON: swallowed all the same */
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    swallowed,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

beforeAll(async () => {
  const binary: string = await findOrInstallLivekit({ log: () => {} });
  apiPort = await freePort();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warmline-crash-'));
  livekit = await startDevLivekit({ binary, webhookUrl: `http://127.0.0.1:${apiPort}/livekit/webhook`, logDir: dataDir });
  rooms = new RoomServiceClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
  testDb = await createTestDatabase();
  const db = await openDb(loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, DATABASE_URL: testDb.url }));
  try {
    await migrate(db);
    agents.alice.id = await createAgent(db, { email: agents.alice.email, name: 'Alice', password: TEST_PASSWORD });
    agents.bob.id = await createAgent(db, { email: agents.bob.email, name: 'Bob', password: TEST_PASSWORD });
  } finally {
    await db.close();
  }
  await spawnApi();
}, 120_000); // a cold `tsx` start on a busy machine takes a while

afterAll(async () => {
  // Each step on its own: one failure must not leave a process or a database behind.
  const steps: Array<() => Promise<unknown>> = [
    ...open.splice(0).map((p) => () => p.close()),
    async () => api?.kill('SIGKILL'),
    async () => sink?.close(),
    async () => livekit?.stop(),
    async () => testDb?.drop(),
    async () => dataDir && fs.rmSync(dataDir, { recursive: true, force: true }),
  ];
  for (const step of steps) await step().catch(() => undefined);
});

const tokens = new Map<string, string>();
async function as(who: 'alice' | 'bob') {
  if (!tokens.has(who)) {
    const res = await client(api!.baseUrl)('POST', '/api/auth/login', { email: agents[who].email, password: TEST_PASSWORD });
    if (res.status !== 200) throw new Error(`login ${who}: ${res.status} ${JSON.stringify(res.body)}`);
    tokens.set(who, res.body.token);
  }
  return client(api!.baseUrl, tokens.get(who)); // sessions live in Postgres: they survive the crash
}
const callOf = async (id: string) => (await (await as('alice'))('GET', `/api/calls/${id}`)).body;
const permOf = async (room: string, identity: string) => {
  const p = (await rooms.listParticipants(room)).find((x) => x.identity === identity);
  return p ? { canPublish: p.permission?.canPublish ?? false, canSubscribe: p.permission?.canSubscribe ?? false } : null;
};
const identities = async (room: string) => (await rooms.listParticipants(room)).map((p) => p.identity);
async function tone(label: string, url: string, token: string, freq: number | null) {
  const p = await ToneParticipant.join({ url, token, label, freq, targets: TONES });
  open.push(p);
  return p;
}
/** Resolves when `p` hears `freq` (from now on); otherwise fails with what `p` and LiveKit saw, to tell load from a bug. */
async function hears(p: ToneParticipant, freq: number, what: string, room: string) {
  const since = performance.now();
  if ((await p.waitFor(freq, since, 10_000)) !== null) return;
  const seen = (await rooms.listParticipants(room)).map((x) => ({
    identity: x.identity.split(':')[0],
    canPublish: x.permission?.canPublish,
    canSubscribe: x.permission?.canSubscribe,
    tracks: x.tracks.length,
  }));
  const t = (e: { t: number }) => Math.round(e.t - since);
  const who = open.filter((x): x is ToneParticipant => x instanceof ToneParticipant);
  throw new Error(
    `${what}: no ${freq} Hz within 10 s. ${p.label} received ${p.framesReceived} frames; tracks ${JSON.stringify(p.trackEvents.map((e) => ({ ...e, t: t(e) })))}; ` +
      who.map((x) => `${x.label} local ${JSON.stringify(x.localEvents.map((e) => ({ ...e, t: t(e) })))}`).join('; ') +
      `; LiveKit: ${JSON.stringify(seen)}`,
  );
}
/**
 * An agent joins with a token that grants nothing; the server grants publish once it sees the
 * join. The tone participant starts watching for grants only after connect() has resolved, so a
 * grant that lands during the connect (the periodic reconcile can get there first) can be missed
 * and it never publishes (seen on a loaded machine: LiveKit showed Alice allowed to publish, with
 * no track, for 10 s). Publish explicitly once LiveKit shows the grant (idempotent otherwise).
 */
async function publishOnceGranted(p: ToneParticipant, room: string, identity: string) {
  await eventually(async () => (await permOf(room, identity))?.canPublish, 10_000, `${p.label} may publish`);
  await p.publish();
}
const ms = (from: number) => `${((Date.now() - from) / 1000).toFixed(1)} s`;

describe('the API is killed (SIGKILL) mid-transfer and restarted', () => {
  // Shared by the steps below, in order.
  let call: { id: string; room: string; token: string; livekitUrl: string };
  let transferId = '';
  let caller: ToneParticipant;
  let alice: ToneParticipant;
  let bob: ToneParticipant;
  let beforeCrash: { timeline: Array<{ at: string; type: string; detail: unknown }> };
  /** Steps finished: each step needs the one before (a failed step fails the rest at once, clearly). */
  let done = 0;
  const after = (n: number) => expect(done, `step ${n} did not finish`).toBe(n);
  const callerId = () => `caller:${call.id}`;
  const aliceId = () => `agent:${agents.alice.id}`;
  const bobId = () => `agent:${agents.bob.id}`;

  it('Alice is consulting Bob while the caller waits on hold, hearing nothing and heard by no one', async () => {
    const created = await client(api!.baseUrl)('POST', '/api/calls', { name: 'Crash', reason: 'Router keeps rebooting' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    call = created.body;
    caller = await tone('caller', call.livekitUrl, call.token, CALLER);
    const grantA = (await (await as('alice'))('POST', `/api/calls/${call.id}/accept`)).body;
    alice = await tone('alice', grantA.livekitUrl, grantA.token, A);
    await publishOnceGranted(alice, call.room, aliceId());
    await hears(caller, A, 'the caller hears Alice', call.room);

    expect((await (await as('bob'))('POST', '/api/agents/me/status', { status: 'available' })).status).toBe(200);
    const started = await (await as('alice'))('POST', `/api/calls/${call.id}/transfers`, {
      target: { type: 'agent', agentId: agents.bob.id },
      notes: 'Firmware 2.1, already power-cycled twice',
    });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    transferId = started.body.id;
    const grantB = await (await as('bob'))('POST', `/api/transfers/${transferId}/accept`);
    expect(grantB.status, JSON.stringify(grantB.body)).toBe(200);
    bob = await tone('bob', grantB.body.livekitUrl, grantB.body.token, B);
    await hears(bob, A, 'Bob hears Alice', call.room);

    // Every join webhook is in before the crash, so nothing is in flight when the API dies.
    let last: unknown;
    beforeCrash = await eventually(async () => {
      const v = await callOf(call.id);
      last = v.timeline.map((e: { type: string; detail: unknown }) => [e.type, e.detail]);
      const joined = (id: string) => v.timeline.some((e: { type: string; detail: { agentId?: string } | null }) => e.type === 'agent_joined' && e.detail?.agentId === id);
      return joined(agents.alice.id) && joined(agents.bob.id) && v.timeline.some((e: { type: string }) => e.type === 'caller_joined') ? v : null;
    }, 10_000, 'join webhooks taken').catch((err) => {
      throw new Error(`${(err as Error).message}; timeline: ${JSON.stringify(last)}; alice ${agents.alice.id}, bob ${agents.bob.id}`);
    });
    expect(beforeCrash).toMatchObject({ state: 'on_hold', agentId: agents.alice.id, transfer: { id: transferId, state: 'consulting' } });
    expect(await permOf(call.room, callerId())).toEqual(HELD);
    // Measured: in a second of consultation Bob hears Alice, and nobody hears the caller or is heard by them.
    const from = performance.now();
    await new Promise((r) => setTimeout(r, 1_000));
    const to = performance.now();
    expect(bob.count([A], from, to), 'Bob hears Alice (the window counts)').toBeGreaterThan(20);
    expect(caller.count([A, B], from, to), 'the held caller hears the consultation').toBe(0);
    expect(alice.count([CALLER], from, to) + bob.count([CALLER], from, to), 'someone hears the held caller').toBe(0);
    done = 1;
  });

  it('LiveKit drifts while the API is dead: the caller is let back in, a stranger joins, and Bob drops with nobody told', async () => {
    after(1);
    const killed = await api!.kill('SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    // The process that listened is gone: nothing answers on its port.
    await expect(fetch(`${api!.baseUrl}/health`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
    sink = await swallowWebhooks(apiPort);

    // (c) Bob's connection goes; its participant_left webhook reaches no API. (First: the caller,
    // let back in below, then subscribes to Alice's track only, never to one that is going away.)
    await bob.close();
    await eventually(async () => !(await identities(call.room)).includes(bobId()), 10_000, 'Bob gone from LiveKit');
    // (a) A permission change nobody recorded (as if a lost request had run): the caller is live.
    await rooms.updateParticipant(call.room, callerId(), { permission: { ...LIVE, canPublishData: false } });
    expect(await permOf(call.room, callerId())).toEqual(LIVE);
    // (b) An identity nobody was ever given joins the call room with a token signed with the real keys.
    const at = new AccessToken(livekit.apiKey, livekit.apiSecret, { identity: 'agent:intruder', ttl: '10m' });
    at.addGrant({ roomJoin: true, room: call.room, canPublish: true, canSubscribe: true });
    const intruder = await joinRoom(livekit.url, await at.toJwt());
    open.push({ close: () => intruder.disconnect() });

    const ids = await identities(call.room);
    expect(ids).toContain('agent:intruder');
    expect(ids).toContain(aliceId());
    expect(ids).toContain(callerId());
    await eventually(
      async () =>
        sink!.swallowed.some((w) => w.event === 'participant_left' && w.identity === bobId()) &&
        sink!.swallowed.some((w) => w.event === 'participant_joined' && w.identity === 'agent:intruder'),
      10_000,
      "Bob's leave and the stranger's join webhooks sent while the API was down",
    );
    expect(await permOf(call.room, callerId())).toEqual(LIVE);
    // The drift is real: the caller, who should be on hold, now hears Alice.
    await hears(caller, A, 'the caller hears Alice while the API is down', call.room);
    done = 2;
  });

  it('after a restart on the same port the caller is on hold again within seconds, the stranger is removed, and the transfer record is intact', async () => {
    after(2);
    // The reconciler takes a member missing from LiveKit's list for gone only if they joined more
    // than 5 s before the list (otherwise the list may predate the join). Bob joined longer ago
    // than that, so the start-up pass is the one that finds him gone (a later pass would wait
    // for the dead instance's reconcile lease to run out first).
    const young = bob.connectedAt + 6_000 - performance.now();
    if (young > 0) await new Promise((r) => setTimeout(r, young));
    await sink!.close();
    sink = null;
    const restarted = await spawnApi();
    // The start-up reconcile, not a webhook, puts LiveKit back: caller held, stranger out.
    await eventually(async () => {
      const p = await permOf(call.room, callerId());
      return p && p.canPublish === false && p.canSubscribe === false && !(await identities(call.room)).includes('agent:intruder');
    }, 5_000, 'caller held again and stranger removed').catch((err) => {
      throw new Error(`${(err as Error).message}\nAPI output:\n${restarted.output()}`);
    });
    const heldAt = performance.now();
    console.info(`[crash-recovery] LiveKit back to the record ${ms(restarted.startedAt)} after the restart (API ready after ${((restarted.readyAt - restarted.startedAt) / 1000).toFixed(1)} s)`);

    // The record survived the crash as it was: on hold, consulting Bob, the same timeline so far.
    const v = await callOf(call.id);
    expect(v).toMatchObject({ state: 'on_hold', agentId: agents.alice.id, transfer: { id: transferId, state: 'consulting', notes: 'Firmware 2.1, already power-cycled twice' } });
    expect(v.timeline.slice(0, beforeCrash.timeline.length)).toEqual(beforeCrash.timeline);
    // No webhook told the new API about Bob or the stranger.
    expect(v.timeline.filter((e: { type: string; detail: { agentId?: string } | null }) => e.detail?.agentId === agents.bob.id && e.type === 'agent_disconnected')).toEqual([]);
    expect(v.timeline.some((e: { detail: { agentId?: string } | null }) => e.detail?.agentId === 'intruder')).toBe(false);
    // Alice never left, and the caller hears her no more (frames in flight at the change aside).
    expect(await identities(call.room)).toContain(aliceId());
    const from = Math.max(heldAt + 500, performance.now());
    await new Promise((r) => setTimeout(r, 1_000));
    expect(caller.count([A], from, performance.now()), 'the re-held caller hears Alice').toBe(0);
    done = 3;
  }, 120_000);

  it('Bob is gone, which only the reconciler could find: after the grace period the transfer fails and the caller is back talking with Alice', async () => {
    after(3);
    const restartedAt = api!.startedAt;
    const t = await eventually(async () => {
      const r = await (await as('alice'))('GET', `/api/transfers/${transferId}`);
      return r.body.state !== 'consulting' ? r.body : null;
    }, 20_000, 'the transfer ends');
    const endedAfter = Date.now() - restartedAt;
    console.info(`[crash-recovery] transfer ended ${ms(restartedAt)} after the restart (${ms(api!.readyAt)} after it answered)`);
    expect(t).toMatchObject({ state: 'failed', failReason: 'target_left' });
    expect(endedAfter).toBeGreaterThanOrEqual(GRACE_S * 1000); // Bob kept his place for the grace period

    const v = await callOf(call.id);
    expect(v).toMatchObject({ state: 'active', agentId: agents.alice.id, transfer: null });
    // The timeline tells it: the transfer failed because Bob left, with no webhook about his leaving.
    type Entry = { type: string; detail: { agentId?: string; reason?: string; transferId?: string } | null };
    const since = (v.timeline as Entry[]).slice(beforeCrash.timeline.length);
    expect(since.some((e) => e.type === 'transfer_failed' && e.detail?.transferId === transferId && e.detail?.reason === 'target_left')).toBe(true);
    expect(since.filter((e) => e.type === 'agent_disconnected')).toEqual([]);
    await eventually(async () => {
      const p = await permOf(call.room, callerId());
      return p && p.canPublish && p.canSubscribe;
    }, 5_000, 'caller live again');
    expect(await identities(call.room)).toContain(aliceId());
    // And they really hear each other again (the caller re-publishes when canPublish returns).
    await Promise.all([hears(alice, CALLER, 'Alice hears the caller', call.room), hears(caller, A, 'the caller hears Alice', call.room)]);

    expect((await (await as('alice'))('POST', `/api/calls/${call.id}/hangup`)).body).toMatchObject({ state: 'ended' });
  });
});
