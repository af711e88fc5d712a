// Whisper's room (`coach-<callId>`, domain/room-policy.ts): LiveKit follows it like the call
// room. media-sync.ts calls these after the call room (fast path and reconciler), outside any
// transaction. A call that never had a whisper costs no request here.
import { coachFixes, coachMembers, coachRoomOf, samePermission, HELD, type RoomMember, type RoomRecord } from '../domain/room-policy.js';
import { agentIdentity, parseIdentity, supervisorIdentity, type MediaControl } from '../livekit/media.js';

export type CoachRecord = RoomRecord & { whispered?: boolean };

const identityOf = (m: RoomMember) => (m.kind === 'supervisor' ? supervisorIdentity(m.agentId) : m.kind === 'agent' ? agentIdentity(m.agentId) : null);

/** Only agents and supervisors are ever in a coach room; anyone else is not entitled. */
function coachMemberOf(identity: string): RoomMember | null {
  const who = parseIdentity(identity);
  return who?.kind === 'agent' || who?.kind === 'supervisor' ? { kind: who.kind, agentId: who.agentId } : null;
}

/** Fast path: the room exists while someone whispers (permissions as the record says), and is closed after. */
export async function followCoach(media: MediaControl, rec: CoachRecord, remove: string[] = []): Promise<void> {
  const room = coachRoomOf(rec.call.id);
  const wants = coachMembers(rec);
  if (wants.length === 0) {
    if (rec.whispered) await media.closeRoom(room); // deleting the room disconnects everyone in it
    return;
  }
  await media.ensureRoom(room);
  // Removals the decision named (a supervisor who stopped whispering while another still does).
  for (const identity of remove) {
    const m = coachMemberOf(identity);
    if (m && !wants.some((w) => identityOf(w.member) === identity)) await media.removeParticipant(room, identity);
  }
  const ordered = [...wants].sort((a, b) => Number(!samePermission(a.permission, HELD)) - Number(!samePermission(b.permission, HELD)));
  for (const w of ordered) {
    const identity = identityOf(w.member);
    if (identity) await media.setPermission(room, identity, w.permission);
  }
}

/** Reconciler: what LiveKit has in the coach room against the record; returns the number of fixes. */
export async function reconcileCoach(media: MediaControl, rec: CoachRecord): Promise<number> {
  const room = coachRoomOf(rec.call.id);
  if (coachMembers(rec).length === 0) {
    if (rec.whispered) await media.closeRoom(room);
    return 0;
  }
  await media.ensureRoom(room); // lost with a LiveKit restart: made again
  const seen = await media.listParticipants(room);
  const fixes = coachFixes(rec, seen.map((p) => ({ identity: p.identity, member: coachMemberOf(p.identity), permission: p.permission })));
  for (const f of [...fixes].sort((a, b) => (a.type === 'remove' ? -1 : 0) - (b.type === 'remove' ? -1 : 0))) {
    if (f.type === 'remove') await media.removeParticipant(room, f.identity);
    else await media.setPermission(room, f.identity, f.permission);
  }
  return fixes.length;
}
