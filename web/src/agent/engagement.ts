// Which call (if any) this agent should be connected to, derived from /api/agents/me.
import type { Me, TransferView } from '../shared/types';

export type Engagement =
  /** The agent owns the call (answered it, or took it over by transfer). */
  | { kind: 'call'; callId: string }
  /** Agent B consulting (or being introduced) before owning the call. */
  | { kind: 'consult'; callId: string; transfer: TransferView }
  /** Agent A during the three-way introduction (B already owns the call). */
  | { kind: 'introducing'; callId: string; transfer: TransferView };

export function engagementOf(me: Me | null): Engagement | null {
  if (!me) return null;
  if (me.currentCall && me.currentCall.state !== 'ended') return { kind: 'call', callId: me.currentCall.id };
  const out = me.outgoingTransfer;
  if (out && out.state === 'introducing') return { kind: 'introducing', callId: out.callId, transfer: out };
  const inc = me.incomingTransfers.find((t) => t.state === 'consulting' || t.state === 'introducing');
  if (inc) return { kind: 'consult', callId: inc.callId, transfer: inc };
  return null;
}
