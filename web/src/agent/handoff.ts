// What a call that was handed over says about it, as pure functions over the call's view (typed
// structurally: no relative imports, so server/test/unit/ can import this file too). Nothing here
// reads the timeline: the view says how the handoff came (summary.mode, summary.targetType) and
// since when a waiting call waits (queuedAt).

interface HandoffSummary {
  transferId: string;
  /** The handoff's transfer: blind (a queue target is always blind) or warm. */
  mode: 'warm' | 'blind';
  /** Where that transfer went: a colleague, a queue (re-queued) or a phone. */
  targetType: 'agent' | 'queue' | 'phone';
  fromAgent: { id: string; name: string };
  notes: string;
}
interface CallLike {
  state: string;
  agentId: string | null;
  createdAt: string;
  queue: { name: string };
  summary: HandoffSummary | null;
}

export interface Handoff {
  /** queue: re-queued (a queue transfer); blind: a blind transfer; warm: handed over after a briefing. */
  kind: 'queue' | 'blind' | 'warm';
  title: string;
  from: string;
  notes: string;
}

/** How a handoff came, from its summary (the server says: CallView.summary.mode and targetType). */
export function handoffKind(s: Pick<HandoffSummary, 'mode' | 'targetType'>): Handoff['kind'] {
  if (s.targetType === 'queue') return 'queue';
  return s.mode === 'blind' ? 'blind' : 'warm';
}

/**
 * A call handed to me by someone else (a queue transfer, a blind transfer, or a warm one I now
 * own): who, how, and their note, for the call card to show with the summary at once. How it
 * came is the summary's own mode and target type. A queue transfer names the queue the call is
 * in (the one it was sent to). Null when the call has no handoff summary, it is not mine, or I
 * wrote it.
 */
export function handoffOf(call: CallLike, myId: string): Handoff | null {
  const s = call.summary;
  if (!s || s.fromAgent.id === myId || call.agentId !== myId) return null;
  const from = s.fromAgent.name;
  const kind = handoffKind(s);
  if (kind === 'queue') return { kind, title: `Re-queued to ${call.queue.name} by ${from}`, from, notes: s.notes };
  if (kind === 'blind') return { kind, title: `Blind transfer from ${from}`, from, notes: s.notes };
  return { kind, title: `Transferred by ${from}`, from, notes: s.notes };
}

/**
 * Why a waiting call is back in the queue, from its latest handoff: sent there (a queue
 * transfer), a blind transfer nobody took, or a warm transfer that fell through (its agent
 * dropped while the colleague was ringing). Null for a call nobody has handed over.
 */
export function requeuedWhy(call: Pick<CallLike, 'state' | 'summary'>): { kind: Handoff['kind']; from: string; label: string } | null {
  const s = call.state === 'waiting' ? call.summary : null;
  if (!s) return null;
  const from = s.fromAgent.name;
  const kind = handoffKind(s);
  const label = kind === 'queue' ? `Re-queued by ${from}` : kind === 'blind' ? `Blind transfer from ${from}, not taken` : `Back from a transfer by ${from}`;
  return { kind, from, label };
}

/** Who sent a waiting call back to the queue (its latest handoff's agent); null for a call nobody has handed over. */
export function requeuedBy(call: Pick<CallLike, 'state' | 'summary'>): string | null {
  return requeuedWhy(call)?.from ?? null;
}

/** When the call (re-)entered the queue: the server's queuedAt when it sends one, else when it was created. */
export function queuedSince(call: Pick<CallLike, 'createdAt'> & { queuedAt?: string | null }): string {
  return call.queuedAt ?? call.createdAt;
}
