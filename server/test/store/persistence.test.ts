import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import * as calls from '../../src/store/calls-repo.js';
import { createAgent, seedDemoAgents } from '../../src/store/agents-admin.js';
import { findAgentByEmail } from '../../src/store/agents-repo.js';
import { insertTransfer } from '../../src/store/transfers-repo.js';
import { createTestDatabase } from '../../../testkit/stack.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function engines(): Promise<{ name: string; open: () => Promise<Db> }[]> {
  const pg = await createTestDatabase();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warmline-pglite-'));
  cleanups.push(pg.drop, async () => fs.rmSync(dir, { recursive: true, force: true }));
  return [
    { name: 'postgres', open: () => openDb({ databaseUrl: pg.url, dataDir: dir }) },
    { name: 'pglite', open: () => openDb({ databaseUrl: null, dataDir: dir }) },
  ];
}

describe('store on real Postgres and on embedded PGlite', async () => {
  for (const engine of await engines()) {
    it(`${engine.name}: a call record and its timeline survive a restart`, async () => {
      const db1 = await engine.open();
      expect(await migrate(db1)).toContain('001_initial.sql');
      await calls.insertCall(db1, { id: 'c1', room: 'call-c1', callerName: 'Fay', reason: 'billing', callerKeyHash: 'h' });
      await calls.addCallEvent(db1, 'c1', 'created', { n: 1 });
      await db1.close(); // the process goes away

      const db2 = await engine.open();
      expect(await migrate(db2)).toEqual([]); // migrations run once
      const call = await calls.getCall(db2, 'c1');
      expect(call).toMatchObject({ id: 'c1', callerName: 'Fay', state: 'waiting' });
      expect((await calls.listCallEvents(db2, 'c1')).map((e) => e.type)).toEqual(['created']);
      await db2.close();
    });

    it(`${engine.name}: a transaction that fails leaves nothing behind`, async () => {
      const db = await engine.open();
      await migrate(db);
      await expect(
        db.tx(async (q) => {
          await calls.insertCall(q, { id: 'c2', room: 'call-c2', callerName: 'Gus', reason: '', callerKeyHash: 'h' });
          throw new Error('media failed');
        }),
      ).rejects.toThrow('media failed');
      expect(await calls.getCall(db, 'c2')).toBeNull();
      await db.close();
    });

    it(`${engine.name}: at most one open transfer per call, whatever the race`, async () => {
      const db = await engine.open();
      await migrate(db);
      const a = await createAgent(db, { email: `a-${engine.name}@x.test`, name: 'A', password: 'long-enough-pw' });
      const b = await createAgent(db, { email: `b-${engine.name}@x.test`, name: 'B', password: 'long-enough-pw' });
      await calls.insertCall(db, { id: 'c3', room: 'call-c3', callerName: 'H', reason: '', callerKeyHash: 'h' });
      const results = await Promise.allSettled(
        ['t1', 't2', 't3'].map((id) => insertTransfer(db, { id, callId: 'c3', fromAgentId: a, target: { type: 'agent', agentId: b }, notes: '', ringTimeoutS: 30 })),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      await db.close();
    });

    it(`${engine.name}: notifications reach listeners (events between API instances)`, async () => {
      const db = await engine.open();
      let heard!: (payload: string) => void;
      const got = new Promise<string>((resolve) => (heard = resolve));
      // listen() resolves once LISTEN has run: notifying before that would be lost (it was, under load).
      await db.listen('warmline_test', heard);
      await db.notify('warmline_test', 'hello');
      expect(await got).toBe('hello');
      await db.close();
    });

    it(`${engine.name}: demo agents are seeded once with hashed passwords`, async () => {
      const db = await engine.open();
      await migrate(db);
      await seedDemoAgents(db);
      expect(await seedDemoAgents(db)).toEqual([]);
      const alice = await findAgentByEmail(db, 'alice@warmline.test');
      expect(alice?.name).toBe('Alice');
      expect(alice?.passwordHash).toMatch(/^scrypt\$/);
      await db.close();
    });
  }
});
