// The one place where domain decisions become stored state. Callers hold the call row
// lock (and the transfer row lock) inside a transaction. No media is touched here: the
// result says who must leave the room, and the use case hands that to MediaSync.follow
// after the commit (the rest of the room follows from the record itself).
import type { TimelineEvent, TransferState } from '@warmline/contract';
import { decideCall, type CallEvent, type CallSnapshot } from '../domain/call.js';
import { decideTransfer, isOpen, type TransferEvent } from '../domain/transfer.js';
import { AppError } from '../errors.js';
import { agentIdentity, phoneIdentity } from '../livekit/media.js';
import { callAnswered, callEnded, transferMoved } from '../metrics/hooks.js';
import { addCallEvent, updateCall, type CallRecord } from '../store/calls-repo.js';
import type { Queryable } from '../store/db.js';
import { updateTransfer, type TransferRecord } from '../store/transfers-repo.js';
import { setAgentStatus } from '../store/agents-repo.js';
import { endMonitorsAfter } from './monitor-ends.js';
import { beginWrapUp } from './wrap-ups.js';

// Timeline names are the contract's (contract/src/timeline.ts), the list the console has a label for each of.
const CALL_EVENT_NAMES: Record<CallEvent['type'], TimelineEvent> = {
  accept: 'accepted',
  hold: 'held',
  resume: 'resumed',
  hangup: 'ended',
  caller_left: 'ended',
  agent_left: 'agent_dropped',
  handover: 'handed_over',
  handover_to_phone: 'handed_over',
  requeue: 'requeued',
  release: 'held', // a blind transfer: the caller held, the agent gone (detail blind)
};

const snapshot = (c: CallRecord): CallSnapshot => ({
  state: c.state,
  agentId: c.agentId,
  phoneTransferId: c.phoneTransferId,
  holdCount: c.holdCount,
  endReason: c.endReason,
  queueId: c.queueId,
  front: c.queuePriority > 0,
});

export interface Applied {
  call: CallRecord;
  changed: boolean;
  /** LiveKit identities the decision takes out of the room. */
  remove: string[];
}

/**
 * The agent whose part in the call this decision ends (it ended while theirs, or went to someone
 * else) starts wrap-up. Not an agent who dropped (agent_left: the call went back to the queue),
 * and not when the transfer says so (noWrapUp): A introducing B begins wrap-up on leaving.
 */
export async function applyCallEvent(
  q: Queryable,
  call: CallRecord,
  event: CallEvent,
  detail: Record<string, unknown> = {},
  opts: { noWrapUp?: boolean } = {},
): Promise<Applied> {
  const d = decideCall(snapshot(call), event);
  if (!d.ok) throw new AppError(d.code, d.message);
  if (!d.changed) return { call, changed: false, remove: [] };
  const now = new Date();
  const { front, ...decided } = d.next;
  const next: CallRecord = { ...call, ...decided, queuePriority: front === undefined ? call.queuePriority : front ? 1 : 0 };
  // Back in a queue: it waits from now on, ahead of calls never answered (queue_priority).
  if (call.state !== 'waiting' && next.state === 'waiting') next.queuedAt = now;
  if (next.state === 'active' && !next.answeredAt) next.answeredAt = now;
  if (next.state === 'ended') next.endedAt = now;
  // caller_media and close_room follow from the stored state; only removals need naming.
  const remove = d.effects.flatMap((e) => (e.type === 'remove_agent' ? [agentIdentity(e.agentId)] : []));
  await updateCall(q, next);
  if (call.state === 'waiting' && next.state === 'active') callAnswered(call.queuedAt, now);
  if (next.state === 'ended') callEnded(next.endReason);
  const extra: Record<string, unknown> = next.state === 'ended' ? { reason: next.endReason } : {};
  // The timeline names the queue the call went back to and who sent it there (names may change
  // later; the ids stay): one query for both.
  if (event.type === 'requeue') Object.assign(extra, await requeueNames(q, next.queueId, event.agentId));
  await addCallEvent(q, call.id, CALL_EVENT_NAMES[event.type], { ...eventDetail(event), ...extra, ...detail });
  // Supervisors' monitors end with the call, or when it leaves their agent (services/monitor-ends.ts).
  if (next.state === 'ended' || next.agentId !== call.agentId) remove.push(...(await endMonitorsAfter(q, next)));
  const partEnded = call.agentId && (next.state === 'ended' || next.agentId !== call.agentId);
  if (partEnded && event.type !== 'agent_left' && !opts.noWrapUp) await beginWrapUp(q, call.id, call.agentId!, call.notes);
  return { call: next, changed: true, remove };
}

