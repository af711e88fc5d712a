// Who may be in a call's LiveKit room, and with which permissions, as a pure function
// of the record. The reconciler compares this with what LiveKit reports and fixes the
// difference; tokens are minted from it, so a token never grants more than the record.
import type { CallState } from './call.js';
import type { TalkTo, TransferState } from './transfer.js';

export interface Permission {
  canPublish: boolean;
  canSubscribe: boolean;
}

/** A phone specialist is in the room through the bridge of its transfer (a phone caller is the caller). */
export type Member = { kind: 'caller' } | { kind: 'agent'; agentId: string } | { kind: 'phone'; transferId: string };

export interface RoomRecord {
  call: { id: string; state: CallState; agentId: string | null; phoneTransferId: string | null };
  /** The call's open transfer, if any. */
  transfer: { id: string; state: TransferState; fromAgentId: string; targetAgentId: string | null; talkTo?: TalkTo } | null;
}

export const LIVE: Permission = { canPublish: true, canSubscribe: true };
/** Held: the SFU forwards nothing to the caller and unpublishes their microphone. */
export const HELD: Permission = { canPublish: false, canSubscribe: false };

/**
 * LiveKit permissions are per participant, not per pair, so "A talks to one, the other held"
 * means the other can neither publish nor subscribe: B while A talks to the caller, the caller
 * (on hold in the call record) while A talks to B.
 */
const targetHeld = (t: RoomRecord['transfer']) => t?.state === 'consulting' && t.talkTo === 'caller';

/**
 * The permission `member` is entitled to in this call's room, or null when they must not be
 * there at all (a removed agent, anyone once the call has ended).
 */
export function entitlement(r: RoomRecord, member: Member): Permission | null {
  const { call, transfer } = r;
  if (call.state === 'ended') return null;
  // Waiting: nobody else is entitled to the room and an agent gets no permission before the
  // server has checked them, so the caller's microphone reaches no one; it stays published so
  // that the agent who answers hears the caller at once (no revoke/re-publish race at join).
  if (member.kind === 'caller') {
    // The call's hold and talkTo change together; either one alone is enough to hold the caller.
    const consultingB = transfer?.state === 'consulting' && (transfer.talkTo ?? 'target') === 'target';
    return call.state === 'on_hold' || consultingB ? HELD : LIVE;
  }
  if (member.kind === 'phone') {
    // The specialist's phone from the moment it answered (consulting) while the transfer is
    // open, then as the one who has the caller after completion.
    if (call.state === 'active' && call.phoneTransferId === member.transferId) return LIVE;
    if (transfer?.id === member.transferId && transfer.state !== 'ringing') return targetHeld(transfer) ? HELD : LIVE;
    return null;
  }
  const id = member.agentId;
  if ((call.state === 'active' || call.state === 'on_hold') && call.agentId === id) return LIVE;
  if (transfer) {
    // A stays while the transfer is open (ringing, consulting, introducing); B from acceptance on.
    if (transfer.fromAgentId === id) return LIVE;
    if (transfer.targetAgentId === id && transfer.state !== 'ringing') return targetHeld(transfer) ? HELD : LIVE;
  }
  return null;
}

/** Everyone entitled to be in the room (the caller first). */
export function entitledMembers(r: RoomRecord): Array<{ member: Member; permission: Permission }> {
  const out: Array<{ member: Member; permission: Permission }> = [];
  const add = (member: Member) => {
    const permission = entitlement(r, member);
    if (!permission) return;
    if (member.kind === 'agent' && out.some((o) => o.member.kind === 'agent' && o.member.agentId === member.agentId)) return;
    out.push({ member, permission });
  };
  add({ kind: 'caller' });
  if (r.call.agentId) add({ kind: 'agent', agentId: r.call.agentId });
  if (r.transfer) {
    add({ kind: 'agent', agentId: r.transfer.fromAgentId });
    if (r.transfer.targetAgentId) add({ kind: 'agent', agentId: r.transfer.targetAgentId });
    else add({ kind: 'phone', transferId: r.transfer.id });
  }
  if (r.call.phoneTransferId) add({ kind: 'phone', transferId: r.call.phoneTransferId });
  return out;
}

export const samePermission = (a: Permission, b: Permission) =>
  a.canPublish === b.canPublish && a.canSubscribe === b.canSubscribe;

export interface SeenParticipant {
  identity: string;
  member: Member | null; // null: an identity we never issue
  permission: Permission;
}

export type RoomFix =
  | { type: 'remove'; identity: string }
  | { type: 'set_permission'; identity: string; permission: Permission };

/** What to do so that the room LiveKit reports matches the record. Idempotent by construction. */
export function roomFixes(r: RoomRecord, seen: SeenParticipant[]): RoomFix[] {
  const fixes: RoomFix[] = [];
  for (const p of seen) {
    const want = p.member ? entitlement(r, p.member) : null;
    if (!want) fixes.push({ type: 'remove', identity: p.identity });
    else if (!samePermission(want, p.permission)) fixes.push({ type: 'set_permission', identity: p.identity, permission: want });
  }
  return fixes;
}
