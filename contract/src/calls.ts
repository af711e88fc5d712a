// A call's states and why it ended: the server stores and sends these, the console labels them.

export const CALL_STATES = ['waiting', 'active', 'on_hold', 'ended'] as const;
export type CallState = (typeof CALL_STATES)[number];

/**
 * caller_left: the caller's connection was lost for good; abandoned: the caller left the queue;
 * specialist_hung_up: the phone specialist a call was handed to hung up.
 */
export const END_REASONS = ['caller_hung_up', 'agent_hung_up', 'caller_left', 'abandoned', 'specialist_hung_up'] as const;
export type EndReason = (typeof END_REASONS)[number];

/** How the caller reached us: the web page, or by dialling the Twilio number. */
export const CALL_CHANNELS = ['web', 'phone'] as const;
export type CallChannel = (typeof CALL_CHANNELS)[number];
