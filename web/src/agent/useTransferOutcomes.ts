// Turn transfers that disappear from /me into "why it ended" banners, on both sides:
// A sees "Bob declined" / "Bob did not answer" / "Cancelled"; B sees "Alice cancelled the transfer".
import { type RefObject, useEffect, useRef } from 'react';
import { api } from '../shared/api';
import { incomingOutcomeText, transferOutcomeText } from '../shared/format';
import type { Me, TransferView } from '../shared/types';
import { isOpenTransfer } from '../shared/types';
import type { NoticeKind, Notices } from './useNotices';

export function useTransferOutcomes(me: Me | null, notices: Notices, ownActions: RefObject<Set<string>>): void {
  const openOutgoing = useRef<TransferView | null>(null);
  const openIncoming = useRef(new Map<string, TransferView>());
  const reported = useRef(new Set<string>());

  useEffect(() => {
    if (!me) return;

    const report = (t: TransferView, side: 'out' | 'in') => {
      if (reported.current.has(t.id)) return;
      reported.current.add(t.id);
      if (side === 'out') {
        const kind: NoticeKind = t.state === 'completed' ? 'success' : t.state === 'cancelled' ? 'info' : 'warn';
        notices.push({ kind, text: transferOutcomeText(t), testId: 'transfer-outcome', outcome: t.state });
      } else {
        // B's own decline, and a completed handover (B now has the call), need no banner.
        if (t.state === 'completed' || ownActions.current.has(t.id)) return;
        notices.push({ kind: 'warn', text: incomingOutcomeText(t), testId: 'transfer-outcome', outcome: t.state });
      }
    };
    const settle = (prev: TransferView, side: 'out' | 'in', known: TransferView | null) => {
      if (known && !isOpenTransfer(known)) {
        report(known, side);
        return;
      }
      void api
        .getTransfer(prev.id)
        .then((t) => {
          if (!isOpenTransfer(t)) report(t, side);
        })
        .catch(() => undefined);
    };

    // Outgoing (A).
    const own = me.engagement.kind === 'on_call' ? me.engagement.call.transfer : null;
    const out = me.outgoingTransfer ?? (own?.fromAgent.id === me.agent.id ? own : null);
    const prevOut = openOutgoing.current;
    if (out && isOpenTransfer(out)) {
      openOutgoing.current = out;
      if (prevOut && prevOut.id !== out.id) settle(prevOut, 'out', null);
    } else {
      openOutgoing.current = null;
      if (prevOut) settle(prevOut, 'out', out && out.id === prevOut.id ? out : null);
    }

    // Incoming (B).
    const nowOpen = new Map<string, TransferView>();
    for (const t of me.incomingTransfers) {
      if (isOpenTransfer(t)) nowOpen.set(t.id, t);
      else if (openIncoming.current.has(t.id)) report(t, 'in');
    }
    for (const [id, prev] of openIncoming.current) {
      if (!nowOpen.has(id) && !me.incomingTransfers.some((t) => t.id === id)) settle(prev, 'in', null);
    }
    openIncoming.current = nowOpen;
  }, [me, notices, ownActions]);
}
