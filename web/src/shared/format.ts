// Formatting helpers: durations, clock times, and human words for states and events.
import type { AwayReason, CallState, EndReason, PresenceStatus, TimelineEvent, TransferFailReason, TransferView } from './types';

/** 83_000 → "01:23"; 3_723_000 → "1:02:03". Negative values count as zero. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

export function msSince(iso: string | null | undefined, now: number): number {
  if (!iso) return 0;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : now - t;
}

export function msBetween(from: string | null | undefined, to: string | null | undefined): number {
  if (!from || !to) return 0;
  return Math.max(0, Date.parse(to) - Date.parse(from));
}

/** "14:03:27" in the browser's locale. */
export function clockTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export const CALL_STATE_LABEL: Record<CallState, string> = {
  waiting: 'Waiting',
  active: 'Active',
  on_hold: 'On hold',
  ended: 'Ended',
};

export const PRESENCE_LABEL: Record<PresenceStatus, string> = {
  available: 'Available',
  away: 'Away',
  wrap_up: 'Wrap-up',
  on_call: 'On a call',
  offline: 'Offline',
};

export const AWAY_REASON_LABEL: Record<AwayReason, string> = {
  break: 'Break',
  lunch: 'Lunch',
  meeting: 'Meeting',
  training: 'Training',
  other: 'Other',
  missed: 'Missed a transfer',
};

/** "Away · Lunch", "On a call": a presence as one short phrase. */
export function presenceText(p: { status: PresenceStatus; awayReason: AwayReason | null }): string {
  return p.status === 'away' && p.awayReason ? `Away · ${AWAY_REASON_LABEL[p.awayReason]}` : PRESENCE_LABEL[p.status];
}

// Labels are keyed by the contract's names: a new reason fails the type check until it has words.
const END_WORDS_FOR_CALLER: Record<EndReason, string> = {
  caller_hung_up: 'You hung up.',
  agent_hung_up: 'The agent ended the call.',
  caller_left: 'The connection was lost.',
  abandoned: 'You left the queue before an agent answered.',
  specialist_hung_up: 'The specialist ended the call.',
};

const END_WORDS_FOR_AGENT: Record<EndReason, string> = {
  caller_hung_up: 'Caller hung up',
  agent_hung_up: 'Agent hung up',
  caller_left: 'Caller disconnected',
  abandoned: 'Caller left the queue',
  specialist_hung_up: 'Specialist hung up',
};

export function endReasonText(reason: EndReason | null): string {
  return reason ? (END_WORDS_FOR_CALLER[reason] ?? '') : '';
}

/** Agent-facing end reason. */
export function endReasonForAgent(reason: EndReason | null): string {
  return reason ? (END_WORDS_FOR_AGENT[reason] ?? humanize(reason)) : '';
}

/** Why a transfer ended without completing, said from agent A's side (b: the target's name). */
const FAIL_WORDS_FOR_A: Record<TransferFailReason, (b: string) => string> = {
  declined: (b) => `${b} declined — the caller is back with you.`,
  no_answer: (b) => `${b} did not answer — the caller is back with you.`,
  cancelled: () => 'Transfer cancelled — the caller is back with you.',
  caller_left: () => 'The caller hung up during the transfer.',
  target_left: (b) => `${b} dropped out of the call — the caller is back with you.`,
  agent_left: () => 'Transfer failed: you left the call before it was answered.',
  target_offline: (b) => `${b} went offline — the caller is back with you.`,
  left_consultation: (b) => `${b} left the consultation — the caller is back with you.`,
  busy: (b) => `${b} is busy — the caller is back with you.`,
  dial_failed: (b) => `The call to ${b} failed — the caller is back with you.`,
  voicemail: (b) => `${b}'s voicemail answered — the caller is back with you.`,
};

/** The same, said from target agent B's side (a: the name of the agent who started it). */
const FAIL_WORDS_FOR_B: Record<TransferFailReason, (a: string) => string> = {
  cancelled: (a) => `${a} cancelled the transfer.`,
  no_answer: (a) => `You missed a transfer from ${a}.`,
  caller_left: (a) => `The caller hung up before the transfer from ${a} finished.`,
  target_offline: (a) => `You missed a transfer from ${a}: your console was offline.`,
  declined: (a) => `You declined the transfer from ${a}.`,
  agent_left: (a) => `${a} dropped out of the call before you answered.`,
  target_left: (a) => `You dropped out of the call — the caller is back with ${a}.`,
  left_consultation: (a) => `You left the consultation — the caller is back with ${a}.`,
  // Phone targets have no console; these read well in call details all the same.
  busy: (a) => `The line was busy; the caller is back with ${a}.`,
  dial_failed: (a) => `The call failed; the caller is back with ${a}.`,
  voicemail: (a) => `Voicemail answered; the caller is back with ${a}.`,
};

