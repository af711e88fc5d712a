// Supervisors: the live board, and monitoring a call (listen, whisper, barge).
//
// A monitor is a row (008_supervision.sql) written under the call's row lock like every other
// change to a call; LiveKit follows it after the commit (media-sync.ts `follow`), because the
// supervisor's entitlement is a pure function of the record (domain/room-policy.ts):
// - listen: in the call room, canSubscribe only: the SFU refuses their publish; hidden, so no
//   other client lists them (back from barge they rejoin hidden: room-policy.ts mustRejoinToHide);
// - whisper: the same in the call room, plus the coach room `coach-<callId>` where only they
//   publish and only the call's agent subscribes (the caller is never in it);
// - barge: canPublish and canSubscribe in the call room, like the agent.
// A monitor is of the agent who had the call when it began: it ends with the call, when the call
// leaves that agent (a completed transfer, back to the queue: monitor-ends.ts), on Stop, or when
// the supervisor starts on another call. During an open transfer it continues (A still has the call).
import { randomUUID } from 'node:crypto';
import { OPEN_TRANSFER_STATES, type MonitorMode, type TransferState } from '@warmline/contract';
import { coachEntitlement, coachRoomOf, HELD, mustRejoinToHide, supervisorPermission } from '../domain/room-policy.js';
import { AppError, notFound } from '../errors.js';
import type { AuthedAgent } from '../http/auth.js';
import type { Board, BoardAgent, BoardCall, MonitorGrant, MonitorView } from '../http/supervision-schemas.js';
import { agentIdentity, supervisorIdentity } from '../livekit/media.js';
import { maskNumber } from '../phone/numbers.js';
import { isSupervisor, listAgentPresence } from '../store/agents-repo.js';
import { addCallEvent } from '../store/calls-repo.js';
import { sqlList, type Queryable } from '../store/db.js';
import * as monitors from '../store/monitors-repo.js';
import { listQueueStats } from './queues.js';
import { lockCall } from './calls.js';
import type { Deps } from './deps.js';
import { loadRoomRecord } from './media-sync.js';

const iso = (d: Date | string | null): string | null => (d ? new Date(d).toISOString() : null);

export async function assertSupervisor(deps: Deps, agentId: string) {
  if (!(await isSupervisor(deps.db, agentId))) throw new AppError('forbidden', 'Only supervisors may do this.');
}

const isUniqueViolation = (err: unknown) => (err as { code?: string } | null)?.code === '23505';

/**
 * Start monitoring `callId` in `mode`, or switch mode (the same call again); the same mode again
 * changes nothing and returns fresh tokens (a reload). 404: no such call; 409: ended, or nobody
 * has answered it yet (there is no agent to monitor).
 */
export async function monitorCall(deps: Deps, sup: AuthedAgent, callId: string, mode: MonitorMode): Promise<MonitorGrant> {
  let previousCall: string | null = null;
  let rejoin = false;
  try {
    ({ previousCall, rejoin } = await deps.db.tx(async (q) => {
      const call = await lockCall(q, callId);
      if (call.state === 'ended') throw new AppError('call_conflict', 'The call has ended.');
      if ((call.state !== 'active' && call.state !== 'on_hold') || !call.agentId) {
        throw new AppError('call_conflict', 'No agent has this call yet; monitor it once it is answered.');
      }
      // A supervisor who has the call is on it already (a second identity would only echo them).
      if (call.agentId === sup.agentId) throw new AppError('call_conflict', 'This is your own call.');
      const mine = await monitors.openMonitorOf(q, sup.agentId, { forUpdate: true });
      // Barge back to listen or whisper on this call: the caller's client saw them, so they rejoin hidden.
      const hide = !!mine && mine.callId === callId && mustRejoinToHide(supervisorPermission(mode), supervisorPermission(mine.mode));
      if (mine && mine.callId === callId && mine.agentId === call.agentId) {
        if (mine.mode !== mode) {
          await monitors.setMonitorMode(q, mine.id, mode);
          await addCallEvent(q, callId, 'monitor_changed', { supervisorId: sup.agentId, from: mine.mode, mode });
        }
        return { previousCall: null, rejoin: hide };
      }
      if (mine) {
        const reason = mine.callId === callId ? 'moved_on' : 'switched';
        await monitors.endMonitor(q, mine.id, reason);
        await addCallEvent(q, mine.callId, 'monitor_ended', { supervisorId: sup.agentId, mode: mine.mode, reason });
      }
      await monitors.insertMonitor(q, { id: randomUUID(), callId, supervisorId: sup.agentId, agentId: call.agentId, mode });
      await addCallEvent(q, callId, 'monitor_started', { supervisorId: sup.agentId, agentId: call.agentId, mode });
      return { previousCall: mine && mine.callId !== callId ? mine.callId : null, rejoin: hide };
    }));
  } catch (err) {
    // Two requests of one supervisor for two calls at once: the unique index lets one win.
    if (isUniqueViolation(err)) throw new AppError('call_conflict', 'You started monitoring another call at the same moment; try again.');
    throw err;
  }
  const me = supervisorIdentity(sup.agentId);
  await deps.bus.publish({ type: 'call', callId }, ...(previousCall ? [{ type: 'call' as const, callId: previousCall }] : []));
  if (previousCall) await deps.mediaSync.follow(previousCall, { remove: [me] }).catch((err) => deps.log.warn({ err }, 'previous monitor not left yet'));
  // `remove`: out of the coach room when no longer whispering (the call room keeps them).
  await deps.mediaSync.follow(callId, { remove: [me], rejoin: rejoin ? [me] : [] });
  return grantMonitor(deps, sup, callId);
}

