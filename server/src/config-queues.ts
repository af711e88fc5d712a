// QUEUES (part of loadConfig in config.ts): the deployment's queues, synced into the database at
// start-up (store/queues-repo.ts syncQueues). "billing:Billing,technical:Technical support":
// id:name pairs in the order callers see them; 'general' always exists (name it to rename it).
// Unset: the queues already in the database stay as they are.
import { QUEUE_ID_PATTERN } from '@warmline/contract';

export interface QueueDef {
  id: string;
  name: string;
}

const ID = new RegExp(QUEUE_ID_PATTERN);

export function parseQueues(raw: string | undefined, problems: string[]): QueueDef[] | null {
  if (raw === undefined) return null;
  const defs: QueueDef[] = [];
  for (const part of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const colon = part.indexOf(':');
    const id = (colon < 0 ? part : part.slice(0, colon)).trim();
    const name = (colon < 0 ? id : part.slice(colon + 1)).trim();
    if (!ID.test(id)) problems.push(`QUEUES: "${id}" is not a queue id (lower-case letters, digits, - and _, at most 40)`);
    else if (!name || name.length > 60) problems.push(`QUEUES: the name of "${id}" must be 1 to 60 characters`);
    else if (defs.some((d) => d.id === id)) problems.push(`QUEUES: "${id}" is listed twice`);
    else defs.push({ id, name });
  }
  if (defs.length > 50) problems.push(`QUEUES: at most 50 queues (got ${defs.length})`);
  return defs;
}
