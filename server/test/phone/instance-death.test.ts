// The API instance carrying a phone leg dies (SIGKILL) mid-consultation. Its bridge's socket
// closes, so Twilio (the emulator) ends the specialist's call, and Twilio's report of that is
// lost: nobody listens on the port. The restarted API must find the leg gone by itself and give
// the caller back to Agent A, off hold — never left on hold forever (docs/PHONES.md).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevLivekit, type DevLivekit } from '../../../devkit/dev-livekit.js';
import { findOrInstallLivekit } from '../../../devkit/ensure-livekit.mjs';
import { startTwilioEmulator, type TwilioEmulator } from '../../../devkit/twilio-emulator/emulator.js';
import { eventually } from '../../../testkit/participants.js';
import { phoneHeard, TWILIO } from '../../../testkit/phone-stack.js';
import { client, createTestDatabase, freePort, TEST_PASSWORD } from '../../../testkit/stack.js';
import { ToneParticipant } from '../../../testkit/tone-participant.js';
import { loadConfig } from '../../src/config.js';
import { createAgent } from '../../src/store/agents-admin.js';
import { openDb } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { startApiProcess, type ApiProcess } from '../support/api-process.js';

const CALLER = 440;
const A = 660;
const PHONE = 1000;
const TONES = [CALLER, A, PHONE] as const;

let livekit: DevLivekit;
let twilio: TwilioEmulator;
let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
let dataDir = '';
let port = 0;
let api: ApiProcess | null = null;
let aliceEmail = 'death-alice@warmline.test';
const open: Array<{ close(): Promise<unknown> }> = [];

const spawnApi = async () =>
  (api = await startApiProcess({
    port,
    env: {
      NODE_ENV: 'test',
      DATABASE_URL: testDb.url,
      LIVEKIT_URL: livekit.url,
      LIVEKIT_API_KEY: livekit.apiKey,
      LIVEKIT_API_SECRET: livekit.apiSecret,
      RECONNECT_GRACE_S: '2',
      RECONCILE_INTERVAL_S: '2',
      PRESENCE_OFFLINE_AFTER_S: '600',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      TWILIO_ACCOUNT_SID: TWILIO.accountSid,
      TWILIO_AUTH_TOKEN: TWILIO.authToken,
      TWILIO_PHONE_NUMBER: TWILIO.number,
      TWILIO_API_BASE_URL: twilio.restBaseUrl,
      PUBLIC_URL: TWILIO.publicUrl,
    },
  }));

beforeAll(async () => {
  const binary: string = await findOrInstallLivekit({ log: () => {} });
  port = await freePort();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warmline-death-'));
  livekit = await startDevLivekit({ binary, webhookUrl: `http://127.0.0.1:${port}/livekit/webhook`, logDir: dataDir });
  twilio = await startTwilioEmulator({ ...TWILIO, phoneNumber: TWILIO.number, appUrl: `http://127.0.0.1:${port}` });
  testDb = await createTestDatabase();
  const db = await openDb(loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, DATABASE_URL: testDb.url }));
  try {
    await migrate(db);
    await createAgent(db, { email: aliceEmail, name: 'Alice', password: TEST_PASSWORD });
  } finally {
    await db.close();
  }
  await spawnApi();
}, 120_000);

afterAll(async () => {
  const steps: Array<() => Promise<unknown>> = [
    ...open.splice(0).map((p) => () => p.close()),
    async () => api?.kill('SIGKILL'),
    async () => twilio?.close(),
    async () => livekit?.stop(),
    async () => testDb?.drop(),
    async () => dataDir && fs.rmSync(dataDir, { recursive: true, force: true }),
  ];
  for (const step of steps) await step().catch(() => undefined);
});

describe('the API instance carrying a phone leg dies', () => {
  it('the caller is back with Agent A, off hold, after a restart finds the leg gone; nothing stays connected at Twilio', async () => {
    const base = `http://127.0.0.1:${port}`;
    const login = await client(base)('POST', '/api/auth/login', { email: aliceEmail, password: TEST_PASSWORD });
    const alice = client(base, login.body.token);
    const call = (await client(base)('POST', '/api/calls', { name: 'Dana Death', reason: 'Refund' })).body;
    const caller = await ToneParticipant.join({ url: call.livekitUrl, token: call.token, label: 'caller', freq: CALLER, targets: TONES });
    open.push(caller);
    const grant = (await alice('POST', `/api/calls/${call.id}/accept`)).body;
    const a = await ToneParticipant.join({ url: grant.livekitUrl, token: grant.token, label: 'alice', freq: A, targets: TONES });
    open.push(a);
    expect(await a.waitFor(CALLER, performance.now(), 15_000)).not.toBeNull();

    const number = '+15550107777';
    twilio.behave(number, { answer: 'human', toneHz: PHONE, ringMs: 100 });
    const t = (await alice('POST', `/api/calls/${call.id}/transfers`, { target: { type: 'phone', number } })).body;
    await eventually(async () => (await alice('GET', `/api/transfers/${t.id}`)).body.state === 'consulting', 20_000, 'consulting');
    const phoneCall = await twilio.waitForCall({ to: number });
    const media = await phoneCall.waitForMedia(10_000);
    await eventually(async () => phoneHeard(media.played, A, performance.now() - 1000, performance.now(), TONES).withTone > 10, 15_000, 'the phone hears A');

    await api!.kill('SIGKILL');
    // The socket died with the process: Twilio ends the specialist's call; its report finds no one.
    await phoneCall.waitForStatus('completed', 15_000);
    await phoneCall.callbacksDelivered();
    const report = phoneCall.callbacks.find((c) => c.params.CallStatus === 'completed');
    expect(report, 'Twilio reported the end').toBeDefined();
    expect(report!.status, 'nobody took the report').not.toBe(204);

    await spawnApi();
    await eventually(async () => (await alice('GET', `/api/transfers/${t.id}`)).body.state === 'failed', 60_000, 'the transfer fails');
    expect((await alice('GET', `/api/transfers/${t.id}`)).body.failReason).toBe('target_left');
    expect((await alice('GET', `/api/calls/${call.id}`)).body).toMatchObject({ state: 'active', agentId: expect.any(String) });
    expect(await caller.waitFor(A, performance.now(), 20_000), 'the caller hears Alice again').not.toBeNull();
  }, 180_000);
});
