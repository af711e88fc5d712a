// An outbound call from queued to answered (or not): initiated, ringing, then what the
// behaviour for that number says, or what the phone page decides in manual mode.
import { setTimeout as delay } from 'node:timers/promises';
import type { PhoneSource } from './audio.js';
import type { Decision, EmulatedCall } from './call.js';

export interface Behaviour {
  /** 'manual': the call rings until decide() (the phone page) or its Timeout. */
  answer: Decision | 'manual';
  /** How long it rings before the answer; default 300 ms (no-answer does not wait the real Timeout). */
  ringMs?: number;
  /** What the phone says once connected; default silence. */
  toneHz?: number;
  source?: PhoneSource;
  /** How long answering-machine detection takes; default 300 ms. */
  amdMs?: number;
}

export const DEFAULT_BEHAVIOUR: Behaviour = { answer: 'human' };

/** Dialing takes a moment: queued → initiated → ringing. */
const INITIATE_MS = 15;
const DIAL_MS = 35;

export function sourceOf(b: Behaviour): PhoneSource {
  return b.source ?? (b.toneHz ? { kind: 'tone', hz: b.toneHz } : { kind: 'silence' });
}

export async function ringOutbound(call: EmulatedCall, b: Behaviour): Promise<void> {
  call.setSource(sourceOf(b));
  await delay(INITIATE_MS);
  if (call.ended) return;
  call.setStatus('initiated');
  await delay(DIAL_MS);
  if (call.ended) return;
  // An unreachable number fails before it rings (guess: Twilio's exact sequence varies by carrier).
  if (b.answer === 'failed') return call.end('failed');
  call.setStatus('ringing');
  const decision = await waitForDecision(call, b);
  if (!decision || call.ended) return;
  if (decision === 'human' || decision === 'machine') return call.pickUp(decision, b.amdMs ?? 300);
  return call.end(decision);
}

function waitForDecision(call: EmulatedCall, b: Behaviour): Promise<Decision | null> {
  return new Promise((resolve) => {
    const manual = b.answer === 'manual';
    // Manual calls ring for the real Timeout (Twilio adds a 5 s buffer; not emulated).
    const ms = manual ? call.settings.timeoutS * 1000 : (b.ringMs ?? 300);
    const finish = (d: Decision | null) => {
      clearTimeout(timer);
      off();
      call.decider = null;
      resolve(d);
    };
    const timer = setTimeout(() => finish(manual ? 'no-answer' : (b.answer as Decision)), ms);
    const off = call.onChange(() => call.ended && finish(null));
    if (manual) call.decider = (d) => finish(d);
  });
}
