// The call state machine: pure (state, event) → (state, effects). No I/O, no clock:
// the caller of `decideCall` executes the effects (LiveKit permissions, removals).
//
//   waiting ──accept──▶ active ◀──resume/handover── on_hold
//      ▲                  │ hold                       │
//      └──── agent_left ──┴────────────────────────────┘
//   any live state ──hangup/caller_left──▶ ended
//   active/on_hold ──requeue──▶ waiting (at the front of a queue: a queue transfer, a blind one nobody took)
//   active/on_hold ──release──▶ on_hold with no agent (a blind transfer: A left, B rings)
// A call handed to a phone specialist stays active with no agent: phoneTransferId names the
// phone leg (the transfer that reached it) that now has the caller.
// State and reason names come from the contract the console shares (contract/src/calls.ts).
import type { CallState, EndReason, ErrorCode } from '@warmline/contract';

export type { CallState, EndReason };

export interface CallSnapshot {
  state: CallState;
  agentId: string | null;
  /** The completed phone transfer whose specialist has the caller (no agent then). */
  phoneTransferId: string | null;
  holdCount: number;
  endReason: EndReason | null;
  /** The queue it waits (or waited last) in; kept as it is when absent. */
  queueId?: string;
  /** Waiting ahead of calls never answered (it came back to the queue). */
  front?: boolean;
}

export type CallEvent =
  | { type: 'accept'; agentId: string }
  /** forTransfer: the hold a warm transfer makes (not a hold the caller counts as one: call details, summary). */
  | { type: 'hold'; agentId: string; forTransfer?: boolean }
  | { type: 'resume'; agentId: string }
  | { type: 'hangup'; by: { kind: 'caller' } | { kind: 'agent'; agentId: string } | { kind: 'specialist'; transferId: string } }
  | { type: 'caller_left' }
  | { type: 'agent_left'; agentId: string }
  | { type: 'handover'; toAgentId: string }
  | { type: 'handover_to_phone'; transferId: string }
  /**
   * Back to a queue, at its front: agentId, the agent on the call who sends it there (a queue
   * transfer); null: nobody has it (a blind transfer nobody took). No queueId: its own queue.
   */
  | { type: 'requeue'; agentId: string | null; queueId?: string }
  /** A blind transfer: the agent leaves at once, the caller is held with nobody until B accepts. */
  | { type: 'release'; agentId: string };

/** What the adapters must do so that the media matches the new state. */
export type CallEffect =
  | { type: 'caller_media'; mode: 'live' | 'held' }
  | { type: 'remove_agent'; agentId: string }
  | { type: 'close_room' };

export type Decision<S, E> =
  | { ok: true; next: S; effects: E[]; changed: boolean }
  | { ok: false; code: Extract<ErrorCode, 'call_conflict' | 'call_already_taken' | 'forbidden'>; message: string };

type CallDecision = Decision<CallSnapshot, CallEffect>;

const same = (call: CallSnapshot): CallDecision => ({ ok: true, next: call, effects: [], changed: false });
const go = (next: CallSnapshot, effects: CallEffect[] = []): CallDecision => ({
  ok: true,
  next,
  effects,
  changed: true,
});
const conflict = (message: string): CallDecision => ({ ok: false, code: 'call_conflict', message });
const forbidden = (message: string): CallDecision => ({ ok: false, code: 'forbidden', message });

export function isLive(state: CallState): boolean {
  return state !== 'ended';
}

