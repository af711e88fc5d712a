// The server/console contract: every state, reason, timeline event and error code, named once.
// Plain `as const` tuples and the types derived from them; no dependencies, so the web bundle stays small.
export * from './calls.js';
export * from './engagement.js';
export * from './errors.js';
export * from './presence.js';
export * from './queues.js';
export * from './supervision.js';
export * from './timeline.js';
export * from './transfers.js';
export * from './wrapup.js';
