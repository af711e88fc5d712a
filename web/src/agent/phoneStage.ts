// Where a phone transfer is, from A's side. The transfer's state says ringing until the phone's
// audio reaches the room; the call's timeline (Twilio's reports, contract/src/timeline.ts) says
// what happened inside that ring: dialled, ringing, answered and hearing the whisper.
import type { TimelineEntry, TransferView } from '../shared/types';

export type PhoneStage = 'dialling' | 'ringing' | 'answered' | 'on_line' | 'introducing' | 'over';

export interface PhoneProgress {
  stage: PhoneStage;
  /** When each step was reported (ISO), for the timers. */
  dialledAt: string | null;
  ringingAt: string | null;
  answeredAt: string | null;
  /** The phone's audio joined the room (phone_connected). */
  connectedAt: string | null;
}

export const PHONE_STEPS = [
  { stage: 'dialling', label: 'Dialling' },
  { stage: 'ringing', label: 'Ringing' },
  { stage: 'answered', label: 'Answered' },
  { stage: 'on_line', label: 'On the line' },
  { stage: 'introducing', label: 'Handover' },
] as const satisfies readonly { stage: PhoneStage; label: string }[];

export function phoneProgress(t: TransferView, timeline: readonly TimelineEntry[]): PhoneProgress {
  // Only this transfer's entries: an earlier phone transfer on the same call must not count.
  const mine = timeline.filter((e) => (e.detail as { transferId?: unknown }).transferId === t.id);
  const at = (type: TimelineEntry['type']) => mine.find((e) => e.type === type)?.at ?? null;
  const p = { dialledAt: at('phone_dialed'), ringingAt: at('phone_ringing'), answeredAt: at('phone_answered'), connectedAt: at('phone_connected') };
  return { ...p, stage: stageOf(t, p) };
}

function stageOf(t: TransferView, p: Omit<PhoneProgress, 'stage'>): PhoneStage {
  switch (t.state) {
    case 'ringing':
      // Reports can arrive out of order; the furthest step reached wins.
      if (p.answeredAt) return 'answered';
      if (p.ringingAt) return 'ringing';
      return 'dialling';
    case 'consulting':
      return 'on_line';
    case 'introducing':
      return 'introducing';
    default:
      return 'over';
  }
}

/** Each step's look: done before the current one, now, or still to come. */
export function stepState(step: PhoneStage, current: PhoneStage): 'todo' | 'now' | 'done' {
  const order = PHONE_STEPS.map((s) => s.stage as PhoneStage);
  const i = order.indexOf(step);
  const c = current === 'over' ? order.length : order.indexOf(current);
  return i < c ? 'done' : i === c ? 'now' : 'todo';
}

/** One sentence per stage for screen readers (no timers: a ticking live region is noise). */
export function phoneStageWords(stage: PhoneStage, number: string): string {
  switch (stage) {
    case 'dialling':
      return `Dialling ${number}. The caller is on hold.`;
    case 'ringing':
      return `${number} is ringing.`;
    case 'answered':
      return `${number} answered and is hearing the whisper. You come on next.`;
    case 'on_line':
      return `${number} is on the line with you. The caller is still on hold.`;
    case 'introducing':
      return `Introducing: the caller, ${number} and you can all hear each other.`;
    default:
      return '';
  }
}
