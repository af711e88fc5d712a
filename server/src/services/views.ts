// Read models the API returns: a call with its timeline and open transfer, a
// transfer with the names a console shows, an agent's home. Reads only, no locks.
// Each returns its schema's Static type (http/schemas.ts), so tsc checks view against schema.
import { notFound } from '../errors.js';
import type { AgentHome, CallerCallView, CallView, Engagement, TransferView, WrapUpView } from '../http/schemas.js';
import { estimatedWaitS, queueOutlook } from './caller-queue.js';
import { maskNumber } from '../phone/numbers.js';
import { agentNames, getAgentPresence, type EngagementRef } from '../store/agents-repo.js';
import * as calls from '../store/calls-repo.js';
import { listMembers } from '../store/members-repo.js';
import type { CallRecord } from '../store/calls-repo.js';
import type { Queryable } from '../store/db.js';
import * as transfers from '../store/transfers-repo.js';
import type { TransferRecord } from '../store/transfers-repo.js';
import { openWrapUp, wrapUpsOfCall, type WrapUpRecord } from '../store/wrap-ups-repo.js';
import { monitorViews } from './supervision.js';
import { queueNames } from '../store/queues-repo.js';

function iso(d: Date | string): string;
function iso(d: Date | string | null): string | null;
function iso(d: Date | string | null): string | null {
  return d ? new Date(d).toISOString() : null;
}

export type { CallView, TransferView };

/** wrapUpS: WRAP_UP_TIMEOUT_S, for the deadline (0: it was over at once). */
export function wrapUpView(w: WrapUpRecord, names: Map<string, string>, wrapUpS: number): WrapUpView {
  return {
    id: w.id,
    callId: w.callId,
    agent: { id: w.agentId, name: names.get(w.agentId) ?? 'unknown' },
    startedAt: iso(w.startedAt),
    endsAt: new Date(new Date(w.startedAt).getTime() + wrapUpS * 1000).toISOString(),
    doneAt: iso(w.doneAt),
    endedBy: w.endedBy,
    disposition: w.disposition,
    notes: w.notes,
  };
}

export async function transferView(q: Queryable, t: TransferRecord, names?: Map<string, string>, call?: CallRecord): Promise<TransferView> {
  const n = names ?? (await agentNames(q, [t.fromAgentId, t.targetAgentId]));
  const c = call ?? (await calls.getCall(q, t.callId));
  const number = t.targetNumber ? maskNumber(t.targetNumber) : null; // a phone target's number is never shown whole
  const queueName = t.targetQueueId ? ((await queueNames(q, [t.targetQueueId])).get(t.targetQueueId) ?? t.targetQueueId) : null;
  return {
    id: t.id,
    callId: t.callId,
    state: t.state,
    fromAgent: { id: t.fromAgentId, name: n.get(t.fromAgentId) ?? 'unknown' },
    target: {
      type: t.targetType,
      agentId: t.targetAgentId,
      name: t.targetAgentId ? (n.get(t.targetAgentId) ?? 'unknown') : (queueName ?? number ?? 'phone'),
      number,
      queueId: t.targetQueueId,
    },
    mode: t.mode,
    notes: t.notes,
    summary: t.summaryText ? { text: t.summaryText, provider: t.summaryProvider ?? 'local' } : null,
    requestedAt: iso(t.requestedAt),
    acceptedAt: iso(t.acceptedAt),
    completedAt: iso(t.completedAt),
    endedAt: iso(t.endedAt),
    ringDeadline: iso(t.ringDeadline),
    failReason: t.failReason,
    talkTo: t.talkTo,
    call: {
      id: t.callId,
      callerName: c?.callerName ?? '',
      reason: c?.reason ?? '',
      answeredAt: iso(c?.answeredAt ?? null),
    },
  };
}

/** wrapUpS: WRAP_UP_TIMEOUT_S (each wrap-up's endsAt). */
export async function callView(q: Queryable, call: CallRecord, opts: { timeline?: boolean; wrapUpS: number }): Promise<CallView> {
  const open = await transfers.openTransferForCall(q, call.id);
  const wraps = await wrapUpsOfCall(q, call.id);
  const handoff = await transfers.latestSummaryForCall(q, call.id);
  const queueName = (await queueNames(q, [call.queueId])).get(call.queueId) ?? call.queueId;
  const names = await agentNames(q, [call.agentId, open?.fromAgentId, open?.targetAgentId, handoff?.fromAgentId, ...wraps.map((w) => w.agentId)]);
  const given = wraps.filter((w) => w.disposition).sort((a, b) => +new Date(a.doneAt!) - +new Date(b.doneAt!));
  const timeline = opts.timeline === false ? [] : await calls.listCallEvents(q, call.id);
  // Dropped and inside the grace period: the caller hears hold music, the agent sees "reconnecting".
  const away = call.state === 'ended' ? [] : (await listMembers(q, call.id)).filter((m) => m.leftAt).map((m) => m.identity);
  return {
    id: call.id,
    room: call.room,
    state: call.state,
    channel: call.channel,
    callerName: call.callerName,
    reason: call.reason,
    agentId: call.agentId,
    agentName: call.agentId ? (names.get(call.agentId) ?? null) : null,
    createdAt: iso(call.createdAt),
    queuedAt: iso(call.queuedAt), // reset each time it goes back to a queue (services/apply-events.ts)
    answeredAt: iso(call.answeredAt),
    endedAt: iso(call.endedAt),
    endReason: call.endReason,
    notes: call.notes,
    holdCount: call.holdCount,
    callerReconnecting: away.includes(`caller:${call.id}`),
    agentReconnecting: !!call.agentId && away.includes(`agent:${call.agentId}`),
    queuePosition: call.state === 'waiting' ? await calls.queuePosition(q, call) : null,
    timeline: timeline.map((e) => ({ at: iso(e.at), type: e.type, detail: e.detail })),
    transfer: open ? await transferView(q, open, names, call) : null,
    disposition: given.at(-1)?.disposition ?? null,
    wrapUps: wraps.map((w) => wrapUpView(w, names, opts.wrapUpS)),
    monitors: call.state === 'ended' ? [] : await monitorViews(q, call.id), // supervisors (services/supervision.ts)
    queue: { id: call.queueId, name: queueName },
    // Whoever answers a re-queued call (or a blind transfer) reads why it came to them.
    summary:
      handoff?.summaryText
        ? {
            text: handoff.summaryText,
            provider: handoff.summaryProvider ?? 'local',
            transferId: handoff.id,
            mode: handoff.mode,
            targetType: handoff.targetType,
            fromAgent: { id: handoff.fromAgentId, name: names.get(handoff.fromAgentId) ?? 'unknown' },
            notes: handoff.notes,
          }
        : null,
  };
}

