// The API as its own OS process — `node --import tsx server/src/main.ts`, what `npm start` runs
// once LiveKit is up (pass LIVEKIT_URL/KEY/SECRET in `env`) — for tests that must really kill
// it (SIGKILL: no shutdown hook, no app.close) and start it again. The child is node itself (no
// npx or shell wrapper), so its pid is the process that listens. Every child still alive when
// the test process exits is SIGKILLed.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface ApiProcess {
  pid: number;
  baseUrl: string;
  /** When the process was spawned (Date.now()). */
  startedAt: number;
  /** When GET /health first answered 200 (Date.now()). */
  readyAt: number;
  /** The last lines the process wrote (stdout and stderr), for failure messages. */
  output(lines?: number): string;
  alive(): boolean;
  /** Sends `signal` and resolves with how the process ended. */
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children = new Set<ChildProcess>();
let hooked = false;
function killAllOnExit() {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const c of children) {
      try {
        c.kill('SIGKILL');
      } catch {
        /* gone */
      }
    }
  });
}

const isAlive = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;

/**
 * Spawns the API on `port` with exactly `env` (plus PATH/HOME) and resolves once GET /health answers 200.
 * `entry`: a built server (e.g. server/dist/main.js) to run with plain node instead of the sources through tsx.
 */
export async function startApiProcess(opts: { port: number; env: Record<string, string>; readyTimeoutMs?: number; entry?: string }): Promise<ApiProcess> {
  const startedAt = Date.now();
  // Nothing inherited that the config reads (a developer's DATABASE_URL, LIVEKIT_*, NODE_OPTIONS).
  const base: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'TMPDIR', 'LANG']) if (process.env[k]) base[k] = process.env[k]!;
  const args = opts.entry ? [opts.entry] : ['--import', 'tsx', 'server/src/main.ts'];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...base, ...opts.env, PORT: String(opts.port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  killAllOnExit();
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  let out = '';
  const keep = (b: Buffer) => {
    out = (out + b.toString('utf8')).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const output = (lines = 40) => out.split('\n').slice(-lines).join('\n');
  const baseUrl = `http://127.0.0.1:${opts.port}`;

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 90_000);
  let readyAt = 0;
  while (!readyAt) {
    if (!isAlive(child)) throw new Error(`the API exited during start (${child.exitCode ?? child.signalCode}):\n${output()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the API did not answer GET /health with 200 in time:\n${output()}`);
    }
    try {
      const r = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(1000) });
      await r.text();
      if (r.status === 200) readyAt = Date.now();
    } catch {
      /* not listening yet */
    }
    if (!readyAt) await new Promise((r) => setTimeout(r, 100));
  }

  return {
    pid: child.pid!,
    baseUrl,
    startedAt,
    readyAt,
    output,
    alive: () => isAlive(child),
    async kill(signal = 'SIGKILL') {
      if (isAlive(child)) process.kill(child.pid!, signal);
      return exit;
    },
  };
}