/** A requeued entry's names: the queue's, and the sending agent's (byName; none when nobody sent it). */
async function requeueNames(q: Queryable, queueId: string, agentId: string | null): Promise<Record<string, unknown>> {
  const [row] = await q.query<{ queueName: string | null; byName: string | null }>(
    `SELECT (SELECT name FROM queues WHERE id = $1) AS "queueName", (SELECT name FROM agents WHERE id = $2) AS "byName"`,
    [queueId, agentId],
  );
  return { queueId, queueName: row?.queueName ?? queueId, ...(agentId ? { byName: row?.byName ?? 'unknown' } : {}) };
}

function eventDetail(event: CallEvent): Record<string, unknown> {
  switch (event.type) {
    case 'accept':
    case 'hold':
    case 'resume':
    case 'agent_left':
      return { agentId: event.agentId };
    case 'handover':
      return { agentId: event.toAgentId };
    case 'handover_to_phone':
      return { phoneTransferId: event.transferId };
    case 'hangup':
      return { by: event.by.kind };
    case 'caller_left':
      return { by: 'caller' };
    case 'requeue':
      return { by: event.agentId };
    case 'release':
      return { agentId: event.agentId, blind: true };
  }
}

const TRANSFER_TIMELINE: Partial<Record<TransferState, TimelineEvent>> = {
  consulting: 'transfer_accepted',
  introducing: 'transfer_introducing',
  completed: 'transfer_completed',
  cancelled: 'transfer_cancelled',
  declined: 'transfer_declined',
  timed_out: 'transfer_timed_out',
  failed: 'transfer_failed',
  caller_left: 'transfer_caller_left',
};

export async function applyTransferEvent(
  q: Queryable,
  call: CallRecord,
  transfer: TransferRecord,
  event: TransferEvent,
): Promise<Applied & { transfer: TransferRecord }> {
  const d = decideTransfer(
    {
      id: transfer.id,
      state: transfer.state,
      fromAgentId: transfer.fromAgentId,
      targetType: transfer.targetType,
      targetAgentId: transfer.targetAgentId,
      failReason: transfer.failReason,
      talkTo: transfer.talkTo,
      mode: transfer.mode,
    },
    event,
  );
  if (!d.ok) throw new AppError(d.code === 'call_conflict' ? 'transfer_conflict' : d.code, d.message);
  if (!d.changed) return { call, transfer, changed: false, remove: [] };
  const now = new Date();
  const next: TransferRecord = { ...transfer, state: d.next.state, failReason: d.next.failReason, talkTo: d.next.talkTo };
  const moved = next.state !== transfer.state; // false for a talk_to switch
  if (moved && next.state === 'consulting') next.acceptedAt = now;
  if (next.state === 'completed') next.completedAt = now;
  if (!isOpen(next.state)) next.endedAt = now;

  let current = call;
  const remove: string[] = [];
  for (const effect of d.effects) {
    if (effect.type === 'remove_agent') {
      remove.push(agentIdentity(effect.agentId));
    } else if (effect.type === 'remove_phone') {
      remove.push(phoneIdentity(transfer.id));
    } else if (current.state !== 'ended') {
      // No wrap-up for A handing over to introduce B (A stays), nor for an agent who dropped.
      const noWrapUp = next.state === 'introducing' || event.type === 'agent_left';
      const detail = event.type === 'talk_to' ? { transferId: transfer.id, talkTo: event.talkTo } : { transferId: transfer.id };
      const applied = await applyCallEvent(q, current, effect.event, detail, { noWrapUp });
      current = applied.call;
      remove.push(...applied.remove);
    }
  }
  await updateTransfer(q, next);
  if (moved) transferMoved(transfer, next, now);
  // A leaves the introduction (or it ends otherwise without giving A the call back): A's wrap-up.
  const aDropped = event.type === 'agent_left' && event.agentId === transfer.fromAgentId;
  if (transfer.state === 'introducing' && !isOpen(next.state) && current.agentId !== transfer.fromAgentId && !aDropped) {
    await beginWrapUp(q, call.id, transfer.fromAgentId, current.notes);
  }
  // A transfer that rang out unanswered: the target is not at their desk (Flex makes them unavailable too).
  if (next.state === 'timed_out' && transfer.targetAgentId) await setAgentStatus(q, transfer.targetAgentId, 'away', 'missed');
  const name = moved ? TRANSFER_TIMELINE[next.state] : undefined; // a talk_to switch: the call's held/resumed say it
  if (name) {
    const ms = (from: Date | null) => (from ? now.getTime() - new Date(from).getTime() : undefined);
    await addCallEvent(q, call.id, name, {
      transferId: transfer.id,
      targetAgentId: transfer.targetAgentId,
      reason: next.failReason ?? undefined,
      msSinceRequested: ms(transfer.requestedAt),
      msSinceAccepted: ms(transfer.acceptedAt),
    });
  }
  return { call: current, transfer: next, changed: true, remove };
}
