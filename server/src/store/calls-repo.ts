import { DEFAULT_QUEUE_ID, type CallChannel, type CallState, type EndReason, type TimelineEvent } from '@warmline/contract';
import { sqlList, type Queryable } from './db.js';

/** A call an agent is talking on (or holding): the agent is on a call. */
export const ON_CALL_STATES = ['active', 'on_hold'] as const satisfies readonly CallState[];

export interface CallRecord {
  id: string;
  room: string;
  callerName: string;
  reason: string;
  callerKeyHash: string;
  state: CallState;
  channel: CallChannel;
  agentId: string | null;
  /** The completed phone transfer whose specialist has the caller. */
  phoneTransferId: string | null;
  holdCount: number;
  notes: string;
  endReason: EndReason | null;
  /** The queue it waits (or waited last) in. */
  queueId: string;
  /** 1: back in the queue (re-queued), ahead of calls never answered; 0 otherwise. */
  queuePriority: number;
  createdAt: Date;
  /** When it (re-)entered the queue. */
  queuedAt: Date;
  answeredAt: Date | null;
  endedAt: Date | null;
  version: number;
}

export interface CallEventRecord {
  at: Date;
  type: TimelineEvent;
  detail: Record<string, unknown>;
}

const COLS = `id, room, caller_name AS "callerName", reason, caller_key_hash AS "callerKeyHash", state,
  channel, agent_id AS "agentId", phone_transfer_id AS "phoneTransferId", hold_count AS "holdCount", notes, end_reason AS "endReason",
  queue_id AS "queueId", queue_priority AS "queuePriority", created_at AS "createdAt", queued_at AS "queuedAt", answered_at AS "answeredAt", ended_at AS "endedAt", version`;

export async function insertCall(
  q: Queryable,
  c: Pick<CallRecord, 'id' | 'room' | 'callerName' | 'reason' | 'callerKeyHash'> & { channel?: CallChannel; queueId?: string },
) {
  await q.query(
    `INSERT INTO calls (id, room, caller_name, reason, caller_key_hash, state, channel, queue_id) VALUES ($1, $2, $3, $4, $5, 'waiting', $6, $7)`,
    [c.id, c.room, c.callerName, c.reason, c.callerKeyHash, c.channel ?? 'web', c.queueId ?? DEFAULT_QUEUE_ID],
  );
}

export async function getCall(q: Queryable, id: string, opts: { forUpdate?: boolean } = {}): Promise<CallRecord | null> {
  const rows = await q.query<CallRecord>(`SELECT ${COLS} FROM calls WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`, [
    id,
  ]);
  return rows[0] ?? null;
}

export async function getCallByRoom(q: Queryable, room: string): Promise<CallRecord | null> {
  const rows = await q.query<CallRecord>(`SELECT ${COLS} FROM calls WHERE room = $1`, [room]);
  return rows[0] ?? null;
}

/** Writes the mutable part of a call; the version bump makes lost updates visible. */
export async function updateCall(q: Queryable, c: CallRecord): Promise<void> {
  await q.query(
    `UPDATE calls SET state = $2, agent_id = $3, hold_count = $4, end_reason = $5, queued_at = $6,
       answered_at = $7, ended_at = $8, notes = $9, phone_transfer_id = $10, queue_id = $11, queue_priority = $12,
       version = version + 1 WHERE id = $1`,
    [c.id, c.state, c.agentId, c.holdCount, c.endReason, c.queuedAt, c.answeredAt, c.endedAt, c.notes, c.phoneTransferId, c.queueId, c.queuePriority],
  );
}

export async function setCallNotes(q: Queryable, id: string, notes: string) {
  await q.query('UPDATE calls SET notes = $2, version = version + 1 WHERE id = $1', [id, notes]);
}

/** SQL: agent `me` belongs to queue `queueId` (an agent in no queue belongs to general). */
export const memberOf = (me: string, queueId: string) => `(
  EXISTS (SELECT 1 FROM agent_queues aq WHERE aq.agent_id = ${me} AND aq.queue_id = ${queueId})
  OR (${queueId} = '${DEFAULT_QUEUE_ID}' AND NOT EXISTS (SELECT 1 FROM agent_queues aq WHERE aq.agent_id = ${me})))`;

