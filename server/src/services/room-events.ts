// What LiveKit tells us about a call room (webhooks), and what happens when someone stays
// away. Every webhook is taken once (its id), and a connection's events count only while
// that connection (its sid) is the newest one on record, so replays and late deliveries
// change nothing. A drop is not a hang-up: the call keeps its place for the grace period
// and only then does an agent's call go back to the queue, or a caller's call end.
import type { TimelineEvent } from '@warmline/contract';
import { callIdOfCoachRoom, entitlement } from '../domain/room-policy.js';
import { AppError } from '../errors.js';
import { parseIdentity, type ParsedIdentity } from '../livekit/media.js';
import * as calls from '../store/calls-repo.js';
import * as members from '../store/members-repo.js';
import * as monitors from '../store/monitors-repo.js';
import { openTransferForCall } from '../store/transfers-repo.js';
import { applyCallEvent, applyTransferEvent, type Applied } from './apply-events.js';
import { hangupCall, lockCall } from './calls.js';
import type { Deps } from './deps.js';
import { loadRoomRecord, memberOf } from './media-sync.js';
import { phoneLegEnded } from './phone-legs.js';

export interface RoomWebhook {
  id: string;
  event: string;
  room: string;
  participant?: { identity: string; sid: string; joinedAt: Date; attributes: Record<string, string> };
}

// Timeline names for the room's comings and goings, spelled out so a search for one finds where it is written.
type Kind = NonNullable<ReturnType<typeof parseIdentity>>['kind'];
const JOINED: Record<Kind, TimelineEvent> = { caller: 'caller_joined', agent: 'agent_joined', phone: 'phone_connected', supervisor: 'supervisor_joined' };
const DISCONNECTED: Record<Kind, TimelineEvent> = {
  caller: 'caller_disconnected',
  agent: 'agent_disconnected',
  phone: 'phone_ended',
  supervisor: 'supervisor_disconnected',
};
const detailOf = (who: ParsedIdentity) =>
  who.kind === 'agent' || who.kind === 'supervisor' ? { agentId: who.agentId } : who.kind === 'phone' ? { transferId: who.transferId } : {};

/** Returns what was done, for logs and tests: 'duplicate' | 'stale' | 'ignored' | 'taken'. */
export async function takeRoomWebhook(deps: Deps, w: RoomWebhook): Promise<'duplicate' | 'stale' | 'ignored' | 'taken'> {
  // Whisper's coach room (domain/room-policy.ts): whoever joins gets the record's permission or is removed.
  const coached = callIdOfCoachRoom(w.room);
  if (coached) {
    if (w.event === 'participant_joined') await reconcileSoon(deps, coached);
    return 'taken';
  }
  const call = await calls.getCallByRoom(deps.db, w.room);
  if (!call) return 'ignored';
  if (!(await members.takeWebhookOnce(deps.db, w.id))) return 'duplicate';
  const p = w.participant;
  const who = p ? parseIdentity(p.identity) : null;

  switch (w.event) {
    case 'participant_joined': {
      if (!p) return 'ignored';
      const fresh =
        call.state !== 'ended' &&
        (await members.memberJoined(deps.db, { callId: call.id, identity: p.identity, sid: p.sid, tabId: p.attributes.tab ?? null, at: p.joinedAt }));
      if (fresh) {
        // Only someone the record lets in makes the timeline; an intruder is just removed.
        const rec = await loadRoomRecord(deps.db, call.id);
        const m = memberOf(p.identity);
        if (who && rec && m && entitlement(rec, m)) {
          await calls.addCallEvent(deps.db, call.id, JOINED[who.kind], detailOf(who));
        }
        await deps.bus.publish({ type: 'call', callId: call.id });
      }
      // Whoever joined gets the record's permissions; whoever is not entitled is removed at once.
      // (A stale join costs a look at the room too: cheap, and it never hurts.)
      await reconcileSoon(deps, call.id);
      return fresh || call.state === 'ended' ? 'taken' : 'stale';
    }
    case 'participant_left': {
      if (!p || call.state === 'ended') return 'ignored';
      const gone = await members.memberLeft(deps.db, { callId: call.id, identity: p.identity, sid: p.sid, at: new Date() });
      if (!gone) return 'stale';
      if (who) await calls.addCallEvent(deps.db, call.id, DISCONNECTED[who.kind], detailOf(who));
      await deps.bus.publish({ type: 'call', callId: call.id });
      return 'taken';
    }
    case 'room_started':
      // LiveKit (re)started the room on a node. After the node that had it died, LiveKit's
      // shared store still lists that node's connections as if they were here: ask the nodes
      // which are (in the background: a dead one takes LiveKit seconds to tell, and this
      // node's next webhooks, a reconnecting participant's join, must not wait for it).
      if (call.state !== 'ended') {
        void deps.mediaSync.checkConnections(call.id).catch((err) => {
          deps.mediaSync.dirty.set(call.id, Date.now());
          deps.log.warn({ err, callId: call.id }, 'checking connections after room_started failed; will retry');
        });
      }
      return 'taken';
    case 'room_finished':
      if (call.state !== 'ended') await members.markAllLeft(deps.db, call.id);
      return 'taken';
    default:
      return 'ignored';
  }
}

