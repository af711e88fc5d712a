// Formatting helpers: durations, clock times, and human words for states and events.
import type { CallState, PresenceStatus, TransferView } from './types';

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
  busy: 'On a call',
  offline: 'Offline',
};

export function endReasonText(reason: string | null): string {
  switch (reason) {
    case 'caller_hung_up':
      return 'You hung up.';
    case 'agent_hung_up':
      return 'The agent ended the call.';
    case 'caller_left':
      return 'The connection was lost.';
    case 'abandoned':
      return 'You left the queue before an agent answered.';
    default:
      return '';
  }
}

/** Agent-facing end reason. */
export function endReasonForAgent(reason: string | null): string {
  switch (reason) {
    case 'caller_hung_up':
      return 'Caller hung up';
    case 'agent_hung_up':
      return 'Agent hung up';
    case 'caller_left':
      return 'Caller disconnected';
    case 'abandoned':
      return 'Caller left the queue';
    default:
      return reason ? humanize(reason) : '';
  }
}

/** Why a transfer ended, said from agent A's side. */
export function transferOutcomeText(t: TransferView): string {
  const b = t.target.name;
  switch (t.state) {
    case 'completed':
      return `Call handed over to ${b}.`;
    case 'declined':
      return `${b} declined — the caller is back with you.`;
    case 'timed_out':
      return `${b} did not answer — the caller is back with you.`;
    case 'cancelled':
      return 'Transfer cancelled — the caller is back with you.';
    case 'caller_left':
      return 'The caller hung up during the transfer.';
    case 'failed':
      return t.failReason === 'target_left'
        ? `${b} dropped out of the call — the caller is back with you.`
        : t.failReason === 'agent_left'
          ? 'Transfer failed: you left the call before it was answered.'
          : t.failReason === 'target_offline'
            ? `${b} went offline — the caller is back with you.`
            : `Transfer failed${t.failReason ? `: ${humanize(t.failReason)}` : ''}.`;
    default:
      return `Transfer ${humanize(t.state)}.`;
  }
}

/** Why a transfer ended, said from target agent B's side. */
export function incomingOutcomeText(t: TransferView): string {
  const a = t.fromAgent.name;
  switch (t.state) {
    case 'cancelled':
      return `${a} cancelled the transfer.`;
    case 'timed_out':
      return `You missed a transfer from ${a}.`;
    case 'caller_left':
      return `The caller hung up before the transfer from ${a} finished.`;
    case 'failed':
      return t.failReason === 'target_offline'
        ? `You missed a transfer from ${a}: your console was offline.`
        : `The transfer from ${a} failed${t.failReason ? ` (${humanize(t.failReason)})` : ''}.`;
    case 'declined':
      return `You declined the transfer from ${a}.`;
    case 'completed':
      return `You now have ${t.call.callerName}'s call.`;
    default:
      return `Transfer from ${a}: ${humanize(t.state)}.`;
  }
}

const TIMELINE_WORDS: Record<string, string> = {
  created: 'Call started',
  call_created: 'Call started',
  queued: 'Joined the queue',
  caller_joined: 'Caller connected',
  caller_left: 'Caller disconnected',
  accepted: 'Answered',
  answered: 'Answered',
  call_accepted: 'Answered',
  agent_joined: 'Agent joined',
  agent_left: 'Agent left',
  agent_dropped: 'Agent dropped — caller back in the queue',
  hold: 'Put on hold',
  held: 'Put on hold',
  on_hold: 'Put on hold',
  resume: 'Taken off hold',
  resumed: 'Taken off hold',
  unhold: 'Taken off hold',
  notes: 'Notes updated',
  notes_updated: 'Notes updated',
  transfer_requested: 'Transfer requested',
  transfer_started: 'Transfer started',
  transfer_ringing: 'Ringing colleague',
  summary: 'Handoff summary ready',
  summary_generated: 'Handoff summary ready',
  summary_ready: 'Handoff summary ready',
  transfer_accepted: 'Colleague answered',
  transfer_consulting: 'Consultation started',
  transfer_introducing: 'Three-way introduction',
  transfer_completed: 'Transfer completed',
  transfer_cancelled: 'Transfer cancelled',
  transfer_declined: 'Transfer declined',
  transfer_timed_out: 'Transfer not answered',
  transfer_failed: 'Transfer failed',
  transfer_caller_left: 'Caller left during transfer',
  handover: 'Handed over',
  handed_over: 'Handed over',
  hangup: 'Hung up',
  ended: 'Call ended',
  call_ended: 'Call ended',
};

/** "transfer_timed_out" → "Transfer not answered"; unknown types are humanized. */
export function timelineWords(type: string): string {
  return TIMELINE_WORDS[type] ?? TIMELINE_WORDS[type.replace(/\./g, '_')] ?? humanize(type);
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

/** Compact one-line rendering of a timeline entry's detail, skipping ids. */
export function timelineDetail(detail: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(detail ?? {})) {
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
