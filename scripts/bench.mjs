// `npm run bench [-- join|handoff|api ...]`: the benchmarks of bench/ (see bench/README.md).
// Plain Node. Installs npm packages if missing; the web build is not needed (the
// benchmarks talk to the API and LiveKit only), so it is not built here.
import { spawnSync } from 'node:child_process';
import { ROOT, ensureNodeModules, ensurePostgres } from './prepare.mjs';

ensureNodeModules();
const { findOrInstallLivekit } = await import('../devkit/ensure-livekit.mjs');
await findOrInstallLivekit({ log: (m) => console.log(`[warmline] ${m}`) });

await ensurePostgres();

const r = spawnSync('npx', ['tsx', 'bench/run.ts', ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit' });
process.exit(r.status ?? 1);
