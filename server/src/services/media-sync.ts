// Media follows the record. Use cases commit first, then ask `follow` to bring the call's
// room in line on the fast path (bounded; a failure answers 503 and leaves the record as
// the truth). The reconciler compares LiveKit's own view of every live room with the record
// and fixes any difference: on start-up, on webhooks, after a failed fast path, and
// periodically. No database transaction, row lock or pool connection is held while LiveKit
// is called; per room, jobs run one after another in this process so that two quick
// changes reach LiveKit in the order they were committed.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { callIdOfCoachRoom, coachMembers, entitledMembers, entitlement, roomFixes, samePermission, HELD, type RoomMember, type RoomRecord } from '../domain/room-policy.js';
import { AppError, toAppError } from '../errors.js';
import { UnhostedConnections } from './unhosted-connections.js';
import { agentIdentity, callerIdentity, parseIdentity, phoneIdentity, supervisorIdentity, type MediaControl, type RoomParticipant } from '../livekit/media.js';
import * as calls from '../store/calls-repo.js';
import type { Db, Queryable } from '../store/db.js';
import * as members from '../store/members-repo.js';
import { monitorRefs, monitorsOfCall } from '../store/monitors-repo.js';
import { followCoach, reconcileCoach } from './coach-room.js';
import { openTransferForCall } from '../store/transfers-repo.js';

export interface MediaSync {
  /** Fast path after a commit: the room follows the record now, or `media_unavailable`. */
  /**
   * `remove`: identities the decision named, removed unless still entitled. `rejoin`: removed from
   * the call room even though entitled, to come back with a fresh token (a barging supervisor who
   * goes back to listening: see room-policy.ts mustRejoinToHide).
   */
  follow(callId: string, opts?: { remove?: string[]; rejoin?: string[] }): Promise<void>;
  /** Compares LiveKit's view of one room with the record and fixes the difference. */
  reconcileCall(callId: string): Promise<number>;
  /**
   * Asks LiveKit's nodes, one request per listed participant, which connections of the room are
   * still hosted, then reconciles: those whose node died count as gone. For a room LiveKit
   * (re)started (`room_started`: after its node died, LiveKit's shared store still lists the
   * old connections). Never on a request's path: a dead connection takes LiveKit seconds to tell.
   */
  checkConnections(callId: string): Promise<void>;
  /** Every room LiveKit has and every live call: orphan rooms closed, live rooms fixed. */
  reconcileAll(): Promise<{ rooms: number; fixes: number }>;
  /** Calls whose media may differ from the record (value: last failure, epoch ms). */
  readonly dirty: Map<string, number>;
  /** Reconciles the dirty calls; each stays dirty until it has matched for `settleMs` after its last failure. */
  retryDirty(settleMs?: number): Promise<void>;
}

export function memberOf(identity: string): RoomMember | null {
  const who = parseIdentity(identity);
  if (!who) return null;
  if (who.kind === 'caller') return { kind: 'caller' };
  if (who.kind === 'supervisor') return { kind: 'supervisor', agentId: who.agentId };
  return who.kind === 'agent' ? { kind: 'agent', agentId: who.agentId } : { kind: 'phone', transferId: who.transferId };
}

export async function loadRoomRecord(q: Queryable, callId: string): Promise<(RoomRecord & { room: string; whispered: boolean }) | null> {
  const call = await calls.getCall(q, callId);
  if (!call) return null;
  const t = await openTransferForCall(q, callId);
  const mon = await monitorsOfCall(q, callId); // supervisors (services/supervision.ts)
  return {
    monitors: monitorRefs(mon.open),
    whispered: mon.whispered,
    room: call.room,
    call: { id: call.id, state: call.state, agentId: call.agentId, phoneTransferId: call.phoneTransferId },
    transfer: t ? { id: t.id, state: t.state, fromAgentId: t.fromAgentId, targetAgentId: t.targetAgentId, talkTo: t.talkTo, mode: t.mode } : null,
  };
}

const ROOM_PREFIX = 'call-';

const identityOf = (callId: string, m: RoomMember) =>
  m.kind === 'caller'
    ? callerIdentity(callId)
    : m.kind === 'agent'
      ? agentIdentity(m.agentId)
      : m.kind === 'supervisor'
        ? supervisorIdentity(m.agentId)
        : phoneIdentity(m.transferId);

