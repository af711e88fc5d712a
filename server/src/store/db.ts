// One small database interface over two engines: a real Postgres (pg) when
// DATABASE_URL is set, embedded PGlite (WASM Postgres in DATA_DIR) otherwise.
// Same SQL, same migrations, same LISTEN/NOTIFY for events between instances.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { dbPoolWait } from '../metrics/registry.js';

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** `('a', 'b')` for `IN` from the contract's own names (constants, never user input), so SQL lists cannot drift. */
export const sqlList = (names: readonly string[]) => `(${names.map((n) => `'${n.replace(/'/g, "''")}'`).join(', ')})`;

export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs fn in one transaction; rows locked with FOR UPDATE stay locked until it ends. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  close(): Promise<void>;
}

export async function openDb(opts: { databaseUrl: string | null; dataDir: string; databasePoolSize?: number }): Promise<Db> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, opts.databasePoolSize ?? 10) : openPglite(path.join(opts.dataDir, 'pgdata'));
}

// Each statement the app sends with parameters is a named prepared statement (once per pooled
// connection): Postgres then parses it once and, after a few runs, reuses a generic plan, instead
// of parsing and planning it on every run. Measured by `npm run bench -- scale` (issue 13): the
// presence query's planning was a large share of Postgres's CPU. Names are a hash of the text, so
// one text is one statement whatever builds it; DDL and parameterless statements stay unnamed.
const PREPARABLE = /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i;
const names = new Map<string, string>();
export function statementName(sql: string, params: unknown[]): string | undefined {
  if (params.length === 0 || !PREPARABLE.test(sql)) return undefined;
  let name = names.get(sql);
  if (!name) {
    // Texts are code, not data; past the cap (a text built from data would be a bug) they go unnamed
    // rather than fill every connection with statements.
    if (names.size >= 2000) return undefined;
    name = `w_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    names.set(sql, name);
  }
  return name;
}
const statement = (text: string, values: unknown[]) => ({ text, values, name: statementName(text, values) });

async function openPostgres(url: string, poolSize: number): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  pool.on('error', () => {}); // idle client errors surface on the next query instead
  await pool.query('SELECT 1');
  let listener: pg.Client | null = null;
  const handlers = new Map<string, Set<(p: string) => void>>();

  async function ensureListener(): Promise<pg.Client> {
    if (listener) return listener;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    client.on('notification', (msg) => {
      for (const h of handlers.get(msg.channel) ?? []) h(msg.payload ?? '');
    });
    client.on('error', () => {
      // Reconnect lazily and re-subscribe every channel we were listening on.
      listener = null;
      setTimeout(() => void resubscribe(), 500);
    });
    listener = client;
    return client;
  }
  async function resubscribe() {
    try {
      const c = await ensureListener();
      for (const ch of handlers.keys()) await c.query(`LISTEN "${ch}"`);
    } catch {
      setTimeout(() => void resubscribe(), 1000);
    }
  }

  /** A pooled connection, its wait measured (dbPoolWait). */
  const connect = async () => {
    const started = performance.now();
    const client = await pool.connect();
    dbPoolWait.observe((performance.now() - started) / 1000);
    return client;
  };

  return {
    kind: 'postgres',
    async query<T>(sql: string, params: unknown[] = []) {
      const client = await connect();
      try {
        return (await client.query(statement(sql, params))).rows as T[];
      } finally {
        client.release();
      }
    },
    async tx<T>(fn: (q: Queryable) => Promise<T>) {
      const client = await connect();
      try {
        await client.query('BEGIN');
        const result = await fn({
          query: async <R>(sql: string, params: unknown[] = []) => (await client.query(statement(sql, params))).rows as R[],
        });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async listen(channel, onPayload) {
      assertChannel(channel);
      const set = handlers.get(channel) ?? new Set();
      const first = set.size === 0;
      set.add(onPayload);
      handlers.set(channel, set);
      if (first) await (await ensureListener()).query(`LISTEN "${channel}"`);
      return async () => {
        set.delete(onPayload);
      };
    },
    async notify(channel, payload) {
      const client = await connect();
      try {
        await client.query('SELECT pg_notify($1, $2)', [channel, payload]);
      } finally {
        client.release();
      }
    },
    async close() {
      await listener?.end().catch(() => {});
      await pool.end();
    },
  };
}

async function openPglite(dir: string): Promise<Db> {
  fs.mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(dir);
  return {
    kind: 'pglite',
    async query<T>(sql: string, params: unknown[] = []) {
      return (await db.query(sql, params)).rows as T[];
    },
    async tx<T>(fn: (q: Queryable) => Promise<T>) {
      return db.transaction((t) =>
        fn({ query: async <R>(sql: string, params: unknown[] = []) => (await t.query(sql, params)).rows as R[] }),
      );
    },
    async listen(channel, onPayload) {
      assertChannel(channel);
      const unsub = await db.listen(channel, onPayload);
      return async () => unsub();
    },
    async notify(channel, payload) {
      await db.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async close() {
      await db.close();
    },
  };
}

function assertChannel(channel: string) {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`bad channel name ${channel}`);
}
