// Who is connected to a call room, as LiveKit's webhooks (and the reconciler) report it.
// A row per identity holds the sid of its newest connection: events about an older sid
// are stale and change nothing. `left_at` starts the reconnect grace period.
import { OPEN_TRANSFER_STATES, type CallState, type TalkTo, type TransferMode, type TransferState } from '@warmline/contract';
import type { MonitorRef, RoomRecord } from '../domain/room-policy.js';
import { sqlList, type Queryable } from './db.js';

export interface MemberRecord {
  callId: string;
  identity: string;
  sid: string;
  tabId: string | null;
  joinedAt: Date;
  leftAt: Date | null;
}

const COLS = `call_id AS "callId", identity, sid, tab_id AS "tabId", joined_at AS "joinedAt", left_at AS "leftAt"`;

/**
 * Records a connection; true when it is news. False when it is older than the one on record,
 * or when this very connection has already been seen leaving (a replayed join). A connection the
 * reconciler recorded before its webhook arrived is still news: nobody has announced it yet.
 */
export async function memberJoined(
  q: Queryable,
  m: { callId: string; identity: string; sid: string; tabId: string | null; at: Date },
): Promise<boolean> {
  const rows = await q.query(
    `INSERT INTO room_members (call_id, identity, sid, tab_id, joined_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (call_id, identity) DO UPDATE SET sid = EXCLUDED.sid, tab_id = EXCLUDED.tab_id,
       joined_at = EXCLUDED.joined_at, left_at = NULL
     WHERE room_members.sid <> EXCLUDED.sid AND room_members.joined_at <= EXCLUDED.joined_at
     RETURNING 1`,
    [m.callId, m.identity, m.sid, m.tabId, m.at],
  );
  if (rows.length > 0) return true;
  const seen = await q.query('SELECT 1 FROM room_members WHERE call_id = $1 AND identity = $2 AND sid = $3 AND left_at IS NULL', [
    m.callId,
    m.identity,
    m.sid,
  ]);
  return seen.length > 0;
}

/** Marks the connection `sid` gone; false when a newer connection (or none) is on record. */
export async function memberLeft(q: Queryable, m: { callId: string; identity: string; sid: string; at: Date }): Promise<boolean> {
  const rows = await q.query(
    `UPDATE room_members SET left_at = $4 WHERE call_id = $1 AND identity = $2 AND sid = $3 AND left_at IS NULL RETURNING 1`,
    [m.callId, m.identity, m.sid, m.at],
  );
  return rows.length > 0;
}

export async function getMember(q: Queryable, callId: string, identity: string, opts: { forUpdate?: boolean } = {}) {
  const rows = await q.query<MemberRecord>(
    `SELECT ${COLS} FROM room_members WHERE call_id = $1 AND identity = $2${opts.forUpdate ? ' FOR UPDATE' : ''}`,
    [callId, identity],
  );
  return rows[0] ?? null;
}

export async function listMembers(q: Queryable, callId: string): Promise<MemberRecord[]> {
  return q.query<MemberRecord>(`SELECT ${COLS} FROM room_members WHERE call_id = $1`, [callId]);
}

export async function deleteMember(q: Queryable, callId: string, identity: string) {
  await q.query('DELETE FROM room_members WHERE call_id = $1 AND identity = $2', [callId, identity]);
}

/** Connections of live calls gone for longer than the grace period. */
export async function overdueDepartures(q: Queryable, graceS: number): Promise<Array<{ callId: string; identity: string }>> {
  return q.query(
    `SELECT m.call_id AS "callId", m.identity FROM room_members m JOIN calls c ON c.id = m.call_id
     WHERE m.left_at IS NOT NULL AND m.left_at <= now() - make_interval(secs => $1) AND c.state <> 'ended'
     ORDER BY m.left_at LIMIT 100`,
    [graceS],
  );
}

/** Takes a webhook id once: false when it was already taken (a replay or a retry). */
export async function takeWebhookOnce(q: Queryable, id: string): Promise<boolean> {
  const rows = await q.query('INSERT INTO webhook_events (id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING 1', [id]);
  return rows.length > 0;
}

export async function forgetOldWebhooks(q: Queryable, olderThanS: number) {
  await q.query('DELETE FROM webhook_events WHERE received_at < now() - make_interval(secs => $1)', [olderThanS]);
}

