import {
  OPEN_TRANSFER_STATES,
  type TalkTo,
  type TransferFailReason,
  type TransferMode,
  type TransferState,
  type TransferTargetType,
} from '@warmline/contract';
import { sqlList, type Queryable } from './db.js';

export interface TransferRecord {
  id: string;
  callId: string;
  state: TransferState;
  fromAgentId: string;
  targetType: TransferTargetType;
  /** Set for an agent target. */
  targetAgentId: string | null;
  /** E.164, set for a phone target (shown masked). */
  targetNumber: string | null;
  /** Set for a queue target. */
  targetQueueId: string | null;
  /** warm, or blind (A left at once; always for a queue target). */
  mode: TransferMode;
  notes: string;
  summaryText: string | null;
  summaryProvider: string | null;
  failReason: TransferFailReason | null;
  /** Who A talks to while consulting (consult_focus). */
  talkTo: TalkTo;
  requestedAt: Date;
  ringDeadline: Date;
  acceptedAt: Date | null;
  completedAt: Date | null;
  endedAt: Date | null;
  version: number;
}

const COLS = `id, call_id AS "callId", state, from_agent_id AS "fromAgentId", target_type AS "targetType",
  target_agent_id AS "targetAgentId", target_number AS "targetNumber",
  target_queue_id AS "targetQueueId", mode, notes, summary_text AS "summaryText", summary_provider AS "summaryProvider",
  fail_reason AS "failReason", consult_focus AS "talkTo", requested_at AS "requestedAt", ring_deadline AS "ringDeadline",
  accepted_at AS "acceptedAt", completed_at AS "completedAt", ended_at AS "endedAt", version`;

const OPEN = sqlList(OPEN_TRANSFER_STATES);

export async function insertTransfer(
  q: Queryable,
  t: Pick<TransferRecord, 'id' | 'callId' | 'fromAgentId' | 'notes'> & { target: TransferTarget; ringTimeoutS: number; mode?: TransferMode },
): Promise<void> {
  const { target } = t;
  const agentId = target.type === 'agent' ? target.agentId : null;
  const number = target.type === 'phone' ? target.number : null;
  const queueId = target.type === 'queue' ? target.queueId : null;
  // A queue transfer is done the moment it is made: the call is back in the queue.
  const state: TransferState = target.type === 'queue' ? 'completed' : 'ringing';
  const mode: TransferMode = target.type === 'queue' ? 'blind' : (t.mode ?? 'warm');
  await q.query(
    `INSERT INTO transfers (id, call_id, state, from_agent_id, target_type, target_agent_id, target_number, target_queue_id, mode, notes, ring_deadline,
       completed_at, ended_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, clock_timestamp() + make_interval(secs => $11),
       CASE WHEN $3 = 'completed' THEN clock_timestamp() END, CASE WHEN $3 = 'completed' THEN clock_timestamp() END)`,
    [t.id, t.callId, state, t.fromAgentId, target.type, agentId, number, queueId, mode, t.notes, t.ringTimeoutS],
  );
}

export type TransferTarget = { type: 'agent'; agentId: string } | { type: 'phone'; number: string } | { type: 'queue'; queueId: string };

/** Phone transfers an agent started in the last minute (the per-agent dial limit). */
export async function recentPhoneTransfers(q: Queryable, agentId: string): Promise<number> {
  const rows = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM transfers
     WHERE target_type = 'phone' AND from_agent_id = $1 AND requested_at > clock_timestamp() - interval '1 minute'`,
    [agentId],
  );
  return rows[0]?.n ?? 0;
}

export async function getTransfer(q: Queryable, id: string, opts: { forUpdate?: boolean } = {}) {
  const rows = await q.query<TransferRecord>(
    `SELECT ${COLS} FROM transfers WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0] ?? null;
}

export async function updateTransfer(q: Queryable, t: TransferRecord): Promise<void> {
  await q.query(
    `UPDATE transfers SET state = $2, fail_reason = $3, accepted_at = $4, completed_at = $5, ended_at = $6,
       summary_text = $7, summary_provider = $8, consult_focus = $9, version = version + 1 WHERE id = $1`,
    [t.id, t.state, t.failReason, t.acceptedAt, t.completedAt, t.endedAt, t.summaryText, t.summaryProvider, t.talkTo],
  );
}

export async function openTransferForCall(q: Queryable, callId: string, opts: { forUpdate?: boolean } = {}) {
  const rows = await q.query<TransferRecord>(
    `SELECT ${COLS} FROM transfers WHERE call_id = $1 AND state IN ${OPEN}${opts.forUpdate ? ' FOR UPDATE' : ''}`,
    [callId],
  );
  return rows[0] ?? null;
}

/** The call's newest transfer that has a handoff summary (CallView.summary). */
export async function latestSummaryForCall(q: Queryable, callId: string) {
  const rows = await q.query<TransferRecord>(
    `SELECT ${COLS} FROM transfers WHERE call_id = $1 AND summary_text IS NOT NULL ORDER BY requested_at DESC LIMIT 1`,
    [callId],
  );
  return rows[0] ?? null;
}

export async function latestTransferForCall(q: Queryable, callId: string) {
  const rows = await q.query<TransferRecord>(
    `SELECT ${COLS} FROM transfers WHERE call_id = $1 ORDER BY requested_at DESC LIMIT 1`,
    [callId],
  );
  return rows[0] ?? null;
}

/** Open transfers an agent takes part in, as target or as the agent who started it (not a blind one: A left it). */
export async function openTransfersForAgent(q: Queryable, agentId: string) {
  return q.query<TransferRecord>(
    `SELECT ${COLS} FROM transfers WHERE (target_agent_id = $1 OR (from_agent_id = $1 AND mode = 'warm')) AND state IN ${OPEN}
     ORDER BY requested_at`,
    [agentId],
  );
}

/** Ringing transfers whose deadline has passed; the sweeper times them out. */
export async function overdueRingingTransferIds(q: Queryable): Promise<string[]> {
  const rows = await q.query<{ id: string }>(
    `SELECT id FROM transfers WHERE state = 'ringing' AND ring_deadline <= clock_timestamp() ORDER BY ring_deadline LIMIT 50`,
  );
  return rows.map((r) => r.id);
}
