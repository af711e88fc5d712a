// Warm transfer use cases. Consultation happens in the call's own room: the caller
// is held by server-side permissions (hears nothing, publishes nothing) while A and
// B talk, so completion is one permission change and never a room move
// (the open-source LiveKit server has no MoveParticipant). See docs/ARCHITECTURE.md.
// As everywhere, the record is written first and LiveKit follows after the commit.
// Blind transfers (mode blind) and queue transfers (always blind): A's part ends in the same
// transaction that opens the transfer (the call's release or requeue), so A is removed from the
// room by the follow after the commit; the summary is made after, as for a warm one.
import { randomUUID } from 'node:crypto';
import type { PresenceStatus, TransferMode } from '@warmline/contract';
import type { TransferEvent } from '../domain/transfer.js';
import { AppError, notFound } from '../errors.js';
import { getAgentPresence } from '../store/agents-repo.js';
import { getQueue } from '../store/queues-repo.js';
import * as calls from '../store/calls-repo.js';
import type { Queryable } from '../store/db.js';
import * as transfers from '../store/transfers-repo.js';
import type { TransferTarget } from '../store/transfers-repo.js';
import { checkDialable, maskNumber } from '../phone/numbers.js';
import { dialSpecialist } from './phone-legs.js';
import { spokenSummary } from '../summary/index.js';
import type { Summary, SummaryInput } from '../summary/types.js';
import { timeHandoff, transferStarted } from '../metrics/hooks.js';
import { applyCallEvent, applyTransferEvent } from './apply-events.js';
import { grantFor, lockCall } from './calls.js';
import type { Deps } from './deps.js';

type Agent = { agentId: string; name: string };

/** How a refusal names the target's presence ("Bob is in wrap-up, not available…"). */
const PRESENCE_WORDS: Record<PresenceStatus, string> = {
  available: 'available',
  away: 'away',
  wrap_up: 'in wrap-up',
  on_call: 'on a call',
  offline: 'offline',
};

async function lockTransfer(q: Queryable, id: string) {
  // Lock order is always call, then transfer, so two operations never deadlock.
  const peek = await transfers.getTransfer(q, id);
  if (!peek) throw notFound('transfer', id);
  const call = await lockCall(q, peek.callId);
  const transfer = await transfers.getTransfer(q, id, { forUpdate: true });
  if (!transfer) throw notFound('transfer', id);
  return { call, transfer };
}

async function publishTransfer(deps: Deps, transferId: string, callId: string) {
  await deps.bus.publish({ type: 'transfer', transferId, callId }, { type: 'call', callId }, { type: 'agents', callId }, { type: 'queue' });
}

/** The mode a transfer runs in: a queue target is always blind, a phone target always warm. */
export function transferMode(target: TransferTarget, asked: TransferMode | undefined): TransferMode {
  if (target.type === 'queue') {
    if (asked === 'warm') throw new AppError('invalid_target', 'mode: a transfer to a queue is always blind (nobody is there to brief).');
    return 'blind';
  }
  if (target.type === 'phone' && asked === 'blind') {
    throw new AppError('invalid_target', 'mode: blind transfer to a phone is not supported; transfer to a phone warm (without mode, or mode warm).');
  }
  return asked ?? 'warm';
}

