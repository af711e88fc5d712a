// Wrap-up (after-call work): each agent whose part in a call ends (the call ended, or they handed
// it over) is in wrap-up until they pick a disposition, or WRAP_UP_TIMEOUT_S passes.

/**
 * agent: the agent pressed Done with a disposition; timeout: WRAP_UP_TIMEOUT_S passed (or wrap-up
 * is off); replaced: a newer wrap-up of the same agent began first.
 */
export const WRAP_UP_ENDINGS = ['agent', 'timeout', 'replaced'] as const;
export type WrapUpEnding = (typeof WRAP_UP_ENDINGS)[number];
