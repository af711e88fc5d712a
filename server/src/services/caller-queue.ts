// What a waiting caller may know about their queue, without a name or a note: an estimated wait
// (the median time recent callers of the same queue waited before an agent answered, times their
// position in it) and
// whether any agent is signed in / available at all (any agent may answer any queue). Two
// index-backed queries, memoised per database and queue for a couple of seconds: every waiting
// caller polls once a second.
import { DEFAULT_QUEUE_ID } from '@warmline/contract';
import { ON_CALL_STATES } from '../store/calls-repo.js';
import { sqlList, type Queryable } from '../store/db.js';

export interface QueueOutlook {
  /** Median seconds from queued to answered over the last RECENT answered calls; null: no history. */
  medianAnswerS: number | null;
  /** Some agent's console is open (available, on a call, in wrap-up or away). */
  agentSignedIn: boolean;
  /** Some agent is available to answer now: console open, chose Available, not on a call. */
  agentAvailable: boolean;
}

const RECENT = 50;
const MEMO_MS = 2000;
const memo = new WeakMap<Queryable, Map<string, { at: number; value: Promise<QueueOutlook> }>>();

// Recent answered calls, newest first, from calls_queue_idx (state, queued_at): ended ones and live
// ones, each a bounded backward index scan. A call answered before it was re-queued is skipped.
const MEDIAN_SQL = `
  SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY waited) AS median FROM (
    (SELECT extract(epoch FROM answered_at - queued_at) AS waited FROM calls
      WHERE state = 'ended' AND queue_id = $1 AND answered_at >= queued_at ORDER BY queued_at DESC LIMIT ${RECENT})
    UNION ALL
    (SELECT extract(epoch FROM answered_at - queued_at) FROM calls
      WHERE state IN ${sqlList(ON_CALL_STATES)} AND queue_id = $1 AND answered_at >= queued_at ORDER BY queued_at DESC LIMIT ${RECENT})
  ) r`;

// The same notions as agents-repo.ts's presence: a console is present while a session of the agent
// has present_until in the future; available is the agent's own choice with no live call.
const AGENTS_SQL = `
  SELECT coalesce(bool_or(p.present), false) AS "signedIn",
         coalesce(bool_or(p.present AND a.status = 'available' AND NOT EXISTS (
           SELECT 1 FROM calls c WHERE c.agent_id = a.id AND c.state IN ${sqlList(ON_CALL_STATES)})), false) AS "available"
  FROM agents a
  CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM sessions s WHERE s.agent_id = a.id AND s.present_until > now()) AS present) p`;

async function read(q: Queryable, queueId: string): Promise<QueueOutlook> {
  const [m, a] = await Promise.all([
    q.query<{ median: number | string | null }>(MEDIAN_SQL, [queueId]),
    q.query<{ signedIn: boolean; available: boolean }>(AGENTS_SQL),
  ]);
  const median = m[0]?.median;
  return {
    medianAnswerS: median === null || median === undefined ? null : Number(median),
    agentSignedIn: !!a[0]?.signedIn,
    agentAvailable: !!a[0]?.available,
  };
}

export function queueOutlook(q: Queryable, queueId: string = DEFAULT_QUEUE_ID): Promise<QueueOutlook> {
  let byQueue = memo.get(q);
  if (!byQueue) memo.set(q, (byQueue = new Map()));
  const hit = byQueue.get(queueId);
  if (hit && Date.now() - hit.at < MEMO_MS) return hit.value;
  const value = read(q, queueId);
  byQueue.set(queueId, { at: Date.now(), value });
  value.catch(() => byQueue.delete(queueId));
  return value;
}

/** Seconds a caller at `position` may still wait: the median answer time times the position,
 *  rounded up to 15 s; null without history or outside the queue. */
export function estimatedWaitS(o: QueueOutlook, position: number | null): number | null {
  if (position === null || o.medianAnswerS === null) return null;
  return Math.max(15, Math.ceil((o.medianAnswerS * position) / 15) * 15);
}