/** The reconciler saw this connection in LiveKit itself: it is present, whatever webhooks said. */
export async function memberPresent(q: Queryable, m: { callId: string; identity: string; sid: string; tabId: string | null }) {
  await q.query(
    `INSERT INTO room_members (call_id, identity, sid, tab_id, joined_at) VALUES ($1, $2, $3, $4, now())
     ON CONFLICT (call_id, identity) DO UPDATE SET sid = EXCLUDED.sid, tab_id = EXCLUDED.tab_id, left_at = NULL,
       joined_at = CASE WHEN room_members.sid = EXCLUDED.sid THEN room_members.joined_at ELSE EXCLUDED.joined_at END
     WHERE room_members.sid <> EXCLUDED.sid OR room_members.left_at IS NOT NULL`,
    [m.callId, m.identity, m.sid, m.tabId],
  );
}

/** The reconciler did not see this connection in LiveKit: it has gone (the grace period starts now). */
export async function memberAbsent(q: Queryable, callId: string, identity: string, seenBefore: Date) {
  await q.query(
    `UPDATE room_members SET left_at = now() WHERE call_id = $1 AND identity = $2 AND left_at IS NULL AND joined_at < $3`,
    [callId, identity, seenBefore],
  );
}

export async function markAllLeft(q: Queryable, callId: string) {
  await q.query('UPDATE room_members SET left_at = now() WHERE call_id = $1 AND left_at IS NULL', [callId]);
}

/** A lease, renewed by its holder, taken over by anyone once it has run out. */
export async function tryLease(q: Queryable, name: string, holder: string, ttlS: number): Promise<boolean> {
  const rows = await q.query(
    `INSERT INTO leases (name, holder, until) VALUES ($1, $2, now() + make_interval(secs => $3))
     ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, until = EXCLUDED.until
     WHERE leases.until < now() OR leases.holder = EXCLUDED.holder
     RETURNING 1`,
    [name, holder, ttlS],
  );
  return rows.length > 0;
}

/**
 * Every live call with its open transfer (with A's focus and the mode, which decide who is held),
 * its open monitors and its members, in three queries (the periodic reconcile). The record is the
 * whole of domain/room-policy.ts's input, so a room that matches it needs no closer look.
 */
export async function liveRoomsSnapshot(q: Queryable) {
  const calls = await q.query<{
    id: string;
    room: string;
    state: CallState;
    agentId: string | null;
    phoneTransferId: string | null;
    tId: string | null;
    tState: TransferState | null;
    tFrom: string | null;
    tTarget: string | null;
    tTalkTo: TalkTo | null;
    tMode: TransferMode | null;
  }>(
    `SELECT c.id, c.room, c.state, c.agent_id AS "agentId", c.phone_transfer_id AS "phoneTransferId",
       t.id AS "tId", t.state AS "tState", t.from_agent_id AS "tFrom", t.target_agent_id AS "tTarget",
       t.consult_focus AS "tTalkTo", t.mode AS "tMode"
     FROM calls c LEFT JOIN transfers t ON t.call_id = c.id AND t.state IN ${sqlList(OPEN_TRANSFER_STATES)}
     WHERE c.state <> 'ended'`,
  );
  const rows = await q.query<MemberRecord>(
    `SELECT ${COLS} FROM room_members m WHERE m.call_id IN (SELECT id FROM calls WHERE state <> 'ended')`,
  );
  // Supervisors (008_supervision.sql): without them every monitored room would look wrong.
  const mons = await q.query<MonitorRef & { callId: string }>(
    `SELECT m.call_id AS "callId", m.supervisor_id AS "supervisorId", m.agent_id AS "agentId", m.mode
     FROM monitors m JOIN calls c ON c.id = m.call_id
     WHERE m.ended_at IS NULL AND c.state <> 'ended' ORDER BY m.started_at`,
  );
  const byCall = new Map<string, MemberRecord[]>();
  for (const m of rows) byCall.set(m.callId, [...(byCall.get(m.callId) ?? []), m]);
  const monitorsOf = new Map<string, MonitorRef[]>();
  for (const { callId, ...m } of mons) monitorsOf.set(callId, [...(monitorsOf.get(callId) ?? []), m]);
  return calls.map((c) => ({
    room: c.room,
    record: {
      call: { id: c.id, state: c.state, agentId: c.agentId, phoneTransferId: c.phoneTransferId },
      transfer:
        c.tId && c.tState && c.tFrom
          ? {
              id: c.tId,
              state: c.tState,
              fromAgentId: c.tFrom,
              targetAgentId: c.tTarget,
              ...(c.tTalkTo ? { talkTo: c.tTalkTo } : {}),
              ...(c.tMode ? { mode: c.tMode } : {}),
            }
          : null,
      monitors: monitorsOf.get(c.id) ?? [],
    } satisfies RoomRecord,
    members: byCall.get(c.id) ?? [],
  }));
}
