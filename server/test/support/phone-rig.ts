// For phone tests that kill API processes: a dev LiveKit, the Twilio emulator, a fresh database
// with the given agents, API instances as OS processes wired to all three, and a teardown that
// runs every step whatever failed before.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDevLivekit, type DevLivekit } from '../../../devkit/dev-livekit.js';
import { findOrInstallLivekit } from '../../../devkit/ensure-livekit.mjs';
import { startTwilioEmulator, type TwilioEmulator } from '../../../devkit/twilio-emulator/emulator.js';
import { TWILIO } from '../../../testkit/phone-stack.js';
import { createTestDatabase, TEST_PASSWORD } from '../../../testkit/stack.js';
import { loadConfig } from '../../src/config.js';
import { createAgent } from '../../src/store/agents-admin.js';
import { openDb } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { startApiProcess, type ApiProcess } from './api-process.js';

export interface PhoneRig {
  livekit: DevLivekit;
  twilio: TwilioEmulator;
  testDb: Awaited<ReturnType<typeof createTestDatabase>>;
  dataDir: string;
  /** Every API process started (killed at teardown). */
  apis: ApiProcess[];
  /** Participants and the like, closed at teardown. */
  open: Array<{ close(): Promise<unknown> }>;
  /** An API instance on `port` with the phone configuration; `env` adds or overrides. */
  spawnApi(port: number, env?: Record<string, string>): Promise<ApiProcess>;
  stop(): Promise<void>;
}

/**
 * `appUrl`: where the emulator sends Twilio's requests; `livekitWebhook`: LiveKit's webhook URL,
 * or 'relay' for one a test can point elsewhere (livekit.setWebhookTarget).
 */
export async function startPhoneRig(opts: { label: string; appUrl: string; livekitWebhook: string | 'relay'; agents: { email: string; name: string }[] }): Promise<PhoneRig> {
  const binary: string = await findOrInstallLivekit({ log: () => {} });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `warmline-${opts.label}-`));
  const rig: Partial<PhoneRig> & { apis: ApiProcess[]; open: PhoneRig['open']; dataDir: string } = { dataDir, apis: [], open: [] };
  const stop = async () => {
    const steps: Array<() => Promise<unknown>> = [
      ...rig.open.splice(0).map((p) => () => p.close()),
      ...rig.apis.map((api) => async () => api.alive() && api.kill('SIGKILL')),
      async () => rig.twilio?.close(),
      async () => rig.livekit?.stop(),
      async () => rig.testDb?.drop(),
      async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    ];
    for (const step of steps) await step().catch(() => undefined);
  };
  try {
    rig.livekit = await startDevLivekit({ binary, ...(opts.livekitWebhook === 'relay' ? { webhookRelay: true } : { webhookUrl: opts.livekitWebhook }), logDir: dataDir });
    rig.twilio = await startTwilioEmulator({ ...TWILIO, phoneNumber: TWILIO.number, appUrl: opts.appUrl });
    rig.testDb = await createTestDatabase();
    const db = await openDb(loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, DATABASE_URL: rig.testDb.url }));
    try {
      await migrate(db);
      for (const a of opts.agents) await createAgent(db, { ...a, password: TEST_PASSWORD });
    } finally {
      await db.close();
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const { livekit, twilio, testDb } = rig as PhoneRig;
  return {
    livekit,
    twilio,
    testDb,
    dataDir,
    apis: rig.apis,
    open: rig.open,
    async spawnApi(port, env = {}) {
      const api = await startApiProcess({
        port,
        env: {
          NODE_ENV: 'test',
          DATABASE_URL: testDb.url,
          LIVEKIT_URL: livekit.url,
          LIVEKIT_API_KEY: livekit.apiKey,
          LIVEKIT_API_SECRET: livekit.apiSecret,
          RECONCILE_INTERVAL_S: '2',
          PRESENCE_OFFLINE_AFTER_S: '600',
          DATA_DIR: dataDir,
          LOG_LEVEL: 'warn',
          TWILIO_ACCOUNT_SID: TWILIO.accountSid,
          TWILIO_AUTH_TOKEN: TWILIO.authToken,
          TWILIO_PHONE_NUMBER: TWILIO.number,
          TWILIO_API_BASE_URL: twilio.restBaseUrl,
          PUBLIC_URL: TWILIO.publicUrl,
          ...env,
        },
      });
      rig.apis.push(api);
      return api;
    },
    stop,
  };
}