/** Why a transfer ended, said from agent A's side. */
export function transferOutcomeText(t: TransferView): string {
  if (t.state === 'completed') return `Call handed over to ${t.target.name}.`;
  const words = t.failReason ? FAIL_WORDS_FOR_A[t.failReason] : undefined;
  return words ? words(t.target.name) : `Transfer ${humanize(t.state)}.`;
}

/** Why a transfer ended, said from target agent B's side. */
export function incomingOutcomeText(t: TransferView): string {
  const a = t.fromAgent.name;
  if (t.state === 'completed') return `You now have ${t.call.callerName}'s call.`;
  const words = t.failReason ? FAIL_WORDS_FOR_B[t.failReason] : undefined;
  return words ? words(a) : `Transfer from ${a}: ${humanize(t.state)}.`;
}

/** One label per event the server writes (contract/src/timeline.ts), no more. */
const TIMELINE_WORDS: Record<TimelineEvent, string> = {
  created: 'Call started',
  accepted: 'Answered',
  held: 'Put on hold',
  resumed: 'Taken off hold',
  ended: 'Call ended',
  agent_dropped: 'Agent dropped — caller back in the queue',
  handed_over: 'Handed over',
  requeued: 'Back in the queue, at the front',
  wrapped_up: 'Wrap-up done',
  disposition_set: 'Disposition recorded',
  transfer_requested: 'Transfer requested',
  summary_ready: 'Handoff summary ready',
  transfer_accepted: 'Colleague answered',
  transfer_introducing: 'Three-way introduction',
  transfer_completed: 'Transfer completed',
  transfer_cancelled: 'Transfer cancelled',
  transfer_declined: 'Transfer declined',
  transfer_timed_out: 'Transfer not answered',
  transfer_failed: 'Transfer failed',
  transfer_caller_left: 'Caller left during transfer',
  phone_dialed: 'Dialling the phone',
  phone_ringing: 'Phone ringing',
  phone_answered: 'Phone answered',
  phone_connected: 'Phone audio connected',
  phone_ended: 'Phone call ended',
  caller_joined: 'Caller connected',
  agent_joined: 'Agent joined',
  caller_disconnected: 'Caller disconnected',
  agent_disconnected: 'Agent disconnected',
  monitor_started: 'Supervisor started monitoring',
  monitor_changed: 'Supervisor changed mode',
  monitor_ended: 'Supervisor stopped monitoring',
  supervisor_joined: 'Supervisor connected',
  supervisor_disconnected: 'Supervisor disconnected',
};

/** "transfer_timed_out" → "Transfer not answered"; a name from a newer server is humanized. */
export function timelineWords(type: TimelineEvent): string {
  return TIMELINE_WORDS[type] ?? humanize(type);
}

/** "caller_left" / "transfer.accepted" → "Caller left" / "Transfer accepted". */
export function humanize(s: string): string {
  const words = s
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[._-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Compact one-line rendering of a timeline entry's detail (a free-form object), skipping ids. */
export function timelineDetail(detail: object): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(detail ?? {}) as [string, unknown][]) {
    if (v === null || v === undefined || v === '') continue;
    if (/(^id$|Id$|_id$|token|key|Length$)/i.test(k)) continue;
    let text: string;
    let label = humanize(k).toLowerCase();
    if (/^ms[A-Z]/.test(k) && typeof v === 'number') {
      // msSinceRequested: 4210 → "since requested: 4.2 s"
      label = humanize(k.slice(2)).toLowerCase();
      text = `${(v / 1000).toFixed(1)} s`;
    } else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') text = humanizeValue(String(v));
    else if (typeof v === 'object' && v && 'name' in v && typeof (v as { name: unknown }).name === 'string') {
      text = (v as { name: string }).name;
    } else continue;
    if (text.length > 120) text = `${text.slice(0, 117)}…`;
    parts.push(`${label}: ${text}`);
  }
  return parts.join(' · ');
}

/** snake_case enum values read better as words ("agent_hung_up" → "agent hangup"). */
function humanizeValue(v: string): string {
  return /^[a-z]+(_[a-z]+)+$/.test(v) ? v.replace(/_/g, ' ') : v;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
