// The warm transfer state machine: pure (state, event) → (state, effects).
// A transfer always ends with the caller talking to a human: every terminal move
// carries the call event that hands the caller back to A, over to B, or to the queue.
//
//   ringing ──accept──▶ consulting ──complete{introduce}──▶ introducing ──complete──▶ completed
//      │                   │   └──────────complete──────────────────────────────────▲
//      └─ decline / timeout / target_offline / cancel / caller_left / failed ◀─┘
// While consulting A chooses who they talk to (talk_to): B (the caller held, the default), the
// caller (B held: the call is A's and active again) or both (a conference, A still has the call).
// B may leave the consultation (declining after the briefing): the caller is back with A.
// A phone target has no console: Twilio's reports stand in for B's clicks (phone_answered when
// its audio reaches the room, phone_ended with what the network said).
// A blind transfer (mode blind) has no consultation: A has left when it starts (the call's
// release), B's accept hands B the caller at once (completed), and a ring that ends otherwise
// sends the call back to the front of its queue, since A is gone.
// State and fail-reason names come from the contract the console shares (contract/src/transfers.ts).
import {
  isOpenTransferState,
  type TalkTo,
  type TransferFailReason,
  type TransferMode,
  type TransferState,
  type TransferTargetType,
} from '@warmline/contract';
import type { CallEvent, Decision } from './call.js';

export type { TalkTo, TransferFailReason, TransferState };
export const isOpen = isOpenTransferState;

export interface TransferSnapshot {
  id: string;
  state: TransferState;
  fromAgentId: string;
  targetType: TransferTargetType;
  /** null for a phone target. */
  targetAgentId: string | null;
  failReason: TransferFailReason | null;
  /** Who A talks to while consulting; 'both' while introducing. */
  talkTo: TalkTo;
  /** warm when absent. */
  mode?: TransferMode;
}

/** How a phone leg ended, as the phone network reported it. */
export type PhoneOutcome = 'busy' | 'no_answer' | 'failed' | 'voicemail' | 'hung_up';

export type TransferEvent =
  | { type: 'accept'; agentId: string }
  | { type: 'decline'; agentId: string }
  | { type: 'leave'; agentId: string } // B leaves the consultation after the briefing
  | { type: 'talk_to'; agentId: string; talkTo: TalkTo }
  | { type: 'cancel'; agentId: string }
  | { type: 'complete'; agentId: string; introduce: boolean }
  | { type: 'timeout' }
  | { type: 'target_offline' } // B's console is gone: nobody will answer the ring
  | { type: 'caller_left'; hungUp?: boolean } // hungUp: pressed hang up, not a lost connection
  | { type: 'agent_left'; agentId: string }
  | { type: 'phone_answered' } // the specialist's audio is in the room
  | { type: 'phone_ended'; outcome: PhoneOutcome };

export type TransferEffect =
  | { type: 'call'; event: CallEvent } // apply to the call state machine
  | { type: 'remove_agent'; agentId: string } // take an agent out of the call room
  | { type: 'remove_phone' }; // take the phone leg out of the room (its Twilio call follows the record)

type TransferDecision = Decision<TransferSnapshot, TransferEffect>;

const same = (t: TransferSnapshot): TransferDecision => ({ ok: true, next: t, effects: [], changed: false });
const go = (
  t: TransferSnapshot,
  state: TransferState,
  effects: TransferEffect[],
  failReason: TransferFailReason | null = null,
  talkTo: TalkTo = t.talkTo,
) => ({ ok: true, next: { ...t, state, failReason, talkTo }, effects, changed: true }) as TransferDecision;
const conflict = (t: TransferSnapshot, what: string): TransferDecision => ({
  ok: false,
  code: 'call_conflict',
  message: `Cannot ${what}: the transfer is ${t.state.replace('_', ' ')}.`,
});
const forbidden = (message: string): TransferDecision => ({ ok: false, code: 'forbidden', message });

const isBlind = (t: TransferSnapshot) => t.mode === 'blind';

