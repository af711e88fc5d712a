// `npm run bench [-- join|handoff|api ...]`: the benchmarks of bench/ (see bench/README.md).
// Plain Node. Installs npm packages if missing; the web build is not needed (the
// benchmarks talk to the API and LiveKit only), so it is not built here.
import { spawnSync } from 'node:child_process';
import { ROOT, ensureNodeModules } from './prepare.mjs';

ensureNodeModules();
const { findOrInstallLivekit } = await import('./ensure-livekit.mjs');
await findOrInstallLivekit({ log: (m) => console.log(`[warmline] ${m}`) });

const pgUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const { default: pg } = await import('pg'); // after npm install
try {
  const c = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 3000 });
  await c.connect();
  await c.end();
} catch (err) {
  console.error(`Postgres is not reachable at ${pgUrl} (${err.message}); set TEST_DATABASE_URL to a server where the user may CREATE DATABASE.`);
  process.exit(1);
}

const r = spawnSync('npx', ['tsx', 'bench/run.ts', ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit' });
process.exit(r.status ?? 1);