export async function startTransfer(
  deps: Deps,
  agent: Agent,
  callId: string,
  input: { target: TransferTarget; notes: string; mode?: TransferMode },
) {
  const { target } = input;
  if (target.type === 'agent' && target.agentId === agent.agentId) {
    throw new AppError('invalid_target', 'target.agentId: you cannot transfer a call to yourself.');
  }
  const mode = transferMode(target, input.mode);
  // A phone target is checked before anything changes: a bad number costs no state and no REST call.
  if (target.type === 'phone') checkPhoneTarget(deps, target.number);
  const id = randomUUID();
  // Step 1, at once: hold the caller (warm), or take A out (blind: the caller held for B; queue:
  // the caller back in the queue), and open the transfer (the unique index allows one open transfer per call).
  const { call, holdsBefore, remove } = await deps.db.tx(async (q) => {
    const call = await lockCall(q, callId);
    if (call.agentId !== agent.agentId || (call.state !== 'active' && call.state !== 'on_hold')) {
      // A second click after a blind or queue transfer: the call is no longer A's because of it.
      const last = await transfers.latestTransferForCall(q, callId);
      if (call.state !== 'ended' && !call.agentId && last?.fromAgentId === agent.agentId && last.mode === 'blind') {
        throw new AppError('transfer_conflict', 'You have already transferred this call.');
      }
      throw new AppError('forbidden', 'Only the agent talking to the caller can transfer the call.');
    }
    if (await transfers.openTransferForCall(q, callId)) {
      throw new AppError('transfer_conflict', 'A transfer is already open on this call.');
    }
    let requested: Record<string, unknown>;
    if (target.type === 'agent') {
      const b = await getAgentPresence(q, target.agentId, deps.config.wrapUp.timeoutS);
      if (!b) throw new AppError('agent_not_found', `target.agentId: no agent with id ${target.agentId}.`);
      if (b.status !== 'available') throw new AppError('target_unavailable', `${b.name} is ${PRESENCE_WORDS[b.status]}, not available for a transfer.`);
      requested = { targetAgentId: b.id, targetName: b.name, mode };
    } else if (target.type === 'queue') {
      const queue = await getQueue(q, target.queueId);
      if (!queue?.active) throw new AppError('unknown_queue', `target.queueId: no queue "${target.queueId}" (GET /api/queues lists them).`);
      requested = { targetType: 'queue', queueId: queue.id, queueName: queue.name, mode };
    } else {
      if ((await transfers.recentPhoneTransfers(q, agent.agentId)) >= deps.phone!.limitPerMinute) {
        throw new AppError('rate_limited', `At most ${deps.phone!.limitPerMinute} phone transfers a minute per agent; try again shortly.`);
      }
      requested = { targetType: 'phone', number: maskNumber(target.number) };
    }
    await transfers.insertTransfer(q, {
      id,
      callId,
      fromAgentId: agent.agentId,
      target,
      mode,
      notes: input.notes,
      ringTimeoutS: deps.config.transferRingTimeoutS,
    });
    await calls.addCallEvent(q, callId, 'transfer_requested', { transferId: id, ...requested });
    const applied =
      target.type === 'queue'
        ? await applyCallEvent(q, call, { type: 'requeue', agentId: agent.agentId, queueId: target.queueId }, { transferId: id })
        : mode === 'blind'
          ? await applyCallEvent(q, call, { type: 'release', agentId: agent.agentId }, { transferId: id })
          : await applyCallEvent(q, call, { type: 'hold', agentId: agent.agentId, forTransfer: true }, { transferId: id });
    return { call: applied.call, holdsBefore: call.holdCount, remove: applied.remove };
  });
  await deps.bus.publish({ type: 'call', callId }, ...(mode === 'blind' ? ([{ type: 'queue' }, { type: 'agents', callId }] as const) : []));
  transferStarted(target.type);
  // The caller is held (or waiting) in the record and A is out of it; if LiveKit lags, B cannot
  // join either, and the reconciler fixes the room before anyone else is let in. The 503 comes after the summary.
  const mediaError = await deps.mediaSync.follow(callId, { remove }).then(() => null, (err: unknown) => err);

  // Step 2, outside any lock: the summary may take up to the provider's timeout.
  const summaryInput: SummaryInput = {
    callerName: call.callerName,
    reason: call.reason,
    notes: [call.notes, input.notes].filter((n) => n.trim()).join('\n'),
    callDurationS: call.answeredAt ? Math.round((Date.now() - new Date(call.answeredAt).getTime()) / 1000) : 0,
    holdCount: holdsBefore, // this transfer's own hold is not news to B
    fromAgentName: agent.name,
  };
  const summary = await deps.summary.summarize(summaryInput);
  await deps.db.tx(async (q) => {
    const t = await transfers.getTransfer(q, id, { forUpdate: true });
    if (!t) return;
    await transfers.updateTransfer(q, { ...t, summaryText: summary.text, summaryProvider: summary.provider });
    await calls.addCallEvent(q, callId, 'summary_ready', { transferId: id, provider: summary.provider });
  });
  await publishTransfer(deps, id, callId);
  if (target.type === 'phone') {
    const t = await transfers.getTransfer(deps.db, id);
    // Still ringing (not cancelled or hung up meanwhile): ring the phone now, whispering the summary.
    if (t?.state === 'ringing') await dialSpecialist(deps, t, whisperFor(agent.name, call, summary));
  }
  if (mediaError) throw mediaError;
  return id;
}

function checkPhoneTarget(deps: Deps, number: string) {
  if (!deps.phone || !deps.config.phone) {
    throw new AppError('phones_not_configured', 'Phones are not configured on this server (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_PHONE_NUMBER, PUBLIC_URL).');
  }
  const check = checkDialable(number, deps.config.phone.allowedPrefixes, deps.config.env === 'production');
  if (!check.ok) throw new AppError('invalid_target', check.message);
}

/**
 * What the specialist hears before A: who hands over whom and why (the customer's own words),
 * then the summary made for speech (identifiers spelled out, bounded to ~25 s).
 */
function whisperFor(fromName: string, call: { callerName: string }, summary: Summary): string {
  return `Warm transfer from ${fromName}. The customer is ${call.callerName}. ${spokenSummary(summary)} Connecting you now.`;
}

export async function acceptTransfer(deps: Deps, agent: Agent, transferId: string, tabId?: string) {
  const { call } = await deps.db.tx(async (q) => {
    const { call, transfer } = await lockTransfer(q, transferId);
    if (transfer.state === 'ringing' && transfer.targetAgentId === agent.agentId) {
      const other = await calls.liveCallForAgent(q, agent.agentId);
      if (other) throw new AppError('target_unavailable', 'You are on another call; finish it before accepting.');
    }
    return applyTransferEvent(q, call, transfer, { type: 'accept', agentId: agent.agentId });
  });
  await publishTransfer(deps, transferId, call.id);
  // B joins the call room itself; the caller is held there, so B hears only A.
  await deps.mediaSync.follow(call.id);
  return grantFor(deps, call.id, { kind: 'agent', agentId: agent.agentId }, agent.name, tabId);
}

/** decline, cancel, complete and timeout share one path: lock, decide, apply, publish. */
export async function runTransferEvent(deps: Deps, transferId: string, event: TransferEvent) {
  const result = await deps.db.tx(async (q) => {
    const { call, transfer } = await lockTransfer(q, transferId);
    return applyTransferEvent(q, call, transfer, event);
  });
  if (result.changed) {
    await publishTransfer(deps, transferId, result.call.id);
    await timeHandoff(result.transfer, () => deps.mediaSync.follow(result.call.id, { remove: result.remove }));
  }
  return result.transfer;
}

/** Runs on every instance; row locks make sure each overdue transfer times out once. */
export async function timeOutOverdueTransfers(deps: Deps): Promise<number> {
  const ids = await transfers.overdueRingingTransferIds(deps.db);
  let n = 0;
  for (const id of ids) {
    // A LiveKit stall must not stop the sweep: the timeout is recorded, media follows later.
    const t = await runTransferEvent(deps, id, { type: 'timeout' }).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'media_unavailable') return { state: 'timed_out' as const };
      throw err;
    });
    if (t.state === 'timed_out') n++;
  }
  return n;
}
