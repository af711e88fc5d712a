import { ON_CALL_ENGAGEMENTS, type AgentRole, type AgentStatus, type AwayReason, type EngagementKind, type PresenceStatus } from '@warmline/contract';
import { ON_CALL_STATES } from './calls-repo.js';
import { sqlList, type Queryable } from './db.js';

export interface AgentRecord {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  status: AgentStatus;
  role: AgentRole;
}

/** Which call (and transfer) an engagement is about; views.ts turns it into the API's Engagement. */
export interface EngagementRef {
  kind: EngagementKind;
  /** Set for every kind but idle. */
  callId: string | null;
  /** Set for ringing, consulting and introducing. */
  transferId: string | null;
}

export interface AgentPresence {
  id: string;
  name: string;
  email: string;
  status: PresenceStatus;
  /** Set when status is away: the reason they chose, or missed (null: none given). */
  awayReason: AwayReason | null;
  role: AgentRole;
  engagement: EngagementRef;
}

const COLS = 'id, email, name, password_hash AS "passwordHash", status, role';

export async function findAgentByEmail(q: Queryable, email: string): Promise<AgentRecord | null> {
  const rows = await q.query<AgentRecord>(`SELECT ${COLS} FROM agents WHERE email = $1`, [email.toLowerCase()]);
  return rows[0] ?? null;
}

export async function insertAgent(q: Queryable, a: AgentRecord): Promise<void> {
  await q.query('INSERT INTO agents (id, email, name, password_hash, status, role) VALUES ($1, $2, $3, $4, $5, $6)', [
    a.id,
    a.email.toLowerCase(),
    a.name,
    a.passwordHash,
    a.status,
    a.role,
  ]);
}

/** What the agent chose (or, with reason missed, what an unanswered transfer chose for them). */
export async function setAgentStatus(q: Queryable, id: string, status: AgentStatus, awayReason: AwayReason | null = null): Promise<void> {
  // status_since (008_supervision.sql): the supervisor board's time in state; a repeated choice keeps it.
  await q.query(
    `UPDATE agents SET status = $2, away_reason = $3,
       status_since = CASE WHEN status IS DISTINCT FROM $2 OR away_reason IS DISTINCT FROM $3 THEN now() ELSE status_since END
     WHERE id = $1`,
    [id, status, status === 'away' ? awayReason : null],
  );
}

/** The agent's console is open somewhere: a session of theirs kept present by an event stream (see 003_presence.sql). */
const consolePresent = (agentId: string) =>
  `EXISTS (SELECT 1 FROM sessions s WHERE s.agent_id = ${agentId} AND s.present_until > now())`;

/** An engagement's or a presence's name as an SQL literal (type-checked against the contract). */
const lit = (k: EngagementKind) => `'${k}'`;
const presence = (p: PresenceStatus) => `'${p}'`;

/**
 * What agent `a` is engaged in: the one place it is decided (a LATERAL subquery, one row per
 * agent). The first branch that matches wins:
 * - on_call: owns a live call (answered it, or was handed it; B from the introduction on);
 * - introducing: A, while B (who now owns the call) is introduced;
 * - consulting: B, accepted, A still owns the call;
 * - wrap_up: their open wrap-up, younger than WRAP_UP_TIMEOUT_S (always $1 in these queries), so
 *   it ends at its deadline even before the sweep closes the row (0: never);
 * - ringing: the oldest transfer ringing them (not on a call: they may still take a queued call).
 * No row: idle.
 */
const ENGAGEMENT = `LEFT JOIN LATERAL (
    (SELECT 1 AS priority, ${lit('on_call')} AS kind, c.id AS call_id, NULL::text AS transfer_id FROM calls c
      WHERE c.agent_id = a.id AND c.state IN ${sqlList(ON_CALL_STATES)} ORDER BY c.answered_at DESC LIMIT 1)
    UNION ALL
    (SELECT 2, ${lit('introducing')}, t.call_id, t.id FROM transfers t
      WHERE t.from_agent_id = a.id AND t.state = 'introducing' LIMIT 1)
    UNION ALL
    (SELECT 3, ${lit('consulting')}, t.call_id, t.id FROM transfers t
      WHERE t.target_agent_id = a.id AND t.state = 'consulting' LIMIT 1)
    UNION ALL
    (SELECT 4, ${lit('wrap_up')}, w.call_id, NULL FROM wrap_ups w
      WHERE w.agent_id = a.id AND w.done_at IS NULL AND w.started_at > clock_timestamp() - make_interval(secs => $1) LIMIT 1)
    UNION ALL
    (SELECT 5, ${lit('ringing')}, t.call_id, t.id FROM transfers t
      WHERE t.target_agent_id = a.id AND t.state = 'ringing' ORDER BY t.requested_at LIMIT 1)
    ORDER BY priority LIMIT 1
  ) e ON true`;

