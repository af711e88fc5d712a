// Call use cases: one function per thing a caller or an agent can do.
// Each runs in one transaction holding the call's row lock, so double clicks and
// two agents racing for the same call are decided by Postgres, not by luck.
import { randomUUID } from 'node:crypto';
import { newSecret } from '../auth/secrets.js';
import { AppError, notFound } from '../errors.js';
import { agentIdentity, callerIdentity } from '../livekit/media.js';
import * as calls from '../store/calls-repo.js';
import type { CallRecord } from '../store/calls-repo.js';
import type { Queryable } from '../store/db.js';
import { openTransferForCall } from '../store/transfers-repo.js';
import { applyCallEvent, applyTransferEvent, closeRoomLater } from './apply-events.js';
import type { Deps } from './deps.js';

export type Actor = { kind: 'caller'; callId: string } | { kind: 'agent'; agentId: string; name: string };

export async function lockCall(q: Queryable, id: string): Promise<CallRecord> {
  const call = await calls.getCall(q, id, { forUpdate: true });
  if (!call) throw notFound('call', id);
  return call;
}

export async function createCall(deps: Deps, input: { name: string; reason: string }) {
  const id = randomUUID();
  const room = `call-${id}`;
  const callerKey = newSecret();
  await deps.media.ensureRoom(room);
  await deps.db.tx(async (q) => {
    await calls.insertCall(q, { id, room, callerName: input.name, reason: input.reason, callerKeyHash: deps.secrets.hash(callerKey) });
    await calls.addCallEvent(q, id, 'created', { reasonLength: input.reason.length });
  });
  const token = await deps.media.callerToken(room, callerIdentity(id), input.name);
  await deps.bus.publish({ type: 'queue' }, { type: 'call', callId: id });
  return { id, room, token, livekitUrl: deps.media.clientUrl, callerKey };
}

/** Caller requests carry X-Caller-Key; agents may read any call. */
export async function authorizeCallRead(deps: Deps, callId: string, callerKey: string | undefined, agentId: string | null) {
  const call = await calls.getCall(deps.db, callId);
  if (!call) throw notFound('call', callId);
  if (agentId) return call;
  if (!callerKey || !deps.secrets.matches(callerKey, call.callerKeyHash)) {
    throw new AppError('unauthorized', 'Sign in as an agent or send the X-Caller-Key of this call.');
  }
  return call;
}

export async function acceptCall(deps: Deps, agent: { agentId: string; name: string }, callId: string) {
  const call = await deps.db.tx(async (q) => {
    const locked = await lockCall(q, callId);
    if (locked.state === 'waiting') {
      const other = await calls.liveCallForAgent(q, agent.agentId);
      if (other) throw new AppError('call_conflict', 'Finish or hand over your current call before accepting another.');
    }
    return (await applyCallEvent(deps, q, locked, { type: 'accept', agentId: agent.agentId }, { agentName: agent.name })).call;
  });
  const token = await deps.media.agentToken(call.room, agentIdentity(agent.agentId), agent.name);
  await deps.bus.publish({ type: 'queue' }, { type: 'agents' }, { type: 'call', callId });
  return { token, livekitUrl: deps.media.clientUrl, room: call.room };
}

export async function holdCall(deps: Deps, agentId: string, callId: string, hold: boolean) {
  await deps.db.tx(async (q) => {
    const call = await lockCall(q, callId);
    if (call.agentId === agentId && (await openTransferForCall(q, callId))) {
      throw new AppError('call_conflict', 'The caller is held by an open transfer; complete or cancel it first.');
    }
    await applyCallEvent(deps, q, call, { type: hold ? 'hold' : 'resume', agentId });
  });
  await deps.bus.publish({ type: 'call', callId });
}

/** `left`: LiveKit saw the caller go (tab closed) rather than press hang up. */
export async function hangupCall(deps: Deps, actor: Actor, callId: string, opts: { left?: boolean } = {}) {
  const call = await deps.db.tx(async (q) => {
    let call = await lockCall(q, callId);
    const transfer = await openTransferForCall(q, callId, { forUpdate: true });
    if (transfer && call.state !== 'ended') {
      // The caller leaving ends the consultation; A hanging up first takes the transfer back.
      if (actor.kind === 'caller') {
        return (await applyTransferEvent(deps, q, call, transfer, { type: 'caller_left' })).call;
      }
      if (actor.agentId === transfer.fromAgentId && transfer.state !== 'introducing') {
        call = (await applyTransferEvent(deps, q, call, transfer, { type: 'cancel', agentId: actor.agentId })).call;
      }
    }
    if (actor.kind === 'caller' && opts.left) return (await applyCallEvent(deps, q, call, { type: 'caller_left' })).call;
    const by = actor.kind === 'caller' ? ({ kind: 'caller' } as const) : ({ kind: 'agent', agentId: actor.agentId } as const);
    return (await applyCallEvent(deps, q, call, { type: 'hangup', by })).call;
  });
  closeRoomLater(deps, call);
  await deps.bus.publish({ type: 'queue' }, { type: 'agents' }, { type: 'call', callId });
}

export async function setNotes(deps: Deps, agentId: string, callId: string, notes: string) {
  await deps.db.tx(async (q) => {
    const call = await lockCall(q, callId);
    if (call.agentId !== agentId) throw new AppError('forbidden', 'Only the agent on the call can edit its notes.');
    await calls.setCallNotes(q, callId, notes);
  });
}

// --- What LiveKit tells us (webhooks) --------------------------------------------

export async function callerLeft(deps: Deps, room: string) {
  const found = await calls.getCallByRoom(deps.db, room);
  if (!found || found.state === 'ended') return;
  await hangupCall(deps, { kind: 'caller', callId: found.id }, found.id, { left: true }).catch((err) => {
    if (!(err instanceof AppError)) throw err;
  });
}

/** An agent's connection dropped: hand the caller on (transfer) or back to the queue. */
export async function agentLeft(deps: Deps, room: string, agentId: string) {
  const found = await calls.getCallByRoom(deps.db, room);
  if (!found || found.state === 'ended') return;
  const changed = await deps.db.tx(async (q) => {
    const call = await lockCall(q, found.id);
    const transfer = await openTransferForCall(q, call.id, { forUpdate: true });
    if (transfer) return (await applyTransferEvent(deps, q, call, transfer, { type: 'agent_left', agentId })).changed;
    return (await applyCallEvent(deps, q, call, { type: 'agent_left', agentId })).changed;
  });
  if (changed) await deps.bus.publish({ type: 'queue' }, { type: 'agents' }, { type: 'call', callId: found.id });
}

/** A (re)joining caller gets the permissions the call's state calls for. */
export async function callerJoined(deps: Deps, room: string) {
  const call = await calls.getCallByRoom(deps.db, room);
  if (!call) return;
  await calls.addCallEvent(deps.db, call.id, 'caller_joined');
  if (call.state === 'on_hold') await deps.media.setCallerMedia(room, callerIdentity(call.id), 'held');
  if (call.state === 'ended') await deps.media.removeParticipant(room, callerIdentity(call.id));
}