export function createMediaSync(opts: { db: Db; media: MediaControl; log: Logger; timeoutMs: number }): MediaSync {
  const { db, media, log } = opts;
  const chains = new Map<string, Promise<unknown>>();
  const dirty = new Map<string, number>();

  const ghosts = new UnhostedConnections(); // connections whose node died (services/unhosted-connections.ts)

  async function checkConnections(callId: string) {
    ghosts.checked(callId);
    const rec = await loadRoomRecord(db, callId);
    if (!rec || rec.call.state === 'ended') return;
    const probe = async (p: RoomParticipant) => {
      // Twice, a second apart: a connection is given up only when LiveKit says so both times.
      const first = await media.probeParticipant(rec.room, p.identity);
      if (first !== 'gone') return first;
      await new Promise((r) => setTimeout(r, 1000));
      return media.probeParticipant(rec.room, p.identity);
    };
    const listed = (await media.listParticipants(rec.room)).filter((p) => !ghosts.isUnhosted(p.sid));
    const verdicts = await Promise.all(listed.map(async (p) => ({ p, verdict: await probe(p) })));
    ghosts.record(rec.room, verdicts);
    const gone = verdicts.filter((v) => v.verdict === 'gone').map((v) => v.p.identity.split(':')[0]);
    if (gone.length) log.warn({ callId, gone }, 'LiveKit lists connections no node hosts (their node died): counted as gone');
    await serial(callId, () => reconcileOne(callId));
  }

  /** Runs a check in the background, at most every few seconds per call. */
  function checkSoon(callId: string) {
    if (!ghosts.checkDue(callId)) return;
    void checkConnections(callId).catch((err) => log.warn({ err, callId }, 'checking connections failed; will retry'));
  }

  /** Runs jobs of one call strictly in order; the map entry goes when the chain is idle. */
  function serial<T>(callId: string, job: () => Promise<T>): Promise<T> {
    const prev = chains.get(callId) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(job);
    chains.set(callId, next);
    void next.catch(() => undefined).finally(() => {
      if (chains.get(callId) === next) chains.delete(callId);
    });
    return next;
  }

  async function applyRecord(callId: string, remove: string[], rejoin: string[] = []) {
    const rec = await loadRoomRecord(db, callId);
    if (!rec) return;
    if (rec.call.state === 'ended') {
      await media.closeRoom(rec.room); // deleting the room disconnects everyone
      if (rec.whispered) await followCoach(media, rec); // and whisper's room
      return;
    }
    // Removals first: on completion A must be gone before the caller can hear again.
    const removed = new Set<string>();
    // A connection whose node died is not in any room: nothing to remove or update (LiveKit would not answer in time).
    const ghost = (identity: string) => ghosts.isGhost(rec.room, identity);
    for (const identity of remove) {
      const m = memberOf(identity);
      if (ghost(identity)) continue;
      if (!m || !entitlement(rec, m)) {
        await media.removeParticipant(rec.room, identity);
        removed.add(identity);
      }
    }
    for (const identity of rejoin) if (!removed.has(identity) && !ghost(identity)) await media.removeParticipant(rec.room, identity);
    // Everyone's permission as the record says (one who is not in the room is a no-op): consult
    // controls hold B or the caller. Revocations before grants, so a switch between the caller
    // and B never lets the one being held hear the other, even for a moment.
    const wants = entitledMembers(rec)
      .map((e) => ({ identity: identityOf(callId, e.member), permission: e.permission }))
      .filter((w) => !ghost(w.identity));
    const held = wants.filter((w) => samePermission(w.permission, HELD));
    await Promise.all(held.map((w) => media.setPermission(rec.room, w.identity, w.permission)));
    await Promise.all(wants.filter((w) => !held.includes(w)).map((w) => media.setPermission(rec.room, w.identity, w.permission)));
    // Whisper's coach room (services/coach-room.ts): nothing to do for a call that never had one.
    if (rec.whispered) await followCoach(media, rec, remove);
  }

  async function reconcileOne(callId: string): Promise<number> {
    const rec = await loadRoomRecord(db, callId);
    if (!rec) return 0;
    if (rec.call.state === 'ended') {
      await media.closeRoom(rec.room);
      if (rec.whispered) await reconcileCoach(media, rec);
      return 0;
    }
    const listedAt = new Date();
    const seen = ghosts.hostedOnly(rec.room, await media.listParticipants(rec.room));
    // The record is read again after the list: whoever LiveKit showed joined before this read,
    // so a grant given in between is never mistaken for an intruder.
    const now = await loadRoomRecord(db, callId);
    if (!now) return 0;
    const fixes = roomFixes(
      now,
      seen.map((p) => ({ identity: p.identity, member: memberOf(p.identity), permission: p.permission })),
    );
    for (const f of [...fixes].sort((a, b) => (a.type === 'remove' ? -1 : 0) - (b.type === 'remove' ? -1 : 0))) {
      if (f.type === 'remove') await media.removeParticipant(rec.room, f.identity);
      else await media.setPermission(rec.room, f.identity, f.permission);
    }
    if (fixes.length) log.info({ callId, fixes: fixes.map((f) => `${f.type} ${f.identity.split(':')[0]}`) }, 'reconciled room');
    const coachFixed = now.whispered ? await reconcileCoach(media, now) : 0;
    // Membership as LiveKit sees it, for webhooks lost while this API was down.
    const removed = new Set(fixes.filter((f) => f.type === 'remove').map((f) => f.identity));
    const recorded = await members.listMembers(db, callId);
    // The record says this very connection has gone, yet LiveKit lists it: it may be one whose
    // node died (LiveKit's store keeps it). Revived only once a probe finds a node hosting it.
    const doubtful = (p: RoomParticipant) =>
      recorded.some((m) => m.identity === p.identity && m.sid === p.sid && m.leftAt) && !ghosts.isHosted(p.sid);
    const present = seen.filter((p) => !removed.has(p.identity) && !doubtful(p));
    if (seen.some((p) => !removed.has(p.identity) && doubtful(p))) checkSoon(callId);
    for (const p of present) {
      await members.memberPresent(db, { callId, identity: p.identity, sid: p.sid, tabId: p.attributes.tab ?? null });
    }
    const presentIds = new Set(present.map((p) => p.identity));
    for (const m of recorded) {
      // Joined a moment ago: LiveKit's list may predate it; the next pass decides.
      if (!presentIds.has(m.identity) && !m.leftAt) await members.memberAbsent(db, callId, m.identity, new Date(listedAt.getTime() - 5000));
    }
    return fixes.length + coachFixed;
  }

  return {
    dirty,
    async follow(callId, o = {}) {
      const job = serial(callId, () => applyRecord(callId, o.remove ?? [], o.rejoin ?? []));
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new AppError('media_unavailable', 'LiveKit did not answer in time; the call record is kept and media will follow when LiveKit answers.')),
          opts.timeoutMs + 250,
        );
      });
      try {
        await Promise.race([job, bound]);
      } catch (err) {
        dirty.set(callId, Date.now()); // the background loop reconciles this room until it matches
        job.catch(() => undefined);
        throw toAppError(err) ?? new AppError('media_unavailable', 'LiveKit could not apply the change; the call record is kept.');
      } finally {
        clearTimeout(timer);
      }
    },
    async reconcileCall(callId) {
      return serial(callId, () => reconcileOne(callId));
    },
    checkConnections,
    async retryDirty(settleMs = 5000) {
      // LiveKit may still execute requests it received before a stall after we first see it
      // answer again, so a room leaves the set only after matching for a while.
      await Promise.all(
        [...dirty.keys()].map(async (callId) => {
          try {
            await serial(callId, () => reconcileOne(callId));
            const failedAt = dirty.get(callId) ?? 0;
            if (Date.now() - failedAt > settleMs) dirty.delete(callId);
          } catch {
            dirty.set(callId, Date.now());
          }
        }),
      );
    },
    async reconcileAll() {
      // Rooms first, then the record: a room created after this list belongs to a call the read below sees.
      const all = await media.listRooms();
      const listed = all.filter((r) => r.name.startsWith(ROOM_PREFIX));
      // Coach rooms (whisper): each one's call is reconciled, which closes it when nobody whispers.
      const coached = all.flatMap((r) => callIdOfCoachRoom(r.name) ?? []);
      const coachedCalls = new Set(coached); // call ids whose coach room LiveKit has
      const rooms = listed.map((r) => r.name);
      const occupied = new Set(listed.filter((r) => r.participants > 0).map((r) => r.name));
      const live = await members.liveRoomsSnapshot(db);
      const liveRooms = new Set(live.map((c) => c.room));
      let fixes = 0;
      for (const room of rooms) {
        if (!liveRooms.has(room)) {
          await media.closeRoom(room); // an ended call, or a room left behind by a failed create
          fixes++;
        }
      }
      const existing = new Set(rooms);
      const queue = [...live];
      // Cheap when nothing is wrong: one ListParticipants per room against the snapshot, no query
      // per call. Any difference (permission, stranger, membership) gets the careful per-room pass,
      // which reads the record again after listing.
      const worker = async () => {
        for (let c = queue.shift(); c; c = queue.shift()) {
          const id = c.record.call.id;
          if (!existing.has(c.room)) await media.ensureRoom(c.room); // LiveKit restarted and lost it
          // A whisper on record whose coach room LiveKit does not have (lost, or closed by a late
          // job of another instance): the careful pass makes it again. (Listed ones are done below.)
          if (!coachedCalls.has(id) && coachMembers(c.record).length > 0) {
            fixes += await serial(id, () => reconcileOne(id));
            continue;
          }
          // Nobody in the room and nobody on record as connected: nothing to compare.
          if (!occupied.has(c.room) && !c.members.some((m) => !m.leftAt)) continue;
          const seen = ghosts.hostedOnly(c.room, await media.listParticipants(c.room));
          const present = new Map(c.members.filter((m) => !m.leftAt).map((m) => [m.identity, m.sid]));
          const differs =
            roomFixes(c.record, seen.map((p) => ({ identity: p.identity, member: memberOf(p.identity), permission: p.permission }))).length > 0 ||
            seen.length !== present.size ||
            seen.some((p) => present.get(p.identity) !== p.sid);
          if (differs) fixes += await serial(id, () => reconcileOne(id));
        }
      };
      await Promise.all(Array.from({ length: Math.min(8, queue.length) }, worker));
      for (const id of coached) fixes += await serial(id, () => reconcileOne(id));
      return { rooms: live.length, fixes };
    },
  };
}

/** A stable name for this process, for leases. */
export const INSTANCE_ID = randomUUID();
