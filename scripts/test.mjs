// `npm test`: the whole suite. Unit and API tests first (real LiveKit + Postgres),
// then the browser end-to-end tests one at a time (they measure audio, so they
// get the CPU to themselves). Ends with one "N passed, N failed" line.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, ensureNodeModules, ensurePostgres, ensureWebBuild } from './prepare.mjs';

ensureNodeModules();
ensureWebBuild();
const { findOrInstallLivekit } = await import('../devkit/ensure-livekit.mjs');
await findOrInstallLivekit({ log: (m) => console.log(`[warmline] ${m}`) });

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!fs.existsSync(chromium)) {
  console.error(`Chromium not found at ${chromium}: install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH.`);
  process.exit(1);
}
await ensurePostgres();

const extra = process.argv.slice(2);
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warmline-results-'));
const totals = { passed: 0, failed: 0, skipped: 0 };
let exitCode = 0;
for (const [label, projects] of [['unit + api', ['unit', 'api']], ['e2e', ['e2e']]]) {
  const out = path.join(outDir, `${projects.join('-')}.json`);
  console.log(`\n[warmline] running ${label} tests`);
  const args = ['vitest', 'run', ...projects.flatMap((p) => ['--project', p]), '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...extra];
  const r = spawnSync('npx', args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } });
  if (r.status !== 0) exitCode = 1;
  if (fs.existsSync(out)) {
    const j = JSON.parse(fs.readFileSync(out, 'utf8'));
    totals.passed += j.numPassedTests;
    totals.failed += j.numFailedTests;
    totals.skipped += j.numPendingTests + j.numTodoTests;
  } else {
    exitCode = 1;
  }
}
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
if (totals.passed === 0) exitCode = 1;
process.exit(exitCode);
