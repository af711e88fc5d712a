/**
 * N dev livekit-server nodes forming one LiveKit cluster (its own multi-node mode): every
 * node is ./dev-livekit.ts on its own free loopback ports, all pointing at one Redis.
 *
 * What LiveKit 1.13.5 does with that (read in livekit/livekit, measured in
 * server/test/livekit/cluster.test.ts): nodes register in the Redis hash `nodes`; a room is
 * pinned to ONE node, chosen at random among live nodes when it is created (`room_node_map`);
 * RoomService calls and signal connections reaching any other node are relayed to that node
 * over Redis (psrpc), and media goes straight to the hosting node's RTC ports.
 *
 * Isolation: Redis keys are per database, so each cluster claims a database of its own
 * (`SET warmline:cluster … NX` in db 1–15, empty or used by us before); two test runs on one machine then
 * never merge into one cluster (a room of ours placed on their node would send its webhooks
 * to their API). Pub/sub is not per database, but LiveKit's channels carry node ids and
 * room names, which are unique.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { startDevLivekit, type DevLivekit, type DevLivekitOptions } from './dev-livekit.js';

export const DEFAULT_REDIS = '127.0.0.1:6379';
const CLAIM_KEY = 'warmline:cluster';
/** Stays while a cluster of ours uses the db, and after a killed one: only such a db (or an empty one) is emptied. */
const MARK_KEY = 'warmline:cluster-db';
const CLAIM_TTL_S = 180;

export interface DevLivekitClusterOptions extends Omit<DevLivekitOptions, 'webhookUrl' | 'ports' | 'redis' | 'region'> {
  /** Number of nodes. Default 2. */
  nodes?: number;
  /** host:port of the shared Redis. Default 127.0.0.1:6379. */
  redisAddress?: string;
  /** Webhook target of each node (LiveKit sends a room's webhooks from the node hosting it). */
  webhookUrl?: string | ((index: number) => string | undefined);
}

export interface DevLivekitNode extends DevLivekit {
  /** LiveKit's node id (ND_…), as it logs and registers it. */
  nodeId: string;
  region: string;
}

export interface DevLivekitCluster {
  nodes: DevLivekitNode[];
  redis: { address: string; db: number };
  /** Index in `nodes` of the node hosting `room` (Redis `room_node_map`), or null if none. */
  hostOf(room: string): Promise<number | null>;
  /** Node ids registered in Redis right now. */
  registered(): Promise<string[]>;
  stop(): Promise<void>;
}

/** Runs commands on one connection after SELECT db; resolves with their replies (RESP2). */
export function redisCommands(address: string, db: number, commands: string[][]): Promise<unknown[]> {
  const [host, port] = address.split(':');
  const all = [['SELECT', String(db)], ...commands];
  const wire = all.map((c) => `*${c.length}\r\n` + c.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')).join('');
  return new Promise((resolve, reject) => {
    const sock = connect({ host: host ?? '127.0.0.1', port: Number(port ?? 6379) });
    let buf = Buffer.alloc(0);
    const fail = (err: Error): void => {
      sock.destroy();
      reject(err);
    };
    sock.setTimeout(5000, () => fail(new Error(`redis ${address}: no answer within 5 s`)));
    sock.on('error', (err) => fail(new Error(`redis ${address}: ${err.message}`)));
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      const replies: unknown[] = [];
      let at = 0;
      while (replies.length < all.length) {
        const r = parse(buf, at);
        if (!r) return; // incomplete: wait for more bytes
        replies.push(r.value);
        at = r.next;
      }
      sock.end();
      const err = replies.find((r): r is Error => r instanceof Error);
      if (err) reject(new Error(`redis ${address}: ${err.message}`));
      else resolve(replies.slice(1));
    });
    sock.write(wire);
  });
}

function parse(buf: Buffer, at: number): { value: unknown; next: number } | null {
  const eol = buf.indexOf('\r\n', at);
  if (eol < 0) return null;
  const line = buf.toString('utf8', at + 1, eol);
  const next = eol + 2;
  switch (String.fromCharCode(buf[at]!)) {
    case '+':
      return { value: line, next };
    case '-':
      return { value: new Error(line), next };
    case ':':
      return { value: Number(line), next };
    case '$': {
      const n = Number(line);
      if (n < 0) return { value: null, next };
      if (buf.length < next + n + 2) return null;
      return { value: buf.toString('utf8', next, next + n), next: next + n + 2 };
    }
    case '*': {
      const items: unknown[] = [];
      let pos = next;
      for (let i = 0; i < Number(line); i++) {
        const r = parse(buf, pos);
        if (!r) return null;
        items.push(r.value);
        pos = r.next;
      }
      return { value: items, next: pos };
    }
    default:
      throw new Error(`unexpected redis reply: ${line}`);
  }
}

