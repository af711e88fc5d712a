// Single-key shortcuts for the console. Each presses the button it names, so it does exactly
// what the button does and nothing when the button is missing or disabled. Ignored while typing
// (inputs, textareas, selects, editable text), with Ctrl/Alt/Meta, and inside a dialog; the
// agent can turn them off (WCAG 2.1.4), remembered in this browser.
import { useEffect, useState } from 'react';

export interface Shortcut {
  key: string;
  label: string;
  /** Buttons tried in order; the first enabled one is pressed. */
  targets: string[];
}

export const SHORTCUTS: Shortcut[] = [
  { key: 'a', label: 'Accept: an incoming transfer, else the first caller in the queue', targets: ['[data-testid="incoming-accept"]', '[data-testid="accept-button"]'] },
  { key: 'h', label: 'Hold or resume the call', targets: ['[data-testid="hold-button"]'] },
  { key: 'm', label: 'Mute or unmute your microphone', targets: ['[data-testid="mute-button"]'] },
  { key: 't', label: 'Transfer: open the directory, typing goes to its search box', targets: ['[data-testid="transfer-button"]'] },
  { key: 'c', label: 'Complete the transfer (hand the caller over)', targets: ['[data-testid="transfer-complete"]'] },
  { key: 'x', label: 'Cancel the transfer (back to the caller)', targets: ['[data-testid="transfer-cancel"]'] },
  { key: '?', label: 'Show this list', targets: [] },
];

const OFF_KEY = 'warmline.shortcuts.off';

export function shortcutsEnabled(): boolean {
  try {
    return localStorage.getItem(OFF_KEY) !== '1';
  } catch {
    return true;
  }
}

export function setShortcutsEnabled(on: boolean): void {
  try {
    if (on) localStorage.removeItem(OFF_KEY);
    else localStorage.setItem(OFF_KEY, '1');
  } catch {
    /* not remembered */
  }
}

function typing(el: Element | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  if (el.isContentEditable) return true;
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  if (el instanceof HTMLInputElement) return !['button', 'checkbox', 'radio', 'submit', 'reset'].includes(el.type);
  return false;
}

function press(targets: string[]): boolean {
  for (const sel of targets) {
    const el = document.querySelector<HTMLButtonElement>(`${sel}:not(:disabled):not([aria-disabled="true"])`);
    if (el) {
      el.click();
      // Focus follows the action, as if the agent had pressed the button itself.
      if (el.isConnected) el.focus();
      return true;
    }
  }
  return false;
}

/** Installs the key handler; returns whether the help dialog is open and a setter. */
export function useShortcuts(): { helpOpen: boolean; setHelpOpen(open: boolean): void } {
  const [helpOpen, setHelpOpen] = useState(false);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.repeat) return;
      if (typing(e.target as Element) || (e.target as Element).closest?.('dialog, [role="dialog"], [role="menu"]')) return;
      if (e.key === '?') {
        e.preventDefault();
        setHelpOpen(true);
        return;
      }
      if (!shortcutsEnabled()) return;
      const s = SHORTCUTS.find((x) => x.key === e.key.toLowerCase() && x.targets.length > 0);
      if (s && press(s.targets)) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return { helpOpen, setHelpOpen };
}
