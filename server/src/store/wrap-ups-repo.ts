// Wrap-ups (005_wrap_up_roles.sql): one row per agent whose part in a call ended. Open while
// done_at is NULL; its deadline is started_at + WRAP_UP_TIMEOUT_S, given by the caller (config).
import { randomUUID } from 'node:crypto';
import type { WrapUpEnding } from '@warmline/contract';
import type { Queryable } from './db.js';

export interface WrapUpRecord {
  id: string;
  callId: string;
  agentId: string;
  startedAt: Date;
  doneAt: Date | null;
  endedBy: WrapUpEnding | null;
  disposition: string | null;
  notes: string;
}

const COLS = `id, call_id AS "callId", agent_id AS "agentId", started_at AS "startedAt", done_at AS "doneAt",
  ended_by AS "endedBy", disposition, notes`;

/**
 * The agent's part in the call ended: their wrap-up begins, with the call's notes as they stood.
 * An older open wrap-up of theirs ends first (one at a time; the unique index holds it).
 * Returns the wrap-ups it closed (for the timeline of those calls).
 */
export async function startWrapUp(q: Queryable, callId: string, agentId: string, notes: string): Promise<WrapUpRecord[]> {
  const replaced = await q.query<WrapUpRecord>(
    `UPDATE wrap_ups SET done_at = clock_timestamp(), ended_by = 'replaced' WHERE agent_id = $1 AND done_at IS NULL RETURNING ${COLS}`,
    [agentId],
  );
  await q.query('INSERT INTO wrap_ups (id, call_id, agent_id, notes) VALUES ($1, $2, $3, $4)', [randomUUID(), callId, agentId, notes]);
  return replaced;
}

/** The agent's latest wrap-up of this call (an agent may have had a call twice), locked if asked. */
export async function latestWrapUp(q: Queryable, callId: string, agentId: string, opts: { forUpdate?: boolean } = {}) {
  const rows = await q.query<WrapUpRecord>(
    `SELECT ${COLS} FROM wrap_ups WHERE call_id = $1 AND agent_id = $2 ORDER BY started_at DESC LIMIT 1${opts.forUpdate ? ' FOR UPDATE' : ''}`,
    [callId, agentId],
  );
  return rows[0] ?? null;
}

/** The agent's open wrap-up, if any. */
export async function openWrapUp(q: Queryable, agentId: string) {
  const rows = await q.query<WrapUpRecord>(`SELECT ${COLS} FROM wrap_ups WHERE agent_id = $1 AND done_at IS NULL`, [agentId]);
  return rows[0] ?? null;
}

export async function wrapUpsOfCall(q: Queryable, callId: string) {
  return q.query<WrapUpRecord>(`SELECT ${COLS} FROM wrap_ups WHERE call_id = $1 ORDER BY started_at, id`, [callId]);
}

export async function finishWrapUp(q: Queryable, id: string, f: { endedBy: WrapUpEnding; disposition: string | null; notes: string }) {
  const rows = await q.query<WrapUpRecord>(
    `UPDATE wrap_ups SET done_at = COALESCE(done_at, clock_timestamp()), ended_by = COALESCE(ended_by, $2), disposition = $3, notes = $4
     WHERE id = $1 RETURNING ${COLS}`,
    [id, f.endedBy, f.disposition, f.notes],
  );
  return rows[0]!;
}

export async function setWrapUpNotes(q: Queryable, id: string, notes: string) {
  await q.query('UPDATE wrap_ups SET notes = $2 WHERE id = $1', [id, notes]);
}

/**
 * Ends every open wrap-up past its deadline, once: the UPDATE takes each row's lock and
 * re-checks done_at, so an instance racing another (or the agent's Done) changes nothing twice.
 */
export async function endOverdueWrapUps(q: Queryable, timeoutS: number): Promise<WrapUpRecord[]> {
  return q.query<WrapUpRecord>(
    `UPDATE wrap_ups SET done_at = clock_timestamp(), ended_by = 'timeout'
     WHERE id IN (SELECT id FROM wrap_ups WHERE done_at IS NULL AND started_at <= clock_timestamp() - make_interval(secs => $1)
                  ORDER BY started_at LIMIT 100)
       AND done_at IS NULL
     RETURNING ${COLS}`,
    [timeoutS],
  );
}
