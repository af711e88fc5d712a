// A warm transfer's states and why one ended without completing (docs/ARCHITECTURE.md, "Transfer state").

export const TRANSFER_STATES = [
  'ringing',
  'consulting',
  'introducing',
  'completed',
  'cancelled',
  'declined',
  'timed_out',
  'failed',
  'caller_left',
] as const;
export type TransferState = (typeof TRANSFER_STATES)[number];

/** At most one transfer per call is in one of these (a partial unique index holds it). */
export const OPEN_TRANSFER_STATES = ['ringing', 'consulting', 'introducing'] as const satisfies readonly TransferState[];
export type OpenTransferState = (typeof OPEN_TRANSFER_STATES)[number];

export const isOpenTransferState = (s: TransferState): s is OpenTransferState =>
  (OPEN_TRANSFER_STATES as readonly TransferState[]).includes(s);

/**
 * Who a transfer goes to: another agent's console, a phone number through Twilio, or a queue
 * (the call waits again, at the front, for whoever answers next: always blind).
 */
export const TRANSFER_TARGET_TYPES = ['agent', 'phone', 'queue'] as const;
export type TransferTargetType = (typeof TRANSFER_TARGET_TYPES)[number];

/**
 * warm: A briefs B while the caller is held, then hands over. blind: A leaves at once, the caller
 * is held while B rings and talks to B as soon as B accepts; if B does not, the call goes back to
 * the front of its queue. A queue target is always blind; a phone target is always warm.
 */
export const TRANSFER_MODES = ['warm', 'blind'] as const;
export type TransferMode = (typeof TRANSFER_MODES)[number];

/**
 * Who A talks to during the consultation (server-enforced): target: A and B, the caller held;
 * caller: A and the caller, B held; both: all three (a conference, A still has the call).
 */
export const TALK_TO = ['target', 'caller', 'both'] as const;
export type TalkTo = (typeof TALK_TO)[number];

/**
 * no_answer: the ring timed out (or the phone was not answered); agent_left: A dropped before B
 * answered; target_left: B dropped (or the phone hung up) mid-consultation; target_offline: B's
 * console went away while ringing; left_consultation: B left after the briefing (declined having
 * heard it); busy, dial_failed, voicemail: what the phone network answered.
 */
export const TRANSFER_FAIL_REASONS = [
  'cancelled',
  'declined',
  'no_answer',
  'caller_left',
  'agent_left',
  'target_left',
  'target_offline',
  'left_consultation',
  'busy',
  'dial_failed',
  'voicemail',
] as const;
export type TransferFailReason = (typeof TRANSFER_FAIL_REASONS)[number];
