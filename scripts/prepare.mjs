// Shared by `npm start` and `npm test`: install what is missing, build the web app
// when its sources changed. Plain Node, no dependencies, so it runs before npm install.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const say = (m) => console.log(`[warmline] ${m}`);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status})`);
}

function newestMtime(p) {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...fs.readdirSync(p).map((f) => newestMtime(path.join(p, f))));
}

export function ensureNodeModules() {
  const marker = path.join(ROOT, 'node_modules', '.package-lock.json');
  const lock = path.join(ROOT, 'package-lock.json');
  if (fs.existsSync(marker) && fs.statSync(marker).mtimeMs >= fs.statSync(lock).mtimeMs) return;
  say('installing npm packages (first run)…');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

export function ensureWebBuild() {
  const dist = path.join(ROOT, 'web', 'dist', 'index.html');
  // The web bundles @warmline/contract from source: a change there needs a new build too.
  const src = Math.max(...['web/src', 'web/index.html', 'contract/src'].map((p) => newestMtime(path.join(ROOT, p))));
  if (fs.existsSync(dist) && fs.statSync(dist).mtimeMs >= src) return;
  say('building the web app…');
  run('npm', ['run', 'build', '-w', 'web', '--silent']);
}

/** The tests and benchmarks need a Postgres where they may CREATE DATABASE. */
export async function ensurePostgres() {
  const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const { default: pg } = await import('pg'); // after npm install
  try {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    await c.connect();
    await c.end();
  } catch (err) {
    console.error(`Postgres is not reachable at ${url} (${err.message}); set TEST_DATABASE_URL to a server where the user may CREATE DATABASE.`);
    process.exit(1);
  }
}