/**
 * Claims a Redis database that is empty or was ours, and empties it (leftovers of a killed
 * cluster would be live-looking nodes and rooms). Someone else's data is never touched.
 */
async function claimDatabase(address: string, token: string): Promise<number> {
  for (let db = 1; db <= 15; db++) {
    const [ok] = await redisCommands(address, db, [['SET', CLAIM_KEY, token, 'NX', 'EX', String(CLAIM_TTL_S)]]);
    if (ok !== 'OK') continue;
    const [keys] = (await redisCommands(address, db, [['KEYS', '*']])) as [string[]];
    const stale = keys.filter((k) => k !== CLAIM_KEY && k !== MARK_KEY);
    if (stale.length && !keys.includes(MARK_KEY)) {
      await redisCommands(address, db, [['DEL', CLAIM_KEY]]); // not ours: leave it as it was
      continue;
    }
    if (stale.length) await redisCommands(address, db, [['DEL', ...stale]]);
    await redisCommands(address, db, [['SET', MARK_KEY, '1']]);
    return db;
  }
  throw new Error(`redis ${address}: databases 1–15 are all in use (claimed by a running cluster, or holding others' data)`);
}

async function nodeIdOf(node: DevLivekit): Promise<string> {
  // Logged once at start ("starting LiveKit server" {"nodeID": "ND_…"}), before it serves HTTP.
  for (let i = 0; i < 50; i++) {
    const m = /"nodeID": "(ND_[A-Za-z0-9]+)"/.exec(readFileSync(node.logFile, 'utf8'));
    if (m) return m[1]!;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no nodeID in ${node.logFile}`);
}

export async function startDevLivekitCluster(opts: DevLivekitClusterOptions): Promise<DevLivekitCluster> {
  const { nodes: count = 2, redisAddress = DEFAULT_REDIS, webhookUrl, ...nodeOpts } = opts;
  const token = randomUUID();
  const db = await claimDatabase(redisAddress, token);
  const renew = setInterval(() => {
    void redisCommands(redisAddress, db, [['EXPIRE', CLAIM_KEY, String(CLAIM_TTL_S)]]).catch(() => undefined);
  }, 60_000);
  renew.unref();
  const nodes: DevLivekitNode[] = [];
  const stop = async (): Promise<void> => {
    clearInterval(renew);
    await Promise.all(nodes.map((n) => n.stop()));
    // Stopped nodes unregister themselves; a killed one would not, so empty the database anyway.
    const [owner] = await redisCommands(redisAddress, db, [['GET', CLAIM_KEY]]).catch(() => [null]);
    if (owner === token) await redisCommands(redisAddress, db, [['FLUSHDB']]).catch(() => undefined);
  };
  try {
    for (let i = 0; i < count; i++) {
      const region = `node-${i + 1}`;
      const url = typeof webhookUrl === 'function' ? webhookUrl(i) : webhookUrl;
      const node = await startDevLivekit({ ...nodeOpts, ...(url ? { webhookUrl: url } : {}), redis: { address: redisAddress, db }, region });
      nodes.push(Object.assign(node, { nodeId: await nodeIdOf(node), region }));
    }
    const registered = async (): Promise<string[]> => ((await redisCommands(redisAddress, db, [['HKEYS', 'nodes']])) as [string[]])[0];
    // The cluster is formed once every node is in the `nodes` hash (rooms are placed from it).
    for (let i = 0; ; i++) {
      const ids = await registered();
      if (nodes.every((n) => ids.includes(n.nodeId))) break;
      if (i > 100) throw new Error(`nodes not registered in redis db ${db}: ${JSON.stringify(ids)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return {
      nodes,
      redis: { address: redisAddress, db },
      registered,
      async hostOf(room) {
        const [id] = await redisCommands(redisAddress, db, [['HGET', 'room_node_map', room]]);
        const i = nodes.findIndex((n) => n.nodeId === id);
        return i < 0 ? null : i;
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
