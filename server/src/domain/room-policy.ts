// Who may be in a call's LiveKit room, and with which permissions, as a pure function
// of the record. The reconciler compares this with what LiveKit reports and fixes the
// difference; tokens are minted from it, so a token never grants more than the record.
import type { MonitorMode, TransferMode } from '@warmline/contract';
import type { CallState } from './call.js';
import type { TalkTo, TransferState } from './transfer.js';

export interface Permission {
  canPublish: boolean;
  canSubscribe: boolean;
  /**
   * LiveKit's `hidden`: other clients are never told the participant is there (livekit-server
   * pkg/rtc/room.go). Only a listening or whispering supervisor; absent (false) for everyone else.
   */
  hidden?: boolean;
}

/** A phone specialist is in the room through the bridge of its transfer (a phone caller is the caller). */
export type Member = { kind: 'caller' } | { kind: 'agent'; agentId: string } | { kind: 'phone'; transferId: string };
/** A supervisor monitoring the call (listen, whisper or barge): identity `supervisor:<agentId>`. */
export type SupervisorMember = { kind: 'supervisor'; agentId: string };
/** Anyone the room may hold: the call's own members, and supervisors. */
export type RoomMember = Member | SupervisorMember;

/** An open monitor (008_supervision.sql): of the agent `agentId` had when it began. */
export interface MonitorRef {
  supervisorId: string;
  agentId: string | null;
  mode: MonitorMode;
}

export interface RoomRecord {
  call: { id: string; state: CallState; agentId: string | null; phoneTransferId: string | null };
  /** The call's open transfer, if any. */
  transfer: { id: string; state: TransferState; fromAgentId: string; targetAgentId: string | null; talkTo?: TalkTo; mode?: TransferMode } | null;
  /** The call's open monitors (absent: none). */
  monitors?: MonitorRef[];
}

export const LIVE: Permission = { canPublish: true, canSubscribe: true };
/** Held: the SFU forwards nothing to the caller and unpublishes their microphone. */
export const HELD: Permission = { canPublish: false, canSubscribe: false };
/** Listen-only: hears everyone, nobody hears them; the SFU refuses their publish (the agent in the coach room). */
export const LISTEN_ONLY: Permission = { canPublish: false, canSubscribe: true };
/**
 * A listening or whispering supervisor in the call room: listen-only, and hidden, so the caller's
 * client never learns they are there. `hidden` is per participant, not per viewer: the agent's
 * client does not see them either (the agent's console is told from the record, CallView.monitors).
 */
export const LISTEN_HIDDEN: Permission = { canPublish: false, canSubscribe: true, hidden: true };
/** A barging supervisor: on the call like the agent, and visible to every client in the room. */
export const BARGE: Permission = { canPublish: true, canSubscribe: true, hidden: false };
/** The supervisor in the coach room while whispering: speaks to the agent; nothing there to hear. */
export const COACH_SPEAKER: Permission = { canPublish: true, canSubscribe: false };

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
export function entitlement(r: RoomRecord, member: RoomMember): Permission | null {
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
  if (member.kind === 'supervisor') {
    const m = monitorInForce(r, member.agentId);
    return m ? supervisorPermission(m.mode) : null;
  }
  const id = member.agentId;
  if ((call.state === 'active' || call.state === 'on_hold') && call.agentId === id) return LIVE;
  if (transfer) {
    // A stays while the transfer is open (ringing, consulting, introducing); B from acceptance on.
    // Not after a blind transfer began: A left then (B is entitled as the call's agent once accepted).
    if (transfer.fromAgentId === id && transfer.mode !== 'blind') return LIVE;
    if (transfer.targetAgentId === id && transfer.state !== 'ringing') return targetHeld(transfer) ? HELD : LIVE;
  }
  return null;
}