/** The caller's own page: progress only (see CallerCallView in http/schemas.ts). */
export async function callerView(q: Queryable, call: CallRecord): Promise<CallerCallView> {
  const v = await callView(q, call, { timeline: false, wrapUpS: 0 }); // the caller sees no wrap-up
  const outlook = await queueOutlook(q, call.queueId);
  return {
    id: v.id,
    room: v.room,
    state: v.state,
    callerName: v.callerName,
    agentName: v.agentName,
    createdAt: v.createdAt,
    answeredAt: v.answeredAt,
    endedAt: v.endedAt,
    endReason: v.endReason,
    agentReconnecting: v.agentReconnecting,
    queuePosition: v.queuePosition,
    estimatedWaitS: estimatedWaitS(outlook, v.queuePosition),
    agentSignedIn: outlook.agentSignedIn,
    agentAvailable: outlook.agentAvailable,
  };
}

export async function getCallView(q: Queryable, id: string, wrapUpS: number) {
  const call = await calls.getCall(q, id);
  if (!call) throw notFound('call', id);
  return callView(q, call, { wrapUpS });
}

export async function getTransferView(q: Queryable, id: string) {
  const t = await transfers.getTransfer(q, id);
  if (!t) throw notFound('transfer', id);
  return transferView(q, t);
}

/**
 * Everything an agent's console needs in one read. What the agent is engaged in comes from the
 * same query as their presence (store/agents-repo.ts); the views are read after it, so if the
 * record moved on in between (a transfer completed), the read starts again rather than describe
 * an engagement that is over.
 */
export async function agentHome(q: Queryable, agentId: string, wrapUpS: number): Promise<AgentHome> {
  for (let attempt = 1; ; attempt++) {
    const readAt = new Date().toISOString();
    const me = await getAgentPresence(q, agentId, wrapUpS);
    if (!me) throw notFound('agent', agentId);
    const open = await transfers.openTransfersForAgent(q, agentId);
    const names = await agentNames(q, open.flatMap((t) => [t.fromAgentId, t.targetAgentId]));
    const views = await Promise.all(open.map((t) => transferView(q, t, names)));
    const engagement = await engagementView(q, agentId, me.engagement, views, wrapUpS);
    if (!engagement && attempt < 3) continue;
    const e: Engagement = engagement ?? { kind: 'idle' };
    return {
      agent: { id: me.id, name: me.name, email: me.email, status: me.status, awayReason: me.awayReason, role: me.role },
      engagement: e,
      currentCall: e.kind === 'on_call' ? e.call : null,
      incomingTransfers: views.filter((t) => t.target.agentId === agentId),
      outgoingTransfer: views.find((t) => t.fromAgent.id === agentId) ?? null,
      readAt,
    };
  }
}

const isOnCall = (c: CallRecord) => (calls.ON_CALL_STATES as readonly string[]).includes(c.state);

/** The engagement with its views, or null when the record no longer says so. */
async function engagementView(q: Queryable, agentId: string, ref: EngagementRef, open: TransferView[], wrapUpS: number): Promise<Engagement | null> {
  if (ref.kind === 'idle') return { kind: 'idle' };
  if (ref.kind === 'wrap_up') {
    const w = await openWrapUp(q, agentId);
    const last = w && w.callId === ref.callId ? await calls.getCall(q, w.callId) : null;
    if (!w || !last) return null;
    const lastCall = await callView(q, last, { wrapUpS });
    const wrapUp = lastCall.wrapUps.find((v) => v.id === w.id);
    return wrapUp && !wrapUp.doneAt ? { kind: 'wrap_up', wrapUp, lastCall } : null;
  }
  if (ref.kind === 'ringing') {
    const transfer = open.find((t) => t.id === ref.transferId && t.state === 'ringing');
    return transfer ? { kind: 'ringing', transfer } : null;
  }
  const record = ref.callId ? await calls.getCall(q, ref.callId) : null;
  if (!record || !isOnCall(record)) return null;
  if (ref.kind === 'on_call') return record.agentId === agentId ? { kind: 'on_call', call: await callView(q, record, { wrapUpS }) } : null;
  const call = await callView(q, record, { wrapUpS });
  // The call's one open transfer is the engagement's, in the state that names it.
  const transfer = call.transfer;
  if (!transfer || transfer.id !== ref.transferId || transfer.state !== ref.kind) return null;
  return { kind: ref.kind, transfer, call };
}
