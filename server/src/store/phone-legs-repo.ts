import type { CallState, TransferState } from '@warmline/contract';
import type { LegRecord } from '../domain/phone-leg.js';
import type { Queryable } from './db.js';

export interface PhoneLegRecord {
  id: string;
  callId: string;
  transferId: string | null;
  role: 'caller' | 'specialist';
  number: string;
  twilioSid: string | null;
  status: string;
  answeredBy: string | null;
  streamStartedAt: Date | null;
  hangupSentAt: Date | null;
  endedAt: Date | null;
}

const COLS = `l.id, l.call_id AS "callId", l.transfer_id AS "transferId", l.role, l.number, l.twilio_sid AS "twilioSid",
  l.status, l.answered_by AS "answeredBy", l.stream_started_at AS "streamStartedAt", l.hangup_sent_at AS "hangupSentAt",
  l.ended_at AS "endedAt"`;

export async function insertLeg(
  q: Queryable,
  l: Pick<PhoneLegRecord, 'id' | 'callId' | 'transferId' | 'role' | 'number' | 'twilioSid'> & { tokenHash: string; tokenTtlS: number },
) {
  await q.query(
    `INSERT INTO phone_legs (id, call_id, transfer_id, role, number, twilio_sid, stream_token_hash, stream_token_until)
     VALUES ($1, $2, $3, $4, $5, $6, $7, clock_timestamp() + make_interval(secs => $8))`,
    [l.id, l.callId, l.transferId, l.role, l.number, l.twilioSid, l.tokenHash, l.tokenTtlS],
  );
}

/** A repeated inbound webhook for the same call gets a fresh token for the same leg. */
export async function renewToken(q: Queryable, id: string, tokenHash: string, tokenTtlS: number) {
  await q.query(
    `UPDATE phone_legs SET stream_token_hash = $2, stream_token_until = clock_timestamp() + make_interval(secs => $3)
     WHERE id = $1 AND stream_started_at IS NULL`,
    [id, tokenHash, tokenTtlS],
  );
}

/**
 * A fresh token for a leg whose stream ended while its call is up (Twilio asking `<Connect action>`):
 * the next stream of the same leg presents it. Whether the last stream began under `recentS` ago
 * comes back too (a stream that keeps ending at once is retried after a pause, not in a tight loop).
 */
export async function reissueToken(q: Queryable, id: string, tokenHash: string, tokenTtlS: number, recentS: number): Promise<{ recent: boolean } | null> {
  const rows = await q.query<{ recent: boolean }>(
    `UPDATE phone_legs SET stream_token_hash = $2, stream_token_until = clock_timestamp() + make_interval(secs => $3)
     WHERE id = $1 AND ended_at IS NULL
     RETURNING coalesce(stream_started_at > clock_timestamp() - make_interval(secs => $4), false) AS "recent"`,
    [id, tokenHash, tokenTtlS, recentS],
  );
  return rows[0] ?? null;
}

export async function setLegSid(q: Queryable, id: string, sid: string) {
  await q.query('UPDATE phone_legs SET twilio_sid = $2 WHERE id = $1', [id, sid]);
}

export async function getLegBySid(q: Queryable, sid: string): Promise<PhoneLegRecord | null> {
  const rows = await q.query<PhoneLegRecord>(`SELECT ${COLS} FROM phone_legs l WHERE l.twilio_sid = $1`, [sid]);
  return rows[0] ?? null;
}

export async function getLegByTransfer(q: Queryable, transferId: string): Promise<PhoneLegRecord | null> {
  const rows = await q.query<PhoneLegRecord>(`SELECT ${COLS} FROM phone_legs l WHERE l.transfer_id = $1`, [transferId]);
  return rows[0] ?? null;
}

export async function getLeg(q: Queryable, id: string): Promise<PhoneLegRecord | null> {
  const rows = await q.query<PhoneLegRecord>(`SELECT ${COLS} FROM phone_legs l WHERE l.id = $1`, [id]);
  return rows[0] ?? null;
}

