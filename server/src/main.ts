// Process entry: config → database (+migrations) → LiveKit (the pinned dev server
// when LIVEKIT_URL is unset) → API on one port serving the web app. Ctrl-C stops all.
import { ConfigError, loadConfig } from './config.js';
import { buildApp } from './app.js';
import { startDevLivekit, type DevLivekit } from './livekit/dev-server.js';
import { createLivekitMedia } from './livekit/media.js';
import { countAgents } from './store/agents-repo.js';
import { DEMO_PASSWORD, seedDemoAgents } from './store/agents-admin.js';
import { openDb } from './store/db.js';
import { migrate } from './store/migrate.js';
import { describeSummaryConfig } from './summary/index.js';
import { findOrInstallLivekit } from '../../scripts/ensure-livekit.mjs';

let config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}

const say = (msg: string) => console.log(`[warmline] ${msg}`);
const db = await openDb(config);
const applied = await migrate(db);
if (applied.length) say(`database migrations applied: ${applied.join(', ')}`);
say(`database: ${config.databaseUrl ? 'Postgres (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`}`);

if (config.env !== 'production') {
  const seeded = await seedDemoAgents(db);
  if (seeded.length) say(`demo agents created: ${seeded.join(', ')} (password ${DEMO_PASSWORD})`);
} else if ((await countAgents(db)) === 0) {
  say('no agents yet: add one with `npm run add-agent -w server -- --email you@example.com --name "You"`');
}

let devLivekit: DevLivekit | null = null;
let livekit = config.livekit;
if (!livekit) {
  const binary: string = await findOrInstallLivekit({ log: (m: string) => say(m) });
  devLivekit = await startDevLivekit({
    binary,
    webhookUrl: `http://127.0.0.1:${config.port}/livekit/webhook`,
    logDir: config.dataDir,
    log: (m) => say(m),
  });
  livekit = { url: devLivekit.url, apiKey: devLivekit.apiKey, apiSecret: devLivekit.apiSecret };
  say(`LiveKit dev server ${devLivekit.url} (log: ${devLivekit.logFile})`);
}

const { app } = await buildApp({
  config,
  db,
  media: createLivekitMedia({
    ...livekit,
    timeoutMs: config.media.timeoutMs,
    tokenTtlS: config.media.tokenTtlS,
    departureTimeoutS: config.media.reconnectGraceS + 30, // an empty room outlives every grace period
  }),
  livekitKeys: { apiKey: livekit.apiKey, apiSecret: livekit.apiSecret },
});
await app.listen({ host: config.host, port: config.port });
say(`summaries: ${describeSummaryConfig(config.summary)}`);
const base = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
say(`ready:\n  caller page    ${base}/\n  agent console  ${base}/agent\n  API docs       ${base}/docs\n  health         ${base}/health`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  say(`${signal}: shutting down`);
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  await app.close().catch(() => {});
  await devLivekit?.stop().catch(() => {});
  await db.close().catch(() => {});
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