/** A ring that ends unanswered: the caller back with A, or (blind: A is gone) to the front of the queue. */
const backToA = (t: TransferSnapshot): TransferEffect => ({
  type: 'call',
  event: isBlind(t) ? { type: 'requeue', agentId: null } : { type: 'resume', agentId: t.fromAgentId },
});
const toB = (t: TransferSnapshot): TransferEffect => ({
  type: 'call',
  event: t.targetAgentId ? { type: 'handover', toAgentId: t.targetAgentId } : { type: 'handover_to_phone', transferId: t.id },
});
const removeB = (t: TransferSnapshot): TransferEffect =>
  t.targetAgentId ? { type: 'remove_agent', agentId: t.targetAgentId } : { type: 'remove_phone' };

export function decideTransfer(t: TransferSnapshot, event: TransferEvent): TransferDecision {
  switch (event.type) {
    case 'accept':
      if (event.agentId !== t.targetAgentId) return forbidden('Only the agent being transferred to can accept.');
      if (isBlind(t)) {
        if (t.state === 'ringing') return go(t, 'completed', [toB(t)]); // straight to the caller, no briefing
        if (t.state === 'completed') return same(t); // double click: the same token again
        return conflict(t, 'accept');
      }
      if (t.state === 'ringing') return go(t, 'consulting', []);
      if (t.state === 'consulting' || t.state === 'introducing') return same(t); // double click: same token again
      return conflict(t, 'accept');
    case 'decline':
      if (event.agentId !== t.targetAgentId) return forbidden('Only the agent being transferred to can decline.');
      if (t.state === 'ringing') return go(t, 'declined', [backToA(t)], 'declined');
      if (t.state === 'declined') return same(t);
      return conflict(t, 'decline');
    case 'leave':
      if (event.agentId !== t.targetAgentId) return forbidden('Only the agent being transferred to can leave the consultation.');
      if (t.state === 'consulting') return go(t, 'declined', [removeB(t), backToA(t)], 'left_consultation');
      if (t.state === 'declined' && t.failReason === 'left_consultation') return same(t); // double click
      return conflict(t, 'leave the consultation');
    case 'talk_to':
      return talkTo(t, event.agentId, event.talkTo);
    case 'cancel':
      if (event.agentId !== t.fromAgentId) return forbidden('Only the agent who started the transfer can cancel it.');
      if (isBlind(t)) return { ok: false, code: 'call_conflict', message: 'A blind transfer cannot be cancelled: you have already left the call.' };
      if (t.state === 'ringing') return go(t, 'cancelled', [backToA(t)], 'cancelled');
      if (t.state === 'consulting') {
        return go(t, 'cancelled', [removeB(t), backToA(t)], 'cancelled');
      }
      if (t.state === 'cancelled') return same(t);
      return conflict(t, 'cancel');
    case 'complete':
      if (event.agentId !== t.fromAgentId) return forbidden('Only the agent who started the transfer can complete it.');
      if (t.state === 'consulting') {
        return event.introduce
          ? go(t, 'introducing', [toB(t)], null, 'both')
          : // A leaves before the caller is let back in, so the caller never hears A again.
            go(t, 'completed', [{ type: 'remove_agent', agentId: t.fromAgentId }, toB(t)]);
      }
      if (t.state === 'introducing') {
        return event.introduce ? same(t) : go(t, 'completed', [{ type: 'remove_agent', agentId: t.fromAgentId }]);
      }
      if (t.state === 'completed') return same(t);
      return conflict(t, 'complete');
    case 'timeout':
      return t.state === 'ringing' ? go(t, 'timed_out', [backToA(t)], 'no_answer') : same(t);
    case 'target_offline':
      // Only a ring is ended: once B accepted, B's drop is agent_left's business (LiveKit).
      return t.state === 'ringing' ? go(t, 'failed', [backToA(t)], 'target_offline') : same(t);
    case 'caller_left': {
      const end: TransferEffect = {
        type: 'call',
        event: event.hungUp ? { type: 'hangup', by: { kind: 'caller' } } : { type: 'caller_left' },
      };
      if (t.state === 'ringing' || t.state === 'consulting') return go(t, 'caller_left', [end], 'caller_left');
      if (t.state === 'introducing') return go(t, 'completed', [end]);
      return same(t);
    }
    case 'agent_left':
      return agentLeft(t, event.agentId);
    case 'phone_answered':
      if (t.targetType !== 'phone') return forbidden('Only a phone target is answered by the phone network.');
      if (t.state === 'ringing') return go(t, 'consulting', []);
      if (t.state === 'consulting' || t.state === 'introducing') return same(t); // a replayed report
      return conflict(t, 'connect the phone');
    case 'phone_ended':
      return t.targetType === 'phone' ? phoneEnded(t, event.outcome) : same(t);
  }
}