/** Everyone entitled to be in the room (the caller first). */
export function entitledMembers(r: RoomRecord): Array<{ member: RoomMember; permission: Permission }> {
  const out: Array<{ member: RoomMember; permission: Permission }> = [];
  const add = (member: RoomMember) => {
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
  for (const m of r.monitors ?? []) {
    if (!out.some((o) => o.member.kind === 'supervisor' && o.member.agentId === m.supervisorId)) add({ kind: 'supervisor', agentId: m.supervisorId });
  }
  return out;
}

/** A monitoring supervisor's permission in the call room (the coach room's is COACH_SPEAKER, visible to the agent). */
export const supervisorPermission = (mode: MonitorMode): Permission => (mode === 'barge' ? BARGE : LISTEN_HIDDEN);

/**
 * Hiding a participant other clients have seen cannot be a permission update: LiveKit sends no
 * update about a hidden participant to anyone else (room.go broadcastParticipantState), neither
 * that they went hidden nor, later, that they left, so those clients would keep them for good.
 * Such a participant is removed instead; they rejoin with a token that is hidden from the start.
 */
export const mustRejoinToHide = (want: Permission, seen: Permission) => !!want.hidden && !seen.hidden;

/**
 * Supervision. A monitor is in force while the call is live with the agent it began with: the
 * record itself says so, so a monitor whose row is still open after the call moved on grants nothing.
 */
export function monitorInForce(r: RoomRecord, supervisorId: string): MonitorRef | null {
  if (r.call.state !== 'active' && r.call.state !== 'on_hold') return null;
  const m = r.monitors?.find((x) => x.supervisorId === supervisorId);
  return m && m.agentId !== null && m.agentId === r.call.agentId ? m : null;
}

/**
 * Whisper's room, `coach-<callId>`. LiveKit permissions are per participant (no per-listener
 * ACL the server can set: UpdateSubscriptions is undone by the client, track permissions are
 * set by the publisher's own client), so "only the agent hears the supervisor" is a separate
 * room the caller is never in: the whispering supervisor may only publish there, the call's
 * agent may only subscribe. Nobody else is entitled to it, and with no whisper it is closed.
 */
export const COACH_ROOM_PREFIX = 'coach-';
export const coachRoomOf = (callId: string) => `${COACH_ROOM_PREFIX}${callId}`;
export const callIdOfCoachRoom = (room: string) => (room.startsWith(COACH_ROOM_PREFIX) ? room.slice(COACH_ROOM_PREFIX.length) || null : null);

export function coachEntitlement(r: RoomRecord, member: RoomMember): Permission | null {
  const whispering = (r.monitors ?? []).filter((m) => m.mode === 'whisper' && monitorInForce(r, m.supervisorId));
  if (whispering.length === 0) return null;
  if (member.kind === 'supervisor') return whispering.some((m) => m.supervisorId === member.agentId) ? COACH_SPEAKER : null;
  if (member.kind === 'agent' && member.agentId === r.call.agentId) return LISTEN_ONLY;
  return null;
}

/** Everyone entitled to the coach room (empty: it must not exist). */
export function coachMembers(r: RoomRecord): Array<{ member: RoomMember; permission: Permission }> {
  const candidates: RoomMember[] = [
    ...(r.call.agentId ? [{ kind: 'agent', agentId: r.call.agentId } as const] : []),
    ...(r.monitors ?? []).map((m) => ({ kind: 'supervisor', agentId: m.supervisorId }) as const),
  ];
  return candidates.flatMap((member) => {
    const permission = coachEntitlement(r, member);
    return permission ? [{ member, permission }] : [];
  });
}

/** What to do so that the coach room LiveKit reports matches the record (as roomFixes). */
export function coachFixes(r: RoomRecord, seen: SeenParticipant[]): RoomFix[] {
  return seen.flatMap((p): RoomFix[] => {
    const want = p.member ? coachEntitlement(r, p.member) : null;
    if (!want) return [{ type: 'remove', identity: p.identity }];
    if (mustRejoinToHide(want, p.permission)) return [{ type: 'remove', identity: p.identity }];
    return samePermission(want, p.permission) ? [] : [{ type: 'set_permission', identity: p.identity, permission: want }];
  });
}

/** `hidden` absent counts as false (LiveKit's default), so nobody else's comparison changes. */
export const samePermission = (a: Permission, b: Permission) =>
  a.canPublish === b.canPublish && a.canSubscribe === b.canSubscribe && !!a.hidden === !!b.hidden;

export interface SeenParticipant {
  identity: string;
  member: RoomMember | null; // null: an identity we never issue
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
    if (!want || mustRejoinToHide(want, p.permission)) fixes.push({ type: 'remove', identity: p.identity });
    else if (!samePermission(want, p.permission)) fixes.push({ type: 'set_permission', identity: p.identity, permission: want });
  }
  return fixes;
}