/** Tokens for the monitor on record. Like an agent's, they grant nothing until the join webhook has checked the record. */
async function grantMonitor(deps: Deps, sup: AuthedAgent, callId: string): Promise<MonitorGrant> {
  const rec = await loadRoomRecord(deps.db, callId);
  const mine = await monitors.openMonitorOf(deps.db, sup.agentId);
  if (!rec || !mine || mine.callId !== callId) throw new AppError('call_conflict', 'The monitor ended meanwhile.');
  const identity = supervisorIdentity(sup.agentId);
  const name = `${sup.name} (supervisor)`;
  // Grants nothing until the join webhook has checked the record, but hidden as the mode says from the
  // start: a listener's arrival is never announced to the caller's client.
  const token = await deps.media.token({ room: rec.room, identity, name, permission: { ...HELD, hidden: supervisorPermission(mine.mode).hidden } });
  const coach = coachEntitlement(rec, { kind: 'supervisor', agentId: sup.agentId })
    ? { token: await deps.media.token({ room: coachRoomOf(callId), identity, name, permission: HELD }), livekitUrl: deps.media.clientUrl, room: coachRoomOf(callId) }
    : null;
  return {
    callId,
    mode: mine.mode,
    startedAt: iso(mine.startedAt)!,
    modeSince: iso(mine.modeSince)!,
    call: { token, livekitUrl: deps.media.clientUrl, room: rec.room },
    coach,
  };
}

/** Stop monitoring `callId`. Idempotent: not monitoring it (any more) answers the same. 404: no such call. */
export async function stopMonitor(deps: Deps, sup: AuthedAgent, callId: string): Promise<{ callId: string; monitoring: false }> {
  const stopped = await deps.db.tx(async (q) => {
    await lockCall(q, callId);
    const mine = await monitors.openMonitorOf(q, sup.agentId, { forUpdate: true });
    if (!mine || mine.callId !== callId) return false;
    await monitors.endMonitor(q, mine.id, 'stopped');
    await addCallEvent(q, callId, 'monitor_ended', { supervisorId: sup.agentId, mode: mine.mode, reason: 'stopped' });
    return true;
  });
  if (stopped) {
    await deps.bus.publish({ type: 'call', callId });
    await deps.mediaSync.follow(callId, { remove: [supervisorIdentity(sup.agentId)] });
  }
  return { callId, monitoring: false };
}

/** The call's agent joins the coach room while a supervisor whispers to them (409 otherwise). */
export async function coachJoin(deps: Deps, agent: AuthedAgent, callId: string) {
  const rec = await loadRoomRecord(deps.db, callId);
  if (!rec) throw notFound('call', callId);
  if (!coachEntitlement(rec, { kind: 'agent', agentId: agent.agentId })) {
    throw new AppError('call_conflict', 'No supervisor is whispering to you on this call.');
  }
  const token = await deps.media.token({ room: coachRoomOf(callId), identity: agentIdentity(agent.agentId), name: agent.name, permission: HELD });
  return { token, livekitUrl: deps.media.clientUrl, room: coachRoomOf(callId) };
}

