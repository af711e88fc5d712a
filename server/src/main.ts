// Process entry: config → database (+migrations) → API on one port serving the web app,
// talking to the LiveKit named by LIVEKIT_URL/KEY/SECRET. `npm start` (scripts/start.mjs)
// starts a dev livekit-server first (devkit/) and passes its URL and keys. Ctrl-C stops all.
import { ConfigError, loadConfig } from './config.js';
import { buildApp } from './app.js';
import { installShutdown } from './http/shutdown.js';
import { metricsPlacement } from './metrics/endpoint.js';
import { createLivekitMedia } from './livekit/media.js';
import { countAgents } from './store/agents-repo.js';
import { DEMO_PASSWORD, seedDemoAgents } from './store/agents-admin.js';
import { openDb } from './store/db.js';
import { migrate } from './store/migrate.js';
import { describeSummaryConfig } from './summary/index.js';

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
// Production already requires them (config.ts); in development only `npm start` supplies them.
const livekit = config.livekit;
if (!livekit) {
  console.error(
    'LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET are not set. Run `npm start` from the repository root ' +
      '(it starts a development livekit-server and passes them), or point them at a LiveKit server.',
  );
  process.exit(1);
}

const say = (msg: string) => console.log(`[warmline] ${msg}`);
const db = await openDb(config);
const applied = await migrate(db);
if (applied.length) say(`database migrations applied: ${applied.join(', ')}`);
say(`database: ${config.databaseUrl ? 'Postgres (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`}`);
say(`LiveKit: ${livekit.url}`);

if (config.env !== 'production') {
  const seeded = await seedDemoAgents(db);
  if (seeded.length) say(`demo agents created: ${seeded.join(', ')} (password ${DEMO_PASSWORD})`);
} else if ((await countAgents(db)) === 0) {
  say('no agents yet: add one with `npm run add-agent -w server -- --email you@example.com --name "You"`');
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
const host = config.host === '0.0.0.0' ? 'localhost' : config.host;
const base = `http://${host}:${config.port}`;
const bearer = config.ops.metrics.token ? ' (bearer METRICS_TOKEN)' : '';
const metricsAt = {
  'main-port': `${base}/metrics${bearer}`,
  'metrics-port': `http://${host}:${config.ops.metrics.port}/metrics${bearer}`,
  off: 'off (production: set METRICS_PORT or METRICS_TOKEN)',
}[metricsPlacement(config)];
say(
  `ready:\n  caller page    ${base}/\n  agent console  ${base}/agent\n` +
    `  API docs       ${config.ops.apiDocs ? `${base}/docs` : 'off (API_DOCS=1 turns them on)'}\n` +
    `  health         ${base}/health\n  metrics        ${metricsAt}`,
);

// SIGTERM/SIGINT drain and exit within SHUTDOWN_TIMEOUT_MS (http/shutdown.ts).
installShutdown({ app, db, timeoutMs: config.ops.shutdownTimeoutMs, say });
