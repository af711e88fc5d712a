// Creating agents: the dev seed and the production CLI share this path.
import { randomUUID } from 'node:crypto';
import type { AgentRole } from '@warmline/contract';
import { hashPassword } from '../auth/passwords.js';
import { findAgentByEmail, insertAgent } from './agents-repo.js';
import type { Db } from './db.js';

export const DEMO_PASSWORD = 'warmline-demo';
export const DEMO_AGENTS: { email: string; name: string; role?: AgentRole }[] = [
  { email: 'alice@warmline.test', name: 'Alice' },
  { email: 'bob@warmline.test', name: 'Bob' },
  { email: 'sam@warmline.test', name: 'Sam', role: 'supervisor' },
];

export async function createAgent(
  db: Db,
  input: { email: string; name: string; password: string; status?: 'available' | 'away'; role?: AgentRole },
) {
  const email = input.email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new Error(`"${input.email}" is not an email address`);
  if (!input.name.trim()) throw new Error('name must not be empty');
  if (input.password.length < 10) throw new Error('password must be at least 10 characters');
  if (await findAgentByEmail(db, email)) throw new Error(`an agent with email ${email} already exists`);
  const id = randomUUID();
  await insertAgent(db, { id, email, name: input.name.trim(), passwordHash: await hashPassword(input.password), status: input.status ?? 'away', role: input.role ?? 'agent' });
  return id;
}

/** Development only: the README's demo agents, created once. */
export async function seedDemoAgents(db: Db): Promise<string[]> {
  const created: string[] = [];
  for (const a of DEMO_AGENTS) {
    if (await findAgentByEmail(db, a.email)) continue;
    await createAgent(db, { ...a, password: DEMO_PASSWORD });
    created.push(a.email);
  }
  return created;
}
