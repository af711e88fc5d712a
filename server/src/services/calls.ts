// Call use cases: one function per thing a caller or an agent can do.
// Each decides and writes in one transaction holding the call's row lock, so double
// clicks and two agents racing for the same call are decided by Postgres, not by luck.
// LiveKit is called only after the commit (MediaSync.follow): the record is the truth.
import { randomUUID } from 'node:crypto';
import { DEFAULT_QUEUE_ID } from '@warmline/contract';
import { newSecret } from '../auth/secrets.js';
import { entitlement, HELD, type Member } from '../domain/room-policy.js';
import { AppError, notFound } from '../errors.js';
import { agentIdentity, callerIdentity, phoneIdentity } from '../livekit/media.js';
import * as calls from '../store/calls-repo.js';
import type { CallRecord } from '../store/calls-repo.js';
import type { Queryable } from '../store/db.js';
import { getMember } from '../store/members-repo.js';
import { openTransferForCall } from '../store/transfers-repo.js';
import { getQueue } from '../store/queues-repo.js';
import { applyCallEvent, applyTransferEvent } from './apply-events.js';
import type { Deps } from './deps.js';
import { loadRoomRecord } from './media-sync.js';
import { assertNotInWrapUp, saveWrapUpNotes } from './wrap-ups.js';

export type Actor =
  | { kind: 'caller'; callId: string }
  | { kind: 'agent'; agentId: string; name: string }
  /** The phone specialist a call was handed to. */
  | { kind: 'specialist'; transferId: string };

export interface JoinGrant {
  token: string;
  livekitUrl: string;
  room: string;
  /** ISO time the grant was made: a /me read that began after it knows the change that allowed the join. */
  issuedAt?: string;
}

export async function lockCall(q: Queryable, id: string): Promise<CallRecord> {
  const call = await calls.getCall(q, id, { forUpdate: true });
  if (!call) throw notFound('call', id);
  return call;
}

/**
 * A join token for a member the record allows in the room now. A caller's token carries the
 * record's permissions (a held caller's grants no publish and no subscribe). An agent's token
 * grants nothing until the server sees the join and checks the record again (webhook →
 * reconcile): a token saved by an agent who has since been removed opens no window at all.
 */
export async function grantFor(deps: Deps, callId: string, member: Member, name: string, tabId?: string): Promise<JoinGrant> {
  const rec = await loadRoomRecord(deps.db, callId);
  if (!rec) throw notFound('call', callId);
  const entitled = entitlement(rec, member);
  if (!entitled) {
    throw new AppError(rec.call.state === 'ended' ? 'call_conflict' : 'forbidden', rec.call.state === 'ended' ? 'The call has ended.' : 'You are not on this call.');
  }
  const permission = member.kind === 'agent' ? HELD : entitled;
  const identity =
    member.kind === 'caller' ? callerIdentity(callId) : member.kind === 'agent' ? agentIdentity(member.agentId) : phoneIdentity(member.transferId);
  const token = await deps.media.token({ room: rec.room, identity, name, permission, attributes: tabId ? { tab: tabId } : undefined });
  return { token, livekitUrl: deps.media.clientUrl, room: rec.room, issuedAt: new Date().toISOString() };
}

/** `inTx` runs in the same transaction (a phone caller's leg is stored with its call). */
export async function createCall(
  deps: Deps,
  input: { name: string; reason: string; channel?: 'web' | 'phone'; queueId?: string },
  inTx?: (q: Queryable, callId: string) => Promise<void>,
) {
  const id = randomUUID();
  const room = `call-${id}`;
  const callerKey = newSecret();
  const queueId = input.queueId ?? DEFAULT_QUEUE_ID;
  await deps.db.tx(async (q) => {
    // Checked before anything is written: an unknown topic creates nothing.
    const queue = await getQueue(q, queueId);
    if (!queue?.active) throw new AppError('unknown_queue', `queueId: no topic "${queueId}" (GET /api/topics lists them).`);
    await calls.insertCall(q, { id, room, callerName: input.name, reason: input.reason, callerKeyHash: deps.secrets.hash(callerKey), channel: input.channel, queueId });
    await calls.addCallEvent(q, id, 'created', { reasonLength: input.reason.length, channel: input.channel ?? 'web', queueId });
    await inTx?.(q, id);
  });
  // The room exists only for a stored call; if LiveKit cannot make it, the call never existed.
  try {
    await deps.media.ensureRoom(room);
  } catch (err) {
    await calls.deleteCall(deps.db, id);
    throw err;
  }
  const grant = await grantFor(deps, id, { kind: 'caller' }, input.name);
  await deps.bus.publish({ type: 'queue' }, { type: 'call', callId: id });
  return { id, room, token: grant.token, livekitUrl: grant.livekitUrl, callerKey };
}

/**
 * Caller requests carry X-Caller-Key; an agent reads a call they took part in (or one waiting in
 * the queue), a supervisor any call (calls-repo.ts `readableBy` says who took part).
 */
