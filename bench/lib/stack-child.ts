// Child process that hosts the real stack (livekit-server, throwaway Postgres database,
// the API) for a benchmark, so that the API gets its own event loop: the load generator
// and the audio participants run in the parent and cannot delay the server, nor the
// server their timestamps. Talks to the parent over the fork IPC channel.
import { newSecret } from '../../server/src/auth/secrets.js';
import { SESSION_TTL_S } from '../../server/src/http/auth.js';
import { createAgent } from '../../server/src/store/agents-admin.js';
import { insertSession, markSessionPresent } from '../../server/src/store/sessions-repo.js';
import { startStack, TEST_PASSWORD, type Stack } from '../../testkit/stack.js';
import type { BenchAgent, ChildReply, ChildRequest } from './stack.js';

const send = (m: ChildReply) => process.send?.(m);
let stack: Stack | null = null;
let stopping = false;

/** A session token minted like /api/auth/login does (login itself allows 20 per minute). */
async function mintToken(agentId: string): Promise<string> {
  const token = newSecret();
  await insertSession(stack!.deps.db, stack!.deps.secrets.hash(token), agentId, new Date(Date.now() + SESSION_TTL_S * 1000));
  // No console (event stream) is simulated, so the session is marked present for its whole life;
  // otherwise the agent would be offline after PRESENCE_OFFLINE_AFTER_S and never a transfer target.
  await markSessionPresent(stack!.deps.db, stack!.deps.secrets.hash(token), SESSION_TTL_S);
  return token;
}

async function createAgents(count: number, prefix: string): Promise<BenchAgent[]> {
  const out: BenchAgent[] = [];
  const concurrency = 4; // scrypt runs on the libuv pool
  let next = 0;
  async function worker() {
    while (next < count) {
      const i = next++;
      const email = `${prefix}-${i}@bench.test`;
      const id = await createAgent(stack!.deps.db, { email, name: `${prefix} ${i}`, password: TEST_PASSWORD, status: 'available' });
      out[i] = { id, email, token: await mintToken(id) };
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return out;
}

async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  const timer = setTimeout(() => process.exit(code || 1), 20_000);
  try {
    await stack?.stop();
  } catch (err) {
    console.error('[bench stack] stop failed:', err);
  }
  clearTimeout(timer);
  process.exit(code);
}

process.on('disconnect', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
process.on('message', (raw) => {
  const m = raw as ChildRequest;
  void (async () => {
    try {
      if (m.op === 'agents') send({ op: 'agents', reqId: m.reqId, agents: await createAgents(m.count, m.prefix) });
      else if (m.op === 'stop') {
        send({ op: 'stopping', reqId: m.reqId });
        await stop(0);
      }
    } catch (err) {
      send({ op: 'error', reqId: m.reqId, message: err instanceof Error ? err.stack ?? err.message : String(err) });
    }
  })();
});

try {
  const env = JSON.parse(process.env.BENCH_STACK_ENV ?? '{}') as Record<string, string>;
  stack = await startStack({ env });
  const agents: Record<string, BenchAgent> = {};
  for (const who of ['alice', 'bob', 'carol'] as const) {
    const a = stack.agents[who];
    agents[who] = { id: a.id, email: a.email, token: await mintToken(a.id) };
  }
  send({ op: 'ready', baseUrl: stack.baseUrl, livekit: { url: stack.livekit.url, httpUrl: stack.livekit.httpUrl, apiKey: stack.livekit.apiKey, apiSecret: stack.livekit.apiSecret }, agents, pid: process.pid });
} catch (err) {
  send({ op: 'error', reqId: 0, message: err instanceof Error ? err.stack ?? err.message : String(err) });
  await stop(1);
}