/** The call's open monitors, for its view (the agent sees who monitors them and how). */
export async function monitorViews(q: Queryable, callId: string): Promise<MonitorView[]> {
  const rows = await q.query<{ supervisorId: string; supervisorName: string; mode: MonitorMode; startedAt: Date; modeSince: Date }>(
    `SELECT m.supervisor_id AS "supervisorId", a.name AS "supervisorName", m.mode, m.started_at AS "startedAt", m.mode_since AS "modeSince"
     FROM monitors m JOIN agents a ON a.id = m.supervisor_id WHERE m.call_id = $1 AND m.ended_at IS NULL ORDER BY m.started_at`,
    [callId],
  );
  return rows.map((r) => ({ ...r, startedAt: iso(r.startedAt)!, modeSince: iso(r.modeSince)! }));
}

interface CallRow {
  id: string;
  state: BoardCall['state'];
  callerName: string;
  reason: string;
  agentId: string | null;
  agentName: string | null;
  queueId: string;
  queueName: string;
  createdAt: Date;
  queuedAt: Date;
  answeredAt: Date | null;
  holdCount: number;
  heldSince: Date | null;
  tId: string | null;
  tState: TransferState | null;
  tFromName: string | null;
  tTargetType: 'agent' | 'phone' | 'queue' | null;
  tTargetName: string | null;
  tTargetNumber: string | null;
  tRequestedAt: Date | null;
  tAcceptedAt: Date | null;
}

/**
 * Every queue (waiting, longest wait, members available and signed in), every agent (presence,
 * engagement, time in state) and every live call (queue, waiting/talk time, hold, open transfer,
 * who monitors it): six queries, none per row. `viewerId`: the supervisor reading it.
 */
