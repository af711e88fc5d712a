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

/** Who a transfer rings: another agent (a phone number later). */
export const TRANSFER_TARGET_TYPES = ['agent'] as const;
export type TransferTargetType = (typeof TRANSFER_TARGET_TYPES)[number];

/**
 * no_answer: the ring timed out; agent_left: A dropped before B answered; target_left: B dropped
 * mid-consultation; target_offline: B's console went away while ringing.
 */
export const TRANSFER_FAIL_REASONS = [
  'cancelled',
  'declined',
  'no_answer',
  'caller_left',
  'agent_left',
  'target_left',
  'target_offline',
] as const;
export type TransferFailReason = (typeof TRANSFER_FAIL_REASONS)[number];
