// An incoming transfer is announced (role=alert, assertive) and, when allowed and the console is
// not in front, shown as a desktop notification. The ring itself is shared/ringTone.ts.
import { useEffect, useRef } from 'react';
import { speakable } from '../shared/phone';
import type { TransferView } from '../shared/types';
import { notifyDesktop } from './alerts';

const words = (t: TransferView) =>
  t.mode === 'blind'
    ? `Blind transfer from ${t.fromAgent.name}: ${speakable(t.call.callerName)}${t.call.reason ? `, ${t.call.reason}` : ''}. You will be talking to the caller as soon as you accept. Press A or the Accept button to take the call.`
    : `Incoming transfer from ${t.fromAgent.name}: ${speakable(t.call.callerName)}${t.call.reason ? `, ${t.call.reason}` : ''}. Press A or the Accept button to answer.`;

export function TransferAlert({ ringing }: { ringing: TransferView[] }) {
  const notified = useRef(new Set<string>());
  useEffect(() => {
    for (const t of ringing) {
      if (notified.current.has(t.id)) continue;
      notified.current.add(t.id);
      notifyDesktop(`Transfer from ${t.fromAgent.name}`, `${t.call.callerName}${t.call.reason ? ` — ${t.call.reason}` : ''}`, `warmline-transfer-${t.id}`);
    }
  }, [ringing]);
  // Always in the page, so the words are announced when they appear.
  return (
    <div className="sr-only" role="alert" data-testid="transfer-alert">
      {ringing.map((t) => (
        <p key={t.id}>{words(t)}</p>
      ))}
    </div>
  );
}
