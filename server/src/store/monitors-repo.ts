// Supervisors monitoring calls (008_supervision.sql). An open row (ended_at NULL) is a monitor
// in force as long as the call is live with the agent it began with (domain/room-policy.ts).
import type { MonitorEndReason, MonitorMode } from '@warmline/contract';
import type { MonitorRef } from '../domain/room-policy.js';
import type { Queryable } from './db.js';

export interface MonitorRecord {
  id: string;
  callId: string;
  supervisorId: string;
  agentId: string | null;
  mode: MonitorMode;
  startedAt: Date;
  modeSince: Date;
  whispered: boolean;
  endedAt: Date | null;
  endReason: MonitorEndReason | null;
}

const COLS = `id, call_id AS "callId", supervisor_id AS "supervisorId", agent_id AS "agentId", mode,
  started_at AS "startedAt", mode_since AS "modeSince", whispered, ended_at AS "endedAt", end_reason AS "endReason"`;

/** The open monitors of a call, and whether it ever had a whisper (a coach room to close). */
export async function monitorsOfCall(q: Queryable, callId: string): Promise<{ open: MonitorRecord[]; whispered: boolean }> {
  const rows = await q.query<MonitorRecord>(`SELECT ${COLS} FROM monitors WHERE call_id = $1 ORDER BY started_at`, [callId]);
  return { open: rows.filter((m) => !m.endedAt), whispered: rows.some((m) => m.whispered) };
}

export const monitorRefs = (open: MonitorRecord[]): MonitorRef[] =>
  open.map((m) => ({ supervisorId: m.supervisorId, agentId: m.agentId, mode: m.mode }));

/** The supervisor's open monitor (one at a time, whatever call). */
export async function openMonitorOf(q: Queryable, supervisorId: string, opts: { forUpdate?: boolean } = {}): Promise<MonitorRecord | null> {
  const rows = await q.query<MonitorRecord>(
    `SELECT ${COLS} FROM monitors WHERE supervisor_id = $1 AND ended_at IS NULL${opts.forUpdate ? ' FOR UPDATE' : ''}`,
    [supervisorId],
  );
  return rows[0] ?? null;
}

export async function insertMonitor(q: Queryable, m: { id: string; callId: string; supervisorId: string; agentId: string; mode: MonitorMode }) {
  await q.query(
    `INSERT INTO monitors (id, call_id, supervisor_id, agent_id, mode, whispered) VALUES ($1, $2, $3, $4, $5, $6)`,
    [m.id, m.callId, m.supervisorId, m.agentId, m.mode, m.mode === 'whisper'],
  );
}

export async function setMonitorMode(q: Queryable, id: string, mode: MonitorMode) {
  await q.query(
    `UPDATE monitors SET mode = $2, mode_since = clock_timestamp(), whispered = whispered OR $2 = 'whisper' WHERE id = $1`,
    [id, mode],
  );
}

export async function endMonitor(q: Queryable, id: string, reason: MonitorEndReason) {
  await q.query(`UPDATE monitors SET ended_at = clock_timestamp(), end_reason = $2 WHERE id = $1 AND ended_at IS NULL`, [id, reason]);
}

/**
 * Ends the call's open monitors that no longer apply: all of them when the call ended, those of
 * another agent when it moved on (handed over, back to the queue). Returns what ended.
 */
export async function endStaleMonitors(
  q: Queryable,
  call: { id: string; state: string; agentId: string | null },
): Promise<Array<{ supervisorId: string; mode: MonitorMode; reason: MonitorEndReason }>> {
  const reason: MonitorEndReason = call.state === 'ended' ? 'call_ended' : 'moved_on';
  const live = call.state === 'active' || call.state === 'on_hold';
  return q.query(
    `UPDATE monitors SET ended_at = clock_timestamp(), end_reason = $2
     WHERE call_id = $1 AND ended_at IS NULL AND (NOT $3::boolean OR agent_id IS DISTINCT FROM $4)
     RETURNING supervisor_id AS "supervisorId", mode, end_reason AS reason`,
    [call.id, reason, live, call.agentId],
  );
}
