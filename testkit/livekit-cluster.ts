// The stack on a two-node LiveKit cluster (LiveKit's own multi-node mode on the Redis at
// 127.0.0.1:6379, devkit/dev-livekit-cluster.ts), shared by the cluster tests
// (server/test/livekit/cluster.test.ts, node-death.test.ts): the API talks to node 1 only
// (RoomService, tokens); one webhook recorder per node in front of the API's webhook shows which
// node sent what; agents sign in over HTTP; calls are placed until LiveKit puts one's room on the
// node a test wants.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RoomServiceClient } from 'livekit-server-sdk';
import { expect } from 'vitest';
import { startDevLivekitCluster, type DevLivekitCluster, type DevLivekitNode } from '../devkit/dev-livekit-cluster.js';
import { findOrInstallLivekit } from '../devkit/ensure-livekit.mjs';
import { createAgent } from '../server/src/store/agents-admin.js';
import { client, freePort, startStack, TEST_PASSWORD, type Stack } from './stack.js';
import { startWebhookTap, type WebhookTap } from './webhook-tap.js';

export interface ClusterStack {
  cluster: DevLivekitCluster;
  stack: Stack;
  /** One RoomService client per node (the API's own client is node 1's). */
  rooms: RoomServiceClient[];
  /** One webhook recorder per node, in front of the API's /livekit/webhook. */
  taps: WebhookTap[];
  /** Agent ids by login name (alice, bob, carol and the `extraAgents`). */
  ids: Record<string, string>;
  /** An HTTP client signed in as `who` (one login per agent, kept). */
  as(who: string): Promise<ReturnType<typeof client>>;
  /** What LiveKit says `identity` may do in `room`, asked through node `i`'s RoomService (null: not listed). */
  permVia(i: number, room: string, identity: string): Promise<{ canPublish: boolean; canSubscribe: boolean } | null>;
  /**
   * Places calls until LiveKit puts one's room on node `host` (random placement: 1/2 a try); the
   * others are hung up.
   */
  callHostedOn(host: number): Promise<{ id: string; room: string; token: string; livekitUrl: string; callerKey: string; tries: number }>;
  /** Stops everything that was started; never throws. */
  stop(): Promise<void>;
}

export interface ClusterStackOptions {
  env?: Record<string, string>;
  /** Agents created besides the stack's alice, bob and carol (login `<name>@warmline.test`). */
  extraAgents?: string[];
}

export async function startClusterStack(opts: ClusterStackOptions = {}): Promise<ClusterStack> {
  const binary: string = await findOrInstallLivekit({ log: () => {} });
  const port = await freePort();
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warmline-cluster-'));
  const taps: WebhookTap[] = [];
  let cluster: DevLivekitCluster | undefined;
  let stack: Stack | undefined;
  const stop = async () => {
    const steps: Array<() => Promise<unknown>> = [
      async () => stack?.stop(),
      async () => cluster?.stop(),
      ...taps.map((t) => () => t.close()),
      async () => fs.rmSync(logDir, { recursive: true, force: true }),
    ];
    for (const step of steps) await step().catch(() => undefined);
  };
  try {
    for (let i = 0; i < 2; i++) taps.push(await startWebhookTap(() => `http://127.0.0.1:${port}/livekit/webhook`));
    cluster = await startDevLivekitCluster({ binary, nodes: 2, logDir, webhookUrl: (i) => taps[i]!.url });
    const rooms = cluster.nodes.map((n) => new RoomServiceClient(n.httpUrl, n.apiKey, n.apiSecret));
    stack = await startStack({ livekit: cluster.nodes[0]!, port, env: opts.env });
    const ids: Record<string, string> = {};
    for (const who of ['alice', 'bob', 'carol'] as const) ids[who] = stack.agents[who].id;
    for (const who of opts.extraAgents ?? []) {
      const name = who.charAt(0).toUpperCase() + who.slice(1);
      ids[who] = await createAgent(stack.deps.db, { email: `${who}@warmline.test`, name, password: TEST_PASSWORD });
    }
    const tokens = new Map<string, string>();
    const s = stack;
    const c = cluster;
    return {
      cluster: c,
      stack: s,
      rooms,
      taps,
      ids,
      stop,
      async as(who) {
        if (!tokens.has(who)) {
          const res = await client(s.baseUrl)('POST', '/api/auth/login', { email: `${who}@warmline.test`, password: TEST_PASSWORD });
          if (res.status !== 200) throw new Error(`login ${who}: ${res.status}`);
          tokens.set(who, res.body.token);
        }
        return client(s.baseUrl, tokens.get(who));
      },
      async permVia(i, room, identity) {
        const p = (await rooms[i]!.listParticipants(room)).find((x) => x.identity === identity);
        return p ? { canPublish: p.permission?.canPublish ?? false, canSubscribe: p.permission?.canSubscribe ?? false } : null;
      },
      // LiveKit only places rooms on nodes whose stats in Redis are under 5 s old (livekit-server
      // pkg/routing/selector/utils.go AvailableSeconds): on a loaded CI machine a node can miss its
      // updates for a while (12 quick tries all landed on node 1 once), so a miss waits a little.
      async callHostedOn(host) {
        const TRIES = 30;
        for (let i = 0; i < TRIES; i++) {
          const created = await client(s.baseUrl)('POST', '/api/calls', { name: 'Cluster', reason: 'Invoice 8812 charged twice' });
          expect(created.status, JSON.stringify(created.body)).toBe(201);
          if ((await c.hostOf(created.body.room)) === host) return { ...created.body, tries: i + 1 };
          await client(s.baseUrl, undefined, { 'x-caller-key': created.body.callerKey })('POST', `/api/calls/${created.body.id}/hangup`);
          await new Promise((r) => setTimeout(r, 500));
        }
        throw new Error(`no room placed on node ${host + 1} in ${TRIES} calls over ~${TRIES / 2} s`);
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * kill -9 of one node's livekit-server (not a stop: no participant_left, no unregistering from
 * Redis, no goodbye to anyone). Its watchdog (devkit/dev-livekit.ts) then exits by itself.
 * Resolves once the process is gone.
 */
export async function killNode(node: DevLivekitNode): Promise<number> {
  const children = fs.readFileSync(`/proc/${node.pid}/task/${node.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  const server = children.find((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--config');
    } catch {
      return false;
    }
  });
  if (!server) throw new Error(`no livekit-server under watchdog ${node.pid} (children: ${children.join(',')})`);
  process.kill(server, 'SIGKILL');
  for (let i = 0; i < 50; i++) {
    if (!fs.existsSync(`/proc/${server}`) || /State:\s+Z/.test(readStatus(server))) return server;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`livekit-server ${server} still alive 1 s after SIGKILL`);
}

function readStatus(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return '';
  }
}