/**
 * A switches who they talk to. The caller's side is the call's own hold (so the caller's page,
 * the phone caller's bridge and the hold count follow as for any hold); B's side is talkTo.
 */
function talkTo(t: TransferSnapshot, agentId: string, want: TalkTo): TransferDecision {
  if (agentId !== t.fromAgentId) return forbidden('Only the agent who started the transfer chooses who they talk to.');
  if (t.state === 'introducing' && want === 'both') return same(t);
  if (t.state !== 'consulting') return conflict(t, 'switch who you talk to');
  if (want === t.talkTo) return same(t); // double click
  const caller: TransferEffect = {
    type: 'call',
    event: want === 'target' ? { type: 'hold', agentId: t.fromAgentId, forTransfer: true } : { type: 'resume', agentId: t.fromAgentId },
  };
  return go(t, 'consulting', [caller], null, want);
}

const RING_OUTCOME: Record<PhoneOutcome, [TransferState, TransferFailReason]> = {
  busy: ['failed', 'busy'],
  no_answer: ['timed_out', 'no_answer'],
  failed: ['failed', 'dial_failed'],
  voicemail: ['failed', 'voicemail'],
  hung_up: ['failed', 'target_left'], // answered, heard the whisper, hung up before joining
};

function phoneEnded(t: TransferSnapshot, outcome: PhoneOutcome): TransferDecision {
  if (t.state === 'ringing') {
    const [state, reason] = RING_OUTCOME[outcome];
    return go(t, state, [backToA(t)], reason);
  }
  const reason: TransferFailReason = outcome === 'voicemail' ? 'voicemail' : 'target_left';
  if (t.state === 'consulting') return go(t, 'failed', [removeB(t), backToA(t)], reason);
  if (t.state === 'introducing') {
    return go(t, 'failed', [removeB(t), { type: 'call', event: { type: 'handover', toAgentId: t.fromAgentId } }], reason);
  }
  return same(t); // after completion the phone's hang-up ends the call (a call event), not the transfer
}

function agentLeft(t: TransferSnapshot, agentId: string): TransferDecision {
  if (!isOpen(t.state)) return same(t);
  if (agentId === t.fromAgentId) {
    if (isBlind(t)) return same(t); // A left on purpose when the blind transfer started
    // A dropped. If B is already talking to A, B takes the caller; if B has not
    // answered yet, nobody is there for the caller: back to the queue.
    if (t.state === 'ringing') {
      return go(t, 'failed', [{ type: 'call', event: { type: 'agent_left', agentId } }], 'agent_left');
    }
    return t.state === 'consulting' ? go(t, 'completed', [toB(t)]) : go(t, 'completed', []);
  }
  if (t.targetAgentId && agentId === t.targetAgentId && t.state !== 'ringing') {
    // B dropped before the handover finished: the caller goes back to A.
    const back: TransferEffect = { type: 'call', event: { type: 'handover', toAgentId: t.fromAgentId } };
    return go(t, 'failed', [t.state === 'introducing' ? back : backToA(t)], 'target_left');
  }
  return same(t);
}
