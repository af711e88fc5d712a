// When did the current hold start? The timeline knows (latest hold entry with no later
// resume); otherwise we fall back to when this browser first saw the call on hold.
import { useRef } from 'react';
import type { CallView } from '../shared/types';

const HOLD = /(^|_)(hold|held|on_hold)$|^hold|transfer_(requested|started)/;
const RESUME = /resume|unhold|off_hold|handover|handed_over|completed|cancelled|declined|timed_out|accepted_call|answered/;

function fromTimeline(call: CallView): number | null {
  for (let i = call.timeline.length - 1; i >= 0; i--) {
    const e = call.timeline[i]!;
    if (RESUME.test(e.type)) return null;
    if (HOLD.test(e.type)) {
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
