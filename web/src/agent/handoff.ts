// What a call that was handed over says about it, as pure functions over the call's view (typed
// structurally: no relative imports, so server/test/unit/ can import this file too).

interface HandoffSummary {
  transferId: string;
  fromAgent: { id: string; name: string };
  notes: string;
}
interface CallLike {
  state: string;
  agentId: string | null;
  createdAt: string;
  queue: { name: string };
  summary: HandoffSummary | null;
  timeline: readonly { type: string; detail: object }[];
}

export interface Handoff {
  /** queue: re-queued (a queue transfer); blind: a blind transfer; warm: handed over after a briefing. */
  kind: 'queue' | 'blind' | 'warm';
  title: string;
  from: string;
  notes: string;
}

/**
 * A call handed to me by someone else (a queue transfer, a blind transfer, or a warm one I now
 * own): who, how, and their note, for the call card to show with the summary at once. How it
 * came is the handoff's own timeline entry (transfer_requested: mode, target type, queue name).
 * Null when the call has no handoff summary, it is not mine, or I wrote it.
 */
export function handoffOf(call: CallLike, myId: string): Handoff | null {
  const s = call.summary;
  if (!s || s.fromAgent.id === myId || call.agentId !== myId) return null;
  const asked = call.timeline.find((e) => e.type === 'transfer_requested' && (e.detail as { transferId?: unknown }).transferId === s.transferId);
  const d = (asked?.detail ?? {}) as { mode?: unknown; targetType?: unknown; queueName?: unknown };
  const from = s.fromAgent.name;
  if (d.targetType === 'queue') {
    return { kind: 'queue', title: `Re-queued to ${typeof d.queueName === 'string' ? d.queueName : call.queue.name} by ${from}`, from, notes: s.notes };
  }
  if (d.mode === 'blind') return { kind: 'blind', title: `Blind transfer from ${from}`, from, notes: s.notes };
  return { kind: 'warm', title: `Transferred by ${from}`, from, notes: s.notes };
}

/** Who sent a waiting call back to the queue (its latest handoff's agent); null for a call nobody has handed over. */
export function requeuedBy(call: Pick<CallLike, 'state' | 'summary'>): string | null {
  return call.state === 'waiting' && call.summary ? call.summary.fromAgent.name : null;
}

/** When the call (re-)entered the queue: the server's queuedAt when it sends one, else when it was created. */
export function queuedSince(call: Pick<CallLike, 'createdAt'> & { queuedAt?: string | null }): string {
  return call.queuedAt ?? call.createdAt;
}