/** Single use and short-lived: the first stream to present the token takes it. */
export async function takeStreamToken(q: Queryable, tokenHash: string): Promise<PhoneLegRecord | null> {
  const rows = await q.query<{ id: string }>(
    `UPDATE phone_legs SET stream_token_hash = NULL, stream_started_at = clock_timestamp()
     WHERE stream_token_hash = $1 AND stream_token_until > clock_timestamp() AND ended_at IS NULL RETURNING id`,
    [tokenHash],
  );
  return rows[0] ? getLeg(q, rows[0].id) : null;
}

export async function setStatus(q: Queryable, id: string, status: string, ended: boolean) {
  await q.query(
    `UPDATE phone_legs SET status = $2, ended_at = CASE WHEN $3 THEN coalesce(ended_at, clock_timestamp()) ELSE ended_at END WHERE id = $1`,
    [id, status, ended],
  );
}

export async function setAnsweredBy(q: Queryable, id: string, answeredBy: string) {
  await q.query('UPDATE phone_legs SET answered_by = $2 WHERE id = $1', [id, answeredBy]);
}

/** One instance claims each hang-up; a failed REST call gives the claim back for a retry. */
export async function claimHangup(q: Queryable, id: string): Promise<boolean> {
  const rows = await q.query('UPDATE phone_legs SET hangup_sent_at = clock_timestamp() WHERE id = $1 AND hangup_sent_at IS NULL AND ended_at IS NULL RETURNING id', [id]);
  return rows.length > 0;
}
export async function releaseHangup(q: Queryable, id: string) {
  await q.query('UPDATE phone_legs SET hangup_sent_at = NULL WHERE id = $1', [id]);
}

export interface LiveLeg extends PhoneLegRecord {
  callState: CallState;
  phoneTransferId: string | null;
  transferState: TransferState | null;
}

/** Legs Twilio has not reported over, with what the record says of their call and transfer. */
export async function liveLegs(q: Queryable, callId?: string): Promise<LiveLeg[]> {
  return q.query<LiveLeg>(
    `SELECT ${COLS}, c.state AS "callState", c.phone_transfer_id AS "phoneTransferId", t.state AS "transferState"
     FROM phone_legs l JOIN calls c ON c.id = l.call_id LEFT JOIN transfers t ON t.id = l.transfer_id
     WHERE l.ended_at IS NULL${callId ? ' AND l.call_id = $1' : ''}`,
    callId ? [callId] : [],
  );
}

/**
 * What the record says about a leg (domain/phone-leg.ts's input), read in ONE statement, so from
 * one snapshot. Read as three (the leg, then the call, then the transfer), a read that straddled a
 * phone handover's commit saw the call before it (on hold, no phone specialist) and the transfer
 * after it (completed, no longer open) and said "not wanted" about the very specialist the call
 * was just handed to: the bridge closed and, the leg being wanted after all, the call was hung up.
 */
export async function legRecord(q: Queryable, legId: string): Promise<LegRecord | null> {
  const rows = await q.query<{
    role: LegRecord['role'];
    transferId: string | null;
    callState: CallState;
    phoneTransferId: string | null;
    transferState: TransferState | null;
    talkTo: NonNullable<LegRecord['transfer']>['talkTo'] | null;
  }>(
    `SELECT l.role, l.transfer_id AS "transferId", c.state AS "callState", c.phone_transfer_id AS "phoneTransferId",
            t.state AS "transferState", t.consult_focus AS "talkTo"
       FROM phone_legs l JOIN calls c ON c.id = l.call_id LEFT JOIN transfers t ON t.id = l.transfer_id
      WHERE l.id = $1`,
    [legId],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    role: r.role,
    transferId: r.transferId,
    call: { state: r.callState, phoneTransferId: r.phoneTransferId },
    transfer: r.transferState ? { state: r.transferState, talkTo: r.talkTo ?? undefined } : null,
  };
}
