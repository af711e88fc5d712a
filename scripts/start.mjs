// `npm start`: everything on embedded defaults (PGlite, pinned LiveKit dev server,
// local summaries) on one port. Ctrl-C stops the API and LiveKit.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT, ensureNodeModules, ensureWebBuild } from './prepare.mjs';

ensureNodeModules();
ensureWebBuild();
const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/src/main.ts')], { cwd: ROOT, stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
