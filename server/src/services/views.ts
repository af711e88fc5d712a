// Read models the API returns: a call with its timeline and open transfer, a
// transfer with the names a console shows. Reads only, no locks.
import { notFound } from '../errors.js';
import { agentNames, getAgentPresence, type AgentPresence } from '../store/agents-repo.js';
import * as calls from '../store/calls-repo.js';
import { listMembers } from '../store/members-repo.js';
import type { CallRecord } from '../store/calls-repo.js';
import type { Queryable } from '../store/db.js';
import * as transfers from '../store/transfers-repo.js';
import type { TransferRecord } from '../store/transfers-repo.js';

function iso(d: Date | string): string;
function iso(d: Date | string | null): string | null;
function iso(d: Date | string | null): string | null {
  return d ? new Date(d).toISOString() : null;
}

export async function transferView(q: Queryable, t: TransferRecord, names?: Map<string, string>, call?: CallRecord) {
  const n = names ?? (await agentNames(q, [t.fromAgentId, t.targetAgentId]));
  const c = call ?? (await calls.getCall(q, t.callId));
  return {
    id: t.id,
    callId: t.callId,
    state: t.state,
    fromAgent: { id: t.fromAgentId, name: n.get(t.fromAgentId) ?? 'unknown' },
    target: { type: t.targetType, agentId: t.targetAgentId, name: n.get(t.targetAgentId) ?? 'unknown' },
    notes: t.notes,
    summary: t.summaryText ? { text: t.summaryText, provider: t.summaryProvider ?? 'local' } : null,
    requestedAt: iso(t.requestedAt),
    acceptedAt: iso(t.acceptedAt),
    completedAt: iso(t.completedAt),
    endedAt: iso(t.endedAt),
    ringDeadline: iso(t.ringDeadline),
    failReason: t.failReason,
    call: {
      id: t.callId,
      callerName: c?.callerName ?? '',
      reason: c?.reason ?? '',
      answeredAt: iso(c?.answeredAt ?? null),
    },
  };
}
export type TransferView = Awaited<ReturnType<typeof transferView>>;

export async function callView(q: Queryable, call: CallRecord, opts: { timeline?: boolean } = {}) {
  const open = await transfers.openTransferForCall(q, call.id);
  const names = await agentNames(q, [call.agentId, open?.fromAgentId, open?.targetAgentId]);
  const timeline = opts.timeline === false ? [] : await calls.listCallEvents(q, call.id);
  // Dropped and inside the grace period: the caller hears hold music, the agent sees "reconnecting".
  const away = call.state === 'ended' ? [] : (await listMembers(q, call.id)).filter((m) => m.leftAt).map((m) => m.identity);
  return {
    id: call.id,
    room: call.room,
    state: call.state,
    callerName: call.callerName,
    reason: call.reason,
    agentId: call.agentId,
    agentName: call.agentId ? (names.get(call.agentId) ?? null) : null,
    createdAt: iso(call.createdAt),
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
  };
}
export type CallView = Awaited<ReturnType<typeof callView>>;

/** The caller's own page: progress only (see CallerCallView in http/schemas.ts). */
export async function callerView(q: Queryable, call: CallRecord) {
  const v = await callView(q, call, { timeline: false });
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
  };
}

export async function getCallView(q: Queryable, id: string) {
  const call = await calls.getCall(q, id);
  if (!call) throw notFound('call', id);
  return callView(q, call);
}

export async function getTransferView(q: Queryable, id: string) {
  const t = await transfers.getTransfer(q, id);
  if (!t) throw notFound('transfer', id);
  return transferView(q, t);
}

/** Everything an agent's console needs in one read. */
export async function agentHome(q: Queryable, agentId: string) {
  const me = (await getAgentPresence(q, agentId)) as AgentPresence;
  const live = await calls.liveCallForAgent(q, agentId);
  const open = await transfers.openTransfersForAgent(q, agentId);
  const names = await agentNames(q, open.flatMap((t) => [t.fromAgentId, t.targetAgentId]));
  const views = await Promise.all(open.map((t) => transferView(q, t, names)));
  return {
    agent: me,
    currentCall: live ? await callView(q, live) : null,
    incomingTransfers: views.filter((t) => t.target.agentId === agentId),
    outgoingTransfer: views.find((t) => t.fromAgent.id === agentId) ?? null,
  };
}
