// What an agent is engaged in (GET /api/agents/me `engagement`), decided by one query on the
// server (store/agents-repo.ts) that presence reads too.

/**
 * idle: nothing; ringing: a transfer rings them; on_call: owns a live call; consulting: B after
 * accepting, A still owns the call; introducing: A while B (now the owner) meets the caller;
 * wrap_up: after-call work on the call they just finished or handed over.
 */
export const ENGAGEMENT_KINDS = ['idle', 'ringing', 'on_call', 'consulting', 'introducing', 'wrap_up'] as const;
export type EngagementKind = (typeof ENGAGEMENT_KINDS)[number];

/** Talking to someone: presence says on_call, and the console is in the call's room. */
export const ON_CALL_ENGAGEMENTS = ['on_call', 'consulting', 'introducing'] as const satisfies readonly EngagementKind[];