async function reconcileSoon(deps: Deps, callId: string) {
  await deps.mediaSync.reconcileCall(callId).catch((err) => {
    deps.mediaSync.dirty.set(callId, Date.now());
    deps.log.warn({ err, callId }, 'reconcile after webhook failed; will retry');
  });
}

/**
 * Connections gone for longer than the grace period: an agent's call goes back to the queue
 * (or, mid-transfer, on to B or back to A), a caller's call ends. Row locks make each happen once
 * whichever instance gets there first.
 */
export async function settleDepartures(deps: Deps): Promise<number> {
  const overdue = await members.overdueDepartures(deps.db, deps.config.media.reconnectGraceS);
  let n = 0;
  for (const d of overdue) {
    const who = parseIdentity(d.identity);
    try {
      if (who?.kind === 'caller') {
        const gone = await deps.db.tx(async (q) => {
          await lockCall(q, d.callId);
          const m = await members.getMember(q, d.callId, d.identity, { forUpdate: true });
          if (!m?.leftAt) return false; // came back meanwhile
          await members.deleteMember(q, d.callId, d.identity);
          return true;
        });
        if (gone) await hangupCall(deps, { kind: 'caller', callId: d.callId }, d.callId, { left: true });
      } else if (who?.kind === 'agent') {
        await agentGone(deps, d.callId, d.identity, who.agentId);
      } else if (who?.kind === 'supervisor') {
        await supervisorGone(deps, d.callId, d.identity, who.agentId);
      } else if (who?.kind === 'phone') {
        // The bridge's API instance died or lost the leg: Twilio hangs up a stream whose socket
        // closed, and this makes the record say so even if Twilio's report never comes.
        await members.deleteMember(deps.db, d.callId, d.identity);
        await phoneLegEnded(deps, { transferId: who.transferId, outcome: 'hung_up' });
      } else {
        await members.deleteMember(deps.db, d.callId, d.identity);
      }
      n++;
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      deps.log.warn({ err, callId: d.callId }, 'departure settled with a conflict');
    }
  }
  return n;
}

/**
 * A monitoring supervisor stayed away (closed the tab, lost the network): their monitor ends, so
 * the agent is no longer told someone listens and the board shows nobody. A reload within the
 * grace period keeps it (the supervisor page rejoins the monitor on record).
 */
async function supervisorGone(deps: Deps, callId: string, identity: string, supervisorId: string) {
  const ended = await deps.db.tx(async (q) => {
    await lockCall(q, callId);
    const m = await members.getMember(q, callId, identity, { forUpdate: true });
    if (!m?.leftAt) return false; // came back meanwhile
    await members.deleteMember(q, callId, identity);
    const mine = await monitors.openMonitorOf(q, supervisorId, { forUpdate: true });
    // Stopped, monitoring another call now, or a monitor begun after this departure (its console has not joined yet).
    if (!mine || mine.callId !== callId || new Date(mine.startedAt) > new Date(m.leftAt)) return false;
    await monitors.endMonitor(q, mine.id, 'left');
    await calls.addCallEvent(q, callId, 'monitor_ended', { supervisorId, mode: mine.mode, reason: 'left' });
    return true;
  });
  if (!ended) return;
  await deps.bus.publish({ type: 'call', callId });
  await deps.mediaSync.follow(callId, { remove: [identity] }).catch(() => undefined); // dirty: retried
}

/** An agent stayed away: hand the caller on (transfer) or back to the queue. */
async function agentGone(deps: Deps, callId: string, identity: string, agentId: string) {
  const result = await deps.db.tx(async (q): Promise<Applied | null> => {
    const call = await lockCall(q, callId);
    const m = await members.getMember(q, callId, identity, { forUpdate: true });
    if (!m?.leftAt) return null;
    await members.deleteMember(q, callId, identity);
    const transfer = await openTransferForCall(q, call.id, { forUpdate: true });
    if (transfer) return applyTransferEvent(q, call, transfer, { type: 'agent_left', agentId });
    return applyCallEvent(q, call, { type: 'agent_left', agentId });
  });
  if (!result?.changed) return;
  await deps.bus.publish({ type: 'queue' }, { type: 'agents', callId }, { type: 'call', callId });
  await deps.mediaSync.follow(callId, { remove: result.remove }).catch(() => undefined); // dirty: retried
}
