// The agent's one status control: a button that shows the presence everyone else sees (from the
// server's one query: on a call, wrap-up, away with its reason, offline, available) and a menu of
// what the agent may choose. Arrow keys only move between choices; Enter, Space or a click
// commits one. On a call or in wrap-up there is nothing to choose: the button says why.
import { CHOSEN_AWAY_REASONS } from '@warmline/contract';
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { AWAY_REASON_LABEL, presenceText } from '../shared/format';
import type { Agent, StatusChoice } from '../shared/types';
import './wrap-up.css';

const CHOICES: { key: string; label: string; choice: StatusChoice }[] = [
  { key: 'available', label: 'Available', choice: { status: 'available' } },
  ...CHOSEN_AWAY_REASONS.map((reason) => ({ key: `away-${reason}`, label: `Away — ${AWAY_REASON_LABEL[reason]}`, choice: { status: 'away', reason } as const })),
];

const LOCKED: Partial<Record<Agent['status'], string>> = {
  on_call: 'You are on a call: your status follows it.',
  wrap_up: 'Finish the wrap-up (choose a disposition, then Done) to become available.',
};

interface Props {
  agent: Agent;
  pending: boolean;
  onChoose(choice: StatusChoice): void;
}

export function StatusControl({ agent, pending, onChoose }: Props) {
  const [open, setOpen] = useState(false);
  const [focusAt, setFocusAt] = useState(0);
  const button = useRef<HTMLButtonElement>(null);
  const items = useRef<(HTMLButtonElement | null)[]>([]);
  const box = useRef<HTMLDivElement>(null);
  const locked = LOCKED[agent.status];
  const current = agent.status === 'available' ? 'available' : agent.status === 'away' && agent.awayReason !== 'missed' ? `away-${agent.awayReason}` : null;

  // A status that locks the control closes an open menu; a click elsewhere closes it too.
  useEffect(() => {
    if (locked) setOpen(false);
  }, [locked]);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!box.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const focusItem = (i: number) => items.current[(i + CHOICES.length) % CHOICES.length]?.focus();
  // Focus moves into the menu in the same commit that opens it, before the next key arrives.
  useLayoutEffect(() => {
    if (open) focusItem(focusAt);
  }, [open, focusAt]);
  const openMenu = (at: number) => {
    setFocusAt(at);
    setOpen(true);
  };
  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  const choose = (c: StatusChoice) => {
    close();
    onChoose(c);
  };

  const onButtonKey = (e: KeyboardEvent) => {
    if (locked || (e.key !== 'ArrowDown' && e.key !== 'ArrowUp')) return;
    e.preventDefault();
    openMenu(e.key === 'ArrowDown' ? Math.max(0, CHOICES.findIndex((c) => c.key === current)) : CHOICES.length - 1);
  };
  const onMenuKey = (e: KeyboardEvent) => {
    const at = items.current.findIndex((el) => el === document.activeElement);
    const moves: Record<string, number> = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: CHOICES.length - 1 };
    if (e.key in moves) {
      e.preventDefault();
      focusItem(moves[e.key]!);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      close();
    } else if (e.key === 'Tab') setOpen(false);
  };

  return (
    <div className="status-control" ref={box}>
      <button
        ref={button}
        type="button"
        className={`status-button status-${agent.status}`}
        data-testid="agent-status"
        data-status={agent.status}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-disabled={!!locked}
        aria-describedby={locked ? 'status-locked' : undefined}
        title={locked}
        onClick={() => (locked ? undefined : open ? setOpen(false) : openMenu(Math.max(0, CHOICES.findIndex((c) => c.key === current))))}
        onKeyDown={onButtonKey}
      >
        <span className={`presence-dot presence-${agent.status}`} aria-hidden />
        <span className="sr-only">My status: </span>
        {presenceText(agent)}
        {pending ? <span className="spinner spinner-small" aria-hidden /> : !locked && <span aria-hidden>▾</span>}
      </button>
      {locked && (
        <span id="status-locked" className="sr-only">
          {locked}
        </span>
      )}
      {open && (
        <ul className="status-menu" role="menu" aria-label="Set my status" onKeyDown={onMenuKey}>
          {CHOICES.map((c, i) => (
            <li key={c.key} role="none">
              <button
                ref={(el) => {
                  items.current[i] = el;
                }}
                type="button"
                role="menuitemradio"
                aria-checked={c.key === current}
                tabIndex={-1}
                data-testid={`status-option-${c.key}`}
                onClick={() => choose(c.choice)}
              >
                <span className={`presence-dot presence-${c.choice.status}`} aria-hidden /> {c.label}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
