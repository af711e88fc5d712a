// Adds an agent: `npm run add-agent -- --email e --name "N" [--supervisor] [--queues billing,technical]`
// (password read from WARMLINE_AGENT_PASSWORD or asked for on the terminal, never from argv). A
// supervisor reads every call. --queues: the queues they answer first (QUEUES names them; none: general).
import { parseArgs } from 'node:util';
import readline from 'node:readline/promises';
import { loadConfig } from '../config.js';
import { applyQueueConfig } from '../services/queues.js';
import { createAgent } from '../store/agents-admin.js';
import { openDb } from '../store/db.js';
import { migrate } from '../store/migrate.js';

const { values } = parseArgs({
  options: { email: { type: 'string' }, name: { type: 'string' }, supervisor: { type: 'boolean' }, queues: { type: 'string' } },
});
if (!values.email || !values.name) {
  console.error('usage: npm run add-agent -- --email agent@example.com --name "Agent Name" [--supervisor] [--queues billing,technical]');
  process.exit(2);
}
const queues = (values.queues ?? '').split(',').map((q) => q.trim()).filter(Boolean);
let password = process.env.WARMLINE_AGENT_PASSWORD;
if (!password) {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  password = await rl.question('Password (min 10 characters): ');
  rl.close();
}
const config = loadConfig();
const db = await openDb(config);
try {
  await migrate(db);
  await applyQueueConfig(db, config.queues); // the queues QUEUES names exist before the agent joins them
  const role = values.supervisor ? 'supervisor' : 'agent';
  const id = await createAgent(db, { email: values.email, name: values.name, password, role, queues });
  console.log(`added ${role} ${values.email} (${id})${queues.length ? ` in ${queues.join(', ')}` : ' in general'}`);
} catch (err) {
  console.error(`could not add agent: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await db.close();
}
