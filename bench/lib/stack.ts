// Parent side of bench/lib/stack-child.ts: starts the stack in its own Node process
// and offers agent creation (createAgent + a minted session) over IPC.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BenchAgent {
  id: string;
  email: string;
  token: string;
}

export type ChildRequest = { op: 'agents'; reqId: number; count: number; prefix: string } | { op: 'stop'; reqId: number };
export type ChildReply =
  | { op: 'ready'; baseUrl: string; livekit: { url: string; httpUrl: string; apiKey: string; apiSecret: string }; agents: Record<string, BenchAgent>; pid: number }
  | { op: 'agents'; reqId: number; agents: BenchAgent[] }
  | { op: 'stopping'; reqId: number }
  | { op: 'error'; reqId: number; message: string };

export interface BenchStack {
  baseUrl: string;
  livekit: { url: string; httpUrl: string; apiKey: string; apiSecret: string };
  agents: Record<'alice' | 'bob' | 'carol', BenchAgent>;
  pid: number;
  createAgents(count: number, prefix: string): Promise<BenchAgent[]>;
  stop(): Promise<void>;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');

/** RATE_LIMIT_PER_MINUTE: the server's config accepts at most 100000 (per minute, per IP). */
// Benchmarks measure media and API cost, not presence: their agents need no open console.
export const BENCH_ENV: Record<string, string> = { RATE_LIMIT_PER_MINUTE: '100000', LOG_LEVEL: 'warn', PRESENCE_OFFLINE_AFTER_S: '600' };

export async function startBenchStack(env: Record<string, string> = {}, startTimeoutMs = 60_000): Promise<BenchStack> {
  const child: ChildProcess = fork(path.join(HERE, 'stack-child.ts'), [], {
    cwd: ROOT,
    // BENCH_API_CPU_PROF=<dir>: the API process writes a V8 CPU profile there when it stops.
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_API_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_API_CPU_PROF}`] : [])],
    env: { ...process.env, NODE_ENV: 'test', BENCH_STACK_ENV: JSON.stringify({ ...BENCH_ENV, ...env }) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let reqId = 0;
  const pending = new Map<number, { resolve: (m: ChildReply) => void; reject: (e: Error) => void }>();
  let exited = false;
  const exitedP = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const ready = new Promise<Extract<ChildReply, { op: 'ready' }>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bench stack did not start within ${startTimeoutMs} ms`)), startTimeoutMs);
    child.on('message', (raw) => {
      const m = raw as ChildReply;
      if (m.op === 'ready') {
        clearTimeout(timer);
        resolve(m);
        return;
      }
      if (m.op === 'error' && m.reqId === 0) {
        clearTimeout(timer);
        reject(new Error(`bench stack failed to start:\n${m.message}`));
        return;
      }
      const p = pending.get(m.reqId);
      if (!p) return;
      pending.delete(m.reqId);
      if (m.op === 'error') p.reject(new Error(m.message));
      else p.resolve(m);
    });
    child.once('exit', (code) => {
      exited = true;
      clearTimeout(timer);
      reject(new Error(`bench stack process exited (code ${code})`));
      for (const p of pending.values()) p.reject(new Error(`bench stack process exited (code ${code})`));
      pending.clear();
    });
  });

  let info: Extract<ChildReply, { op: 'ready' }>;
  try {
    info = await ready;
  } catch (err) {
    if (!exited) child.kill('SIGTERM');
    throw err;
  }

  const call = (req: { op: 'agents'; count: number; prefix: string } | { op: 'stop' }, timeoutMs: number): Promise<ChildReply> =>
    new Promise((resolve, reject) => {
      if (exited) return reject(new Error('bench stack process is gone'));
      const id = ++reqId;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`bench stack: ${req.op} timed out`));
      }, timeoutMs);
      pending.set(id, {
        resolve: (m) => (clearTimeout(timer), resolve(m)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      child.send({ ...req, reqId: id } as ChildRequest);
    });

  return {
    baseUrl: info.baseUrl,
    livekit: info.livekit,
    agents: info.agents as BenchStack['agents'],
    pid: info.pid,
    async createAgents(count, prefix) {
      const r = await call({ op: 'agents', count, prefix }, 120_000);
      if (r.op !== 'agents') throw new Error(`unexpected reply ${r.op}`);
      return r.agents;
    },
    async stop() {
      if (exited) return;
      await call({ op: 'stop' }, 5_000).catch(() => {});
      const t = setTimeout(() => !exited && child.kill('SIGKILL'), 25_000);
      await exitedP;
      clearTimeout(t);
    },
  };
}
