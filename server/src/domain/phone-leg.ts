// What a phone leg should be doing, as a pure function of the record: whether its Twilio call
// should still exist, and what its bridge sends and plays. Twilio and the bridge follow this
// exactly as LiveKit follows room-policy.ts.
import type { CallState } from './call.js';
import { isOpen, type TalkTo, type TransferState } from './transfer.js';

export interface LegRecord {
  role: 'caller' | 'specialist';
  transferId: string | null;
  call: { state: CallState; phoneTransferId: string | null };
  /** The leg's own transfer (specialists only). */
  transfer: { state: TransferState; talkTo?: TalkTo } | null;
}

/** live: talk and listen; hold_music: nothing published, music played; silent: neither. */
export type LegMode = 'live' | 'hold_music' | 'silent';

export function legWanted(r: LegRecord): boolean {
  if (r.call.state === 'ended') return false;
  if (r.role === 'caller') return true;
  if (r.transfer && isOpen(r.transfer.state)) return true;
  return r.call.phoneTransferId !== null && r.call.phoneTransferId === r.transferId;
}

/** null: the leg should be over (hang up, close the bridge). */
export function legMode(r: LegRecord): LegMode | null {
  if (!legWanted(r)) return null;
  if (r.role === 'caller') return r.call.state === 'active' ? 'live' : 'hold_music';
  if (r.transfer?.state === 'ringing') return 'silent';
  // Held while A talks to the caller (its LiveKit permission is revoked too): music, not silence.
  return r.transfer?.state === 'consulting' && r.transfer.talkTo === 'caller' ? 'hold_music' : 'live';
}

/** Twilio's CallStatus values in the order a call moves through them; terminal ones last. */
const RANK: Record<string, number> = {
  dialing: 0,
  queued: 1,
  initiated: 2,
  ringing: 3,
  'in-progress': 4,
  completed: 5,
  busy: 5,
  'no-answer': 5,
  failed: 5,
  canceled: 5,
};
export const isTerminalStatus = (s: string) => RANK[s] === 5;

/** Callbacks arrive out of order and twice: a status is taken only if it moves the leg forward. */
export function advancesStatus(current: string, next: string): boolean {
  const a = RANK[current];
  const b = RANK[next];
  return b !== undefined && a !== undefined && b > a;
}
