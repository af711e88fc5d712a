// Focus never drops to the page body when the console changes what it shows. A button that an
// action removes (Accept in the queue, Start transfer, Complete) takes focus with it; when the
// view changes (a call arrives, a transfer rings or moves on, wrap-up starts) and focus is on
// the body (or on a button that is now disabled), it moves to what the change opened: a ringing
// transfer's Accept, the transfer progress, or the first focus target of the main area.
import { useEffect } from 'react';
import type { Me, TransferView } from '../shared/types';

const TARGETS = [
  '[data-testid="incoming-accept"]:not(:disabled)',
  '.console-main [data-testid="transfer-panel"]',
  '.console-main [data-focus-target]',
  '.console-main h2[tabindex="-1"]',
  '.console-main [data-testid="incoming-transfer"] button:not(:disabled)',
];

function lost(): boolean {
  const el = document.activeElement as HTMLElement | null;
  return !el || el === document.body || !el.isConnected || (el as HTMLButtonElement).disabled === true;
}

function restore() {
  if (!lost()) return;
  for (const sel of TARGETS) {
    const el = document.querySelector<HTMLElement>(sel);
    if (el) {
      el.focus();
      if (document.activeElement === el) return;
    }
  }
}

/** What the main area shows, as a string that changes when it does. */
export function viewKey(me: Me | null, ringing: TransferView[]): string {
  if (!me) return 'signed-out';
  const e = me.engagement;
  const call = 'call' in e ? e.call : null;
  const transfer = 'transfer' in e ? e.transfer : (call?.transfer ?? null);
  const wrap = e.kind === 'wrap_up' ? e.wrapUp.id : '';
  return [e.kind, call?.id, call?.state, transfer?.id, transfer?.state, me.outgoingTransfer?.state, wrap, ...ringing.map((t) => t.id)].join('|');
}

/** Restores now, and keeps trying for a moment while what the action opened is still rendering. */
function restoreSoon(): () => void {
  let tries = 0;
  let id = window.requestAnimationFrame(function again() {
    restore();
    if (lost() && ++tries < 20) id = window.setTimeout(() => (id = window.requestAnimationFrame(again)), 100);
  });
  return () => {
    window.cancelAnimationFrame(id);
    window.clearTimeout(id);
  };
}

export function useFocusKeeper(key: string) {
  // The view changed (after React has painted it, so the new elements exist).
  useEffect(() => restoreSoon(), [key]);
  // The focused element went away or was disabled under the agent (not a click elsewhere).
  useEffect(() => {
    let cancel: (() => void) | null = null;
    const onOut = (e: FocusEvent) => {
      const el = e.target as HTMLElement;
      if (e.relatedTarget) return;
      window.setTimeout(() => {
        if (lost() && (!el.isConnected || (el as HTMLButtonElement).disabled === true)) {
          cancel?.();
          cancel = restoreSoon();
        }
      }, 0);
    };
    document.addEventListener('focusout', onOut);
    return () => {
      document.removeEventListener('focusout', onOut);
      cancel?.();
    };
  }, []);
}