// Presence is derived, never stored, but for the agent's own choice (available/away and a reason):
// on_call and wrap_up are the engagement above (so they can never go stale after a crash); an
// agent who chose Available but whose console is gone (no event stream on any instance) is
// offline. The engagement wins over the choice and the console; a chosen Away stays away.
const PRESENCE_SQL = `
  SELECT a.id, a.name, a.email, a.role, p.status,
    CASE WHEN p.status = 'away' THEN a.away_reason END AS "awayReason",
    COALESCE(e.kind, ${lit('idle')}) AS kind, e.call_id AS "callId", e.transfer_id AS "transferId"
  FROM agents a ${ENGAGEMENT}
  CROSS JOIN LATERAL (SELECT CASE
      WHEN e.kind IN ${sqlList(ON_CALL_ENGAGEMENTS)} THEN ${presence('on_call')}
      WHEN e.kind = ${lit('wrap_up')} THEN ${presence('wrap_up')}
      WHEN a.status = 'away' THEN ${presence('away')}
      WHEN NOT ${consolePresent('a.id')} THEN ${presence('offline')}
      ELSE ${presence('available')}
    END AS status) p`;

type PresenceRow = Omit<AgentPresence, 'engagement'> & EngagementRef;
const toPresence = ({ kind, callId, transferId, ...agent }: PresenceRow): AgentPresence => ({
  ...agent,
  engagement: { kind, callId, transferId },
});

/** Ringing transfers whose target's console is gone: nobody will answer them. */
export async function ringingTransfersToOfflineTargets(q: Queryable): Promise<string[]> {
  const rows = await q.query<{ id: string }>(
    `SELECT t.id FROM transfers t WHERE t.state = 'ringing' AND t.target_type = 'agent' AND NOT ${consolePresent('t.target_agent_id')} ORDER BY t.requested_at`,
  );
  return rows.map((r) => r.id);
}

/** Every agent's presence (and engagement), or just these agents', from the one query. wrapUpS: WRAP_UP_TIMEOUT_S. */
export async function listAgentPresence(q: Queryable, wrapUpS: number, ids?: string[]): Promise<AgentPresence[]> {
  const rows = ids
    ? await q.query<PresenceRow>(`${PRESENCE_SQL} WHERE a.id = ANY($2) ORDER BY a.name, a.id`, [wrapUpS, ids])
    : await q.query<PresenceRow>(`${PRESENCE_SQL} ORDER BY a.name, a.id`, [wrapUpS]);
  return rows.map(toPresence);
}

/** One agent's presence and what they are engaged in, from the same query (so the two never disagree). */
export async function getAgentPresence(q: Queryable, id: string, wrapUpS: number): Promise<AgentPresence | null> {
  const rows = await q.query<PresenceRow>(`${PRESENCE_SQL} WHERE a.id = $2`, [wrapUpS, id]);
  return rows[0] ? toPresence(rows[0]) : null;
}

export async function isSupervisor(q: Queryable, id: string): Promise<boolean> {
  const rows = await q.query<{ role: AgentRole }>('SELECT role FROM agents WHERE id = $1', [id]);
  return rows[0]?.role === 'supervisor';
}

export async function countAgents(q: Queryable): Promise<number> {
  const rows = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM agents');
  return rows[0]?.n ?? 0;
}

/** Names of just these agents (views need names, not everyone's presence). */
export async function agentNames(q: Queryable, ids: (string | null | undefined)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((x): x is string => !!x))];
  if (wanted.length === 0) return new Map();
  const rows = await q.query<{ id: string; name: string }>('SELECT id, name FROM agents WHERE id = ANY($1)', [wanted]);
  return new Map(rows.map((r) => [r.id, r.name]));
}
