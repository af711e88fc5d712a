// When did the current hold start? The timeline knows (latest hold entry with no later
// resume); otherwise we fall back to when this browser first saw the call on hold.
import { useRef } from 'react';
import type { CallView, TimelineEvent } from '../shared/types';

/** Timeline events that put the caller on hold, and those after which the caller is no longer held. */
const HOLD: ReadonlySet<TimelineEvent> = new Set<TimelineEvent>(['held', 'transfer_requested']);
const RESUME: ReadonlySet<TimelineEvent> = new Set<TimelineEvent>([
  'resumed',
  'handed_over',
  'transfer_completed',
  'transfer_cancelled',
  'transfer_declined',
  'transfer_timed_out',
]);

function fromTimeline(call: CallView): number | null {
  for (let i = call.timeline.length - 1; i >= 0; i--) {
    const e = call.timeline[i]!;
    if (RESUME.has(e.type)) return null;
    if (HOLD.has(e.type)) {
      const t = Date.parse(e.at);
      return Number.isNaN(t) ? null : t;
    }
  }
  return null;
}

export function useHoldStart(call: CallView | null): number | null {
  const seen = useRef<{ callId: string; at: number } | null>(null);
  if (!call || call.state !== 'on_hold') {
    seen.current = null;
    return null;
  }
  if (!seen.current || seen.current.callId !== call.id) seen.current = { callId: call.id, at: Date.now() };
  return fromTimeline(call) ?? seen.current.at;
}