export async function supervisorBoard(deps: Deps, viewerId: string): Promise<Board> {
  const q = deps.db;
  const now = (await q.query<{ now: Date }>('SELECT now() AS now'))[0]?.now ?? new Date();
  // GET /api/queues's own query (`mine` is the viewer's membership; the board has no use for it).
  const queues = (await listQueueStats(q, viewerId, deps.config.wrapUp.timeoutS)).map((r) => ({
    id: r.id,
    name: r.name,
    waiting: r.waiting,
    longestWaitS: r.longestWaitS,
    oldestQueuedAt: iso(r.oldestQueuedAt),
    availableAgents: r.availableAgents,
    signedIn: r.signedIn,
  }));
  const presence = await listAgentPresence(q, deps.config.wrapUp.timeoutS);
  const since = await q.query<{ id: string; statusSince: Date; lastPresent: Date | null; wrapUpSince: Date | null; handedSince: Date | null }>(
    `SELECT a.id, a.status_since AS "statusSince",
       (SELECT max(s.present_until) FROM sessions s WHERE s.agent_id = a.id) AS "lastPresent",
       (SELECT max(w.started_at) FROM wrap_ups w WHERE w.agent_id = a.id AND w.done_at IS NULL) AS "wrapUpSince",
       (SELECT max(t.completed_at) FROM transfers t JOIN calls c ON c.id = t.call_id
         WHERE t.target_agent_id = a.id AND c.agent_id = a.id AND c.state <> 'ended') AS "handedSince"
     FROM agents a`,
  );
  const rows = await q.query<CallRow>(
    `SELECT c.id, c.state, c.caller_name AS "callerName", c.reason, c.agent_id AS "agentId", ag.name AS "agentName",
       c.queue_id AS "queueId", coalesce(qu.name, c.queue_id) AS "queueName", c.created_at AS "createdAt", c.queued_at AS "queuedAt", c.answered_at AS "answeredAt", c.hold_count AS "holdCount",
       CASE WHEN c.state = 'on_hold' THEN (SELECT max(e.at) FROM call_events e WHERE e.call_id = c.id AND e.type IN ('held', 'transfer_requested')) END AS "heldSince",
       t.id AS "tId", t.state AS "tState", fa.name AS "tFromName", t.target_type AS "tTargetType", ta.name AS "tTargetName",
       t.target_number AS "tTargetNumber", t.requested_at AS "tRequestedAt", t.accepted_at AS "tAcceptedAt"
     FROM calls c
     LEFT JOIN agents ag ON ag.id = c.agent_id
     LEFT JOIN queues qu ON qu.id = c.queue_id
     LEFT JOIN transfers t ON t.call_id = c.id AND t.state IN ${sqlList(OPEN_TRANSFER_STATES)}
     LEFT JOIN agents fa ON fa.id = t.from_agent_id
     LEFT JOIN agents ta ON ta.id = t.target_agent_id
     WHERE c.state <> 'ended' ORDER BY c.created_at, c.id`,
  );
  const mons = await q.query<{ callId: string; supervisorId: string; supervisorName: string; mode: MonitorMode; startedAt: Date; modeSince: Date }>(
    `SELECT m.call_id AS "callId", m.supervisor_id AS "supervisorId", a.name AS "supervisorName", m.mode,
       m.started_at AS "startedAt", m.mode_since AS "modeSince"
     FROM monitors m JOIN agents a ON a.id = m.supervisor_id JOIN calls c ON c.id = m.call_id
     WHERE m.ended_at IS NULL AND c.state <> 'ended' ORDER BY m.started_at`,
  );
  const calls: BoardCall[] = rows.map((r) => ({
    id: r.id,
    state: r.state,
    callerName: r.callerName,
    reason: r.reason,
    agentId: r.agentId,
    agentName: r.agentName,
    queueId: r.queueId,
    queueName: r.queueName,
    createdAt: iso(r.createdAt)!,
    queuedAt: iso(r.queuedAt)!,
    answeredAt: iso(r.answeredAt),
    holdCount: r.holdCount,
    heldSince: iso(r.heldSince),
    transfer:
      r.tId && r.tState
        ? {
            id: r.tId,
            state: r.tState,
            fromAgentName: r.tFromName ?? 'unknown',
            targetType: r.tTargetType ?? 'agent',
            targetName: r.tTargetName ?? (r.tTargetNumber ? maskNumber(r.tTargetNumber) : r.tTargetType === 'queue' ? 'a queue' : 'unknown'),
            requestedAt: iso(r.tRequestedAt)!,
            acceptedAt: iso(r.tAcceptedAt),
          }
        : null,
    monitors: mons
      .filter((m) => m.callId === r.id)
      .map((m) => ({ supervisorId: m.supervisorId, supervisorName: m.supervisorName, mode: m.mode, startedAt: iso(m.startedAt)!, modeSince: iso(m.modeSince)! })),
  }));
  const byCall = new Map(calls.map((c) => [c.id, c]));
  const sinceOf = new Map(since.map((s) => [s.id, s]));
  const later = (...ds: Array<Date | string | null | undefined>) =>
    ds.filter((d): d is Date | string => !!d).map((d) => new Date(d)).sort((a, b) => +b - +a)[0] ?? null;
  const agents: BoardAgent[] = presence.map((p) => {
    const s = sinceOf.get(p.id);
    const call = p.engagement.callId ? byCall.get(p.engagement.callId) : undefined;
    let at: Date | null;
    switch (p.engagement.kind) {
      case 'on_call':
        at = later(call?.answeredAt, s?.handedSince);
        break;
      case 'consulting':
      case 'introducing':
        at = later(call?.transfer?.acceptedAt);
        break;
      case 'ringing':
        at = later(call?.transfer?.requestedAt);
        break;
      case 'wrap_up':
        at = later(s?.wrapUpSince);
        break;
      default:
        // Offline: since the console stopped keeping the session present (if that came after the choice).
        at = p.status === 'offline' ? later(s?.statusSince, s?.lastPresent && new Date(s.lastPresent) < new Date(now) ? s.lastPresent : null) : later(s?.statusSince);
    }
    return {
      id: p.id,
      name: p.name,
      role: p.role,
      status: p.status,
      awayReason: p.awayReason,
      engagement: p.engagement.kind,
      callId: p.engagement.callId,
      since: iso(at),
    };
  });
  return { at: iso(now)!, queues, agents, calls };
}