export function decideCall(call: CallSnapshot, event: CallEvent): CallDecision {
  switch (event.type) {
    case 'accept': {
      if (call.state === 'waiting') {
        // The caller may still be held from an earlier agent who dropped: bring them back.
        return go({ ...call, state: 'active', agentId: event.agentId, phoneTransferId: null, front: false }, [{ type: 'caller_media', mode: 'live' }]);
      }
      if (call.state !== 'ended' && call.agentId === event.agentId) return same(call); // rejoin / double click
      if (call.state === 'ended') return conflict('The call has already ended.');
      return { ok: false, code: 'call_already_taken', message: 'Another agent already accepted this call.' };
    }
    case 'hold':
    case 'resume': {
      if (call.state === 'waiting' || call.state === 'ended') {
        return conflict(`A call that is ${call.state} cannot be put on hold or resumed.`);
      }
      if (call.agentId !== event.agentId) return forbidden('Only the agent on the call can hold or resume it.');
      const want: CallState = event.type === 'hold' ? 'on_hold' : 'active';
      if (call.state === want) return same(call);
      return go(
        { ...call, state: want, holdCount: call.holdCount + (event.type === 'hold' && !event.forTransfer ? 1 : 0) },
        [{ type: 'caller_media', mode: want === 'on_hold' ? 'held' : 'live' }],
      );
    }
    case 'hangup': {
      if (event.by.kind === 'agent' && call.agentId !== event.by.agentId) {
        return forbidden('Only the agent on the call can hang it up.');
      }
      if (call.state === 'ended') return same(call);
      // A specialist's phone ends the call only while it has the caller.
      if (event.by.kind === 'specialist' && call.phoneTransferId !== event.by.transferId) return same(call);
      const endReason: EndReason =
        event.by.kind === 'agent'
          ? 'agent_hung_up'
          : event.by.kind === 'specialist'
            ? 'specialist_hung_up'
            : call.state === 'waiting'
              ? 'abandoned'
              : 'caller_hung_up';
      return go({ ...call, state: 'ended', endReason }, [{ type: 'close_room' }]);
    }
    case 'caller_left': {
      if (call.state === 'ended') return same(call);
      const endReason: EndReason = call.state === 'waiting' ? 'abandoned' : 'caller_left';
      return go({ ...call, state: 'ended', endReason }, [{ type: 'close_room' }]);
    }
    case 'agent_left': {
      // An agent who drops must not strand the caller: back to the queue, on hold.
      if (call.state === 'ended' || call.state === 'waiting' || call.agentId !== event.agentId) return same(call);
      return go({ ...call, state: 'waiting', agentId: null, front: true }, [{ type: 'caller_media', mode: 'held' }]);
    }
    case 'requeue': {
      if (call.state === 'ended' || call.state === 'waiting') return conflict(`A call that is ${call.state} cannot be sent to a queue.`);
      if (event.agentId !== null && call.agentId !== event.agentId) return forbidden('Only the agent on the call can send it to a queue.');
      // Waiting: alone in the room, microphone published (room-policy.ts), hold music on the page.
      const effects: CallEffect[] = [{ type: 'caller_media', mode: 'live' }];
      if (call.agentId) effects.unshift({ type: 'remove_agent', agentId: call.agentId });
      return go({ ...call, state: 'waiting', agentId: null, phoneTransferId: null, queueId: event.queueId ?? call.queueId, front: true }, effects);
    }
    case 'release': {
      if (call.state !== 'active' && call.state !== 'on_hold') return conflict(`A call that is ${call.state} cannot be handed over.`);
      if (call.agentId !== event.agentId) return forbidden('Only the agent on the call can hand it over.');
      // The agent leaves before anything else, so they hear nothing more of the caller.
      return go({ ...call, state: 'on_hold', agentId: null }, [
        { type: 'remove_agent', agentId: event.agentId },
        { type: 'caller_media', mode: 'held' },
      ]);
    }
    case 'handover': {
      if (call.state === 'ended' || call.state === 'waiting') {
        return conflict(`A call that is ${call.state} cannot be handed over.`);
      }
      if (call.agentId === event.toAgentId && call.state === 'active') return same(call);
      return go({ ...call, state: 'active', agentId: event.toAgentId, phoneTransferId: null }, [{ type: 'caller_media', mode: 'live' }]);
    }
    case 'handover_to_phone': {
      if (call.state === 'ended' || call.state === 'waiting') {
        return conflict(`A call that is ${call.state} cannot be handed over.`);
      }
      if (call.phoneTransferId === event.transferId) return same(call);
      return go({ ...call, state: 'active', agentId: null, phoneTransferId: event.transferId }, [{ type: 'caller_media', mode: 'live' }]);
    }
  }
}