export async function authorizeCallRead(deps: Deps, callId: string, callerKey: string | undefined, agentId: string | null) {
  const call = await calls.getCall(deps.db, callId);
  if (!call) throw notFound('call', callId);
  if (agentId) {
    if (!(await calls.canReadCall(deps.db, callId, agentId))) throw new AppError('forbidden', 'You took no part in this call.');
    return call;
  }
  if (!callerKey || !deps.secrets.matches(callerKey, call.callerKeyHash)) {
    throw new AppError('unauthorized', 'Sign in as an agent or send the X-Caller-Key of this call.');
  }
  return call;
}

/** A fresh token for a caller who reloaded or reconnected: the same call, as it stands now. */
export async function callerRejoin(deps: Deps, call: CallRecord): Promise<JoinGrant> {
  return grantFor(deps, call.id, { kind: 'caller' }, call.callerName);
}

/**
 * A fresh token for an agent entitled to the call's room (a reload, a lost network).
 * One console tab holds the audio: another tab gets `in_use_elsewhere` unless it takes over.
 */
export async function agentRejoin(deps: Deps, agent: { agentId: string; name: string }, callId: string, opts: { tabId?: string; takeOver?: boolean }) {
  const member = await getMember(deps.db, callId, agentIdentity(agent.agentId));
  if (member && !member.leftAt && !opts.takeOver && member.tabId && opts.tabId && member.tabId !== opts.tabId) {
    throw new AppError('in_use_elsewhere', 'This call is connected in another tab of your console; take it over here or use that tab.');
  }
  return grantFor(deps, callId, { kind: 'agent', agentId: agent.agentId }, agent.name, opts.tabId);
}

export async function acceptCall(deps: Deps, agent: { agentId: string; name: string }, callId: string, tabId?: string) {
  await deps.db.tx(async (q) => {
    const locked = await lockCall(q, callId);
    if (locked.state === 'waiting') {
      const other = await calls.liveCallForAgent(q, agent.agentId);
      if (other) throw new AppError('call_conflict', 'Finish or hand over your current call before accepting another.');
      await assertNotInWrapUp(deps, q, agent.agentId);
    }
    return applyCallEvent(q, locked, { type: 'accept', agentId: agent.agentId }, { agentName: agent.name });
  });
  await deps.bus.publish({ type: 'queue' }, { type: 'agents', callId }, { type: 'call', callId });
  await deps.mediaSync.follow(callId);
  return grantFor(deps, callId, { kind: 'agent', agentId: agent.agentId }, agent.name, tabId);
}

export async function holdCall(deps: Deps, agentId: string, callId: string, hold: boolean) {
  await deps.db.tx(async (q) => {
    const call = await lockCall(q, callId);
    if (call.agentId === agentId && (await openTransferForCall(q, callId))) {
      throw new AppError('call_conflict', 'The caller is held by an open transfer; complete or cancel it first.');
    }
    await applyCallEvent(q, call, { type: hold ? 'hold' : 'resume', agentId });
  });
  await deps.bus.publish({ type: 'call', callId });
  await deps.mediaSync.follow(callId);
}

/** `left`: the caller's connection is gone for good (grace period over) rather than a hang-up press. */
export async function hangupCall(deps: Deps, actor: Actor, callId: string, opts: { left?: boolean } = {}) {
  const result = await deps.db.tx(async (q) => {
    let call = await lockCall(q, callId);
    const transfer = await openTransferForCall(q, callId, { forUpdate: true });
    const remove: string[] = [];
    if (transfer && call.state !== 'ended') {
      // The caller leaving ends the consultation; A hanging up first takes the transfer back.
      if (actor.kind === 'caller') {
        return applyTransferEvent(q, call, transfer, { type: 'caller_left', hungUp: !opts.left });
      } else if (actor.kind === 'agent' && actor.agentId === transfer.fromAgentId && transfer.state !== 'introducing') {
        const applied = await applyTransferEvent(q, call, transfer, { type: 'cancel', agentId: actor.agentId });
        call = applied.call;
        remove.push(...applied.remove);
      }
    }
    if (actor.kind === 'caller' && opts.left) return applyCallEvent(q, call, { type: 'caller_left' });
    const by =
      actor.kind === 'caller'
        ? ({ kind: 'caller' } as const)
        : actor.kind === 'specialist'
          ? ({ kind: 'specialist', transferId: actor.transferId } as const)
          : ({ kind: 'agent', agentId: actor.agentId } as const);
    const applied = await applyCallEvent(q, call, { type: 'hangup', by });
    return { ...applied, remove: [...remove, ...applied.remove] };
  });
  await deps.bus.publish({ type: 'queue' }, { type: 'agents', callId }, { type: 'call', callId });
  // Ending never waits for LiveKit: the record says ended; the reconciler closes the room if this fails.
  await deps.mediaSync.follow(callId, { remove: result.remove }).catch((err) => deps.log.warn({ err, callId }, 'room not closed yet'));
}

/** The agent on the call edits its notes; in wrap-up, the notes of their wrap-up (and the call's while it is theirs). */
export async function setNotes(deps: Deps, agentId: string, callId: string, notes: string) {
  await deps.db.tx(async (q) => {
    const call = await lockCall(q, callId);
    const wrapping = await saveWrapUpNotes(q, agentId, callId, notes);
    if (call.agentId === agentId) await calls.setCallNotes(q, callId, notes);
    else if (!wrapping) throw new AppError('forbidden', 'Only the agent on the call can edit its notes.');
  });
}
