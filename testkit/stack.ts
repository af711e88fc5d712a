// Starts the real stack for one test file: a private livekit-server on free ports,
// a throwaway Postgres database (or PGlite), and the API listening on a free port.
// Nothing is stubbed: tests talk HTTP to the same app `npm start` runs.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { buildApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import { createLivekitMedia } from '../server/src/livekit/media.js';
import { createAgent } from '../server/src/store/agents-admin.js';
import { openDb } from '../server/src/store/db.js';
import { migrate } from '../server/src/store/migrate.js';
import { startDevLivekit, type DevLivekit } from '../devkit/dev-livekit.js';
import { findOrInstallLivekit } from '../devkit/ensure-livekit.mjs';
import { startWebhookTap, type WebhookTap } from './webhook-tap.js';

export const ADMIN_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_PASSWORD = 'correct-horse-battery';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** A fresh database on the real Postgres, dropped when the test file ends. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `warmline_test_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface Stack {
  baseUrl: string;
  livekit: DevLivekit;
  /** Only with tapWebhooks. */
  tap: WebhookTap | null;
  deps: Awaited<ReturnType<typeof buildApp>>['deps'];
  agents: Record<'alice' | 'bob' | 'carol', { id: string; email: string }>;
  login(who: 'alice' | 'bob' | 'carol'): Promise<string>;
  stop(): Promise<void>;
}

export interface StackOptions {
  database?: 'postgres' | 'pglite';
  env?: Record<string, string>;
  /** Record every webhook LiveKit sends (stack.tap) so a test can replay it. */
  tapWebhooks?: boolean;
  /** Listen here (a Twilio emulator must know the address before the API starts). */
  port?: number;
  /**
   * Use this LiveKit instead of starting one (e.g. one node of a cluster). Its owner starts and
   * stops it and points its webhooks at `port`'s /livekit/webhook; tapWebhooks does not apply.
   */
  livekit?: DevLivekit;
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const binary: string = await findOrInstallLivekit({ log: () => {} });
  const port = opts.port ?? (await freePort());
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warmline-test-'));
  const apiWebhook = `http://127.0.0.1:${port}/livekit/webhook`;
  const tap = opts.tapWebhooks ? await startWebhookTap(() => apiWebhook) : null;
  const livekit = opts.livekit ?? (await startDevLivekit({ binary, webhookUrl: tap?.url ?? apiWebhook, logDir: dataDir }));
  const testDb = opts.database === 'pglite' ? null : await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: String(port),
    DATA_DIR: dataDir,
    RATE_LIMIT_PER_MINUTE: '100000',
    WRAP_UP_TIMEOUT_S: '0', // tests that want after-call work set it (server/test/api/wrap-up.test.ts)
    ...(testDb ? { DATABASE_URL: testDb.url } : {}),
    ...opts.env,
  });
  const db = await openDb(config);
  await migrate(db);
  const agents = {} as Stack['agents'];
  for (const [key, name] of [['alice', 'Alice'], ['bob', 'Bob'], ['carol', 'Carol']] as const) {
    const email = `${key}@warmline.test`;
    agents[key] = { id: await createAgent(db, { email, name, password: TEST_PASSWORD }), email };
  }
  const { app, deps } = await buildApp({
    config,
    db,
    media: createLivekitMedia({
      url: livekit.url,
      apiKey: livekit.apiKey,
      apiSecret: livekit.apiSecret,
      timeoutMs: config.media.timeoutMs,
      tokenTtlS: config.media.tokenTtlS,
      departureTimeoutS: config.media.reconnectGraceS + 30,
    }),
    livekitKeys: { apiKey: livekit.apiKey, apiSecret: livekit.apiSecret },
    sweepIntervalMs: 250,
  });
  await app.listen({ host: '127.0.0.1', port });
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    livekit,
    tap,
    deps,
    agents,
    async login(who) {
      const res = await fetch(`${baseUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: agents[who].email, password: TEST_PASSWORD }),
      });
      if (res.status !== 200) throw new Error(`login ${who}: ${res.status}`);
      return ((await res.json()) as { token: string }).token;
    },
    async stop() {
      await app.close();
      await db.close();
      if (!opts.livekit) await livekit.stop();
      await tap?.close();
      await testDb?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Tiny JSON client: `api(stack, token)('POST', '/api/x', body)` → {status, body}. */
export function client(baseUrl: string, token?: string, headers: Record<string, string> = {}) {
  return async <T = any>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${baseUrl}${url}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed as T };
  };
}