/**
 * Waiting calls. With an agent: the calls of their own queues first, then the others (any agent
 * may answer any call, so nothing is hidden); in each part re-queued calls first, then oldest first.
 */
export async function listQueue(q: Queryable, agentId?: string): Promise<CallRecord[]> {
  const mine = agentId ? `${memberOf('$1', 'calls.queue_id')} DESC, ` : '';
  return q.query<CallRecord>(
    `SELECT ${COLS} FROM calls WHERE state = 'waiting' ORDER BY ${mine}queue_priority DESC, queued_at, id`,
    agentId ? [agentId] : [],
  );
}

/** 1-based place in the call's own queue: re-queued calls first, then by (queued_at, id). */
export async function queuePosition(q: Queryable, call: CallRecord): Promise<number> {
  // Compared in SQL: a JS Date would drop the microseconds of queued_at.
  const rows = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM calls c, (SELECT queue_id, queue_priority, queued_at, id FROM calls WHERE id = $1) me
     WHERE c.state = 'waiting' AND c.queue_id = me.queue_id
       AND (c.queue_priority > me.queue_priority OR (c.queue_priority = me.queue_priority AND (c.queued_at, c.id) <= (me.queued_at, me.id)))`,
    [call.id],
  );
  return rows[0]?.n ?? 1;
}

/**
 * Who may read call `c` (agent id in parameter `me`): a supervisor; anyone while it waits in the
 * queue; an agent who took part — has it, answered it once (its timeline says so), or started or
 * was rung by one of its transfers (B keeps the summary they were sent). The one place it is said.
 */
const readableBy = (c: string, me: string) => `(
  EXISTS (SELECT 1 FROM agents r WHERE r.id = ${me} AND r.role = 'supervisor')
  OR ${c}.state = 'waiting' OR ${c}.agent_id = ${me}
  OR EXISTS (SELECT 1 FROM transfers t WHERE t.call_id = ${c}.id AND (t.from_agent_id = ${me} OR t.target_agent_id = ${me}))
  OR EXISTS (SELECT 1 FROM call_events e WHERE e.call_id = ${c}.id AND e.type = 'accepted' AND e.detail->>'agentId' = ${me}))`;

export async function canReadCall(q: Queryable, callId: string, agentId: string): Promise<boolean> {
  const rows = await q.query<{ ok: boolean }>(`SELECT ${readableBy('c', '$2')} AS ok FROM calls c WHERE c.id = $1`, [callId, agentId]);
  return rows[0]?.ok === true;
}

/** The newest calls this agent may read, optionally only those a wrap-up gave this disposition. */
export async function listRecentCalls(q: Queryable, limit: number, opts: { agentId: string; disposition?: string }): Promise<CallRecord[]> {
  const byDisposition = opts.disposition === undefined ? '' : 'AND EXISTS (SELECT 1 FROM wrap_ups w WHERE w.call_id = c.id AND w.disposition = $3)';
  return q.query<CallRecord>(
    `SELECT ${COLS} FROM calls c WHERE ${readableBy('c', '$2')} ${byDisposition} ORDER BY c.created_at DESC, c.id LIMIT $1`,
    opts.disposition === undefined ? [limit, opts.agentId] : [limit, opts.agentId, opts.disposition],
  );
}

export async function liveCallForAgent(q: Queryable, agentId: string): Promise<CallRecord | null> {
  const rows = await q.query<CallRecord>(
    `SELECT ${COLS} FROM calls WHERE agent_id = $1 AND state IN ${sqlList(ON_CALL_STATES)} ORDER BY answered_at DESC LIMIT 1`,
    [agentId],
  );
  return rows[0] ?? null;
}

export async function addCallEvent(q: Queryable, callId: string, type: TimelineEvent, detail: Record<string, unknown> = {}) {
  await q.query('INSERT INTO call_events (call_id, type, detail) VALUES ($1, $2, $3)', [
    callId,
    type,
    JSON.stringify(detail),
  ]);
}

export async function listCallEvents(q: Queryable, callId: string): Promise<CallEventRecord[]> {
  return q.query<CallEventRecord>('SELECT at, type, detail FROM call_events WHERE call_id = $1 ORDER BY id', [callId]);
}

export async function deleteCall(q: Queryable, id: string) {
  await q.query('DELETE FROM calls WHERE id = $1', [id]);
}
