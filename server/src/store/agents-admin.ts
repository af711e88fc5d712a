// Creating agents: the dev seed and the production CLI share this path.
import { randomUUID } from 'node:crypto';
import type { AgentRole } from '@warmline/contract';
import { hashPassword } from '../auth/passwords.js';
import { findAgentByEmail, insertAgent } from './agents-repo.js';
import type { Db } from './db.js';
import { ensureQueues, setAgentQueues } from './queues-repo.js';

export const DEMO_PASSWORD = 'warmline-demo';
/** The demo's queues besides general (QUEUES, when set, decides which stay active). */
export const DEMO_QUEUES = [
  { id: 'billing', name: 'Billing' },
  { id: 'technical', name: 'Technical support' },
];
export const DEMO_AGENTS: { email: string; name: string; role?: AgentRole; queues: string[] }[] = [
  { email: 'alice@warmline.test', name: 'Alice', queues: ['general', 'billing'] },
  { email: 'bob@warmline.test', name: 'Bob', queues: ['general', 'technical'] },
  { email: 'sam@warmline.test', name: 'Sam', role: 'supervisor', queues: ['general', 'billing', 'technical'] },
];

export async function createAgent(
  db: Db,
  input: { email: string; name: string; password: string; status?: 'available' | 'away'; role?: AgentRole; queues?: string[] },
) {
  const email = input.email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new Error(`"${input.email}" is not an email address`);
  if (!input.name.trim()) throw new Error('name must not be empty');
  if (input.password.length < 10) throw new Error('password must be at least 10 characters');
  if (await findAgentByEmail(db, email)) throw new Error(`an agent with email ${email} already exists`);
  const id = randomUUID();
  const passwordHash = await hashPassword(input.password);
  // One transaction: an unknown queue leaves no agent behind.
  await db.tx(async (q) => {
    await insertAgent(q, { id, email, name: input.name.trim(), passwordHash, status: input.status ?? 'away', role: input.role ?? 'agent' });
    if (input.queues?.length) await setAgentQueues(q, id, input.queues);
  });
  return id;
}

/** Development only: the README's demo agents, created once. */
export async function seedDemoAgents(db: Db): Promise<string[]> {
  await ensureQueues(db, DEMO_QUEUES);
  const created: string[] = [];
  for (const a of DEMO_AGENTS) {
    const existing = await findAgentByEmail(db, a.email);
    if (existing) {
      // A demo database from before queues: its demo agents join their demo queues once.
      if (!(await db.query('SELECT 1 FROM agent_queues WHERE agent_id = $1', [existing.id])).length) await setAgentQueues(db, existing.id, a.queues);
      continue;
    }
    await createAgent(db, { ...a, password: DEMO_PASSWORD });
    created.push(a.email);
  }
  return created;
}
