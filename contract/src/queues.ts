// Queues (skill groups): where a waiting call waits and whose agents see it first.
// A deployment names its queues in QUEUES (server/src/config-queues.ts); 'general' always exists.

/** Every call without a chosen topic waits here, and an agent in no queue belongs to it. */
export const DEFAULT_QUEUE_ID = 'general';

/** A queue id is a slug: lower-case letters, digits, '-' and '_', at most 40 characters. */
export const QUEUE_ID_PATTERN = '^[a-z0-9][a-z0-9_-]{0,39}$';
