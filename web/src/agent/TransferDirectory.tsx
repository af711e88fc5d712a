// The transfer directory: one search box over colleagues, queues and a phone number (ARIA
// combobox with an always-visible listbox). Keyboard: type to filter, ↑/↓ to move, Enter to
// choose, Escape to clear the search (and, when it is empty, to close). Colleagues show their
// presence; only available ones can be chosen, the others say why. Queues show how many wait and
// for how long. Filtering is directory.ts (pure, unit-tested).
import { type KeyboardEvent, type ReactNode, type Ref, useEffect, useId, useMemo, useRef, useState } from 'react';
import { Icon } from '../shared/Icon';
import { formatDuration, plural, presenceText } from '../shared/format';
import type { Presence, QueueStat } from '../shared/types';
import { useNow } from '../shared/useNow';
import { type AgentEntry, type DirectoryEntry, type QueueEntry, filterDirectory, longestWaitMs, stepActive, unavailableWhy, waitUrgency } from './directory';

interface Props {
  agents: Presence[];
  queues: QueueStat[];
  queuesFetchedAt: number;
  myId: string;
  /** Why phone transfers cannot be used here, or null when they can. */
  phoneBlocked: string | null;
  query: string;
  onQuery(query: string): void;
  onChoose(entry: DirectoryEntry): void;
  /** Escape on an empty search: close the transfer form. */
  onClose(): void;
  inputRef?: Ref<HTMLInputElement>;
}

export function TransferDirectory({ agents, queues, queuesFetchedAt, myId, phoneBlocked, query, onQuery, onChoose, onClose, inputRef }: Props) {
  const id = useId();
  const now = useNow(1000, queues.some((q) => q.waiting > 0));
  const [active, setActive] = useState<string | null>(null);
  const [said, setSaid] = useState('');
  const list = useRef<HTMLDivElement>(null);
  const result = useMemo(
    () => filterDirectory({ query, agents, queues, myId, phoneAllowed: !phoneBlocked }),
    [query, agents, queues, myId, phoneBlocked],
  );
  const activeEntry = result.ordered.find((e) => e.key === active) ?? null;
  const optionId = (key: string) => `${id}-opt-${key.replace(/[^a-zA-Z0-9_-]/g, '_')}`;

  // The active option stays in view as the arrows move it.
  useEffect(() => {
    if (!activeEntry) return;
    list.current?.querySelector(`#${CSS.escape(optionId(activeEntry.key))}`)?.scrollIntoView({ block: 'nearest' });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [activeEntry?.key]);

  const choose = (e: DirectoryEntry) => {
    if (!e.selectable) {
      setSaid(e.kind === 'agent' ? `${e.name} cannot take a transfer: ${unavailableWhy(e)}.` : (phoneBlocked ?? ''));
      return;
    }
    onChoose(e);
  };

  const onKeyDown = (ev: KeyboardEvent<HTMLInputElement>) => {
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      setActive(stepActive(result.ordered, activeEntry?.key ?? null, ev.key === 'ArrowDown' ? 1 : -1));
      setSaid('');
    } else if (ev.key === 'Enter') {
      ev.preventDefault(); // never submits the form: Enter chooses
      if (activeEntry) choose(activeEntry);
    } else if (ev.key === 'Escape') {
      ev.preventDefault();
      ev.stopPropagation();
      if (activeEntry) setActive(null);
      else if (query) onQuery('');
      else onClose();
    }
  };

  const available = result.agents.filter((a) => a.selectable).length;
  const counts = [
    `${plural(result.agents.length, 'colleague')} (${available} available)`,
    plural(result.queues.length, 'queue'),
  ].join(', ');

  return (
    <div className="directory" data-testid="transfer-directory">
      <label className="directory-label" htmlFor={`${id}-search`}>
        Transfer to
      </label>
      <div className="directory-search">
        <Icon name="users" size={16} />
        <input
          id={`${id}-search`}
          ref={inputRef}
          type="text"
          role="combobox"
          aria-expanded="true"
          aria-controls={`${id}-list`}
          aria-autocomplete="list"
          aria-activedescendant={activeEntry ? optionId(activeEntry.key) : undefined}
          aria-describedby={`${id}-keys`}
          autoComplete="off"
          spellCheck={false}
          placeholder="Name of a colleague or queue, or a number"
          value={query}
          onChange={(e) => {
            onQuery(e.target.value);
            setActive(null);
            setSaid('');
          }}
          onKeyDown={onKeyDown}
          data-testid="directory-search"
        />
      </div>
      <p id={`${id}-keys`} className="muted small directory-keys">
        <kbd>↑</kbd> <kbd>↓</kbd> move · <kbd>Enter</kbd> choose · <kbd>Esc</kbd> {query ? 'clear' : 'close'}
      </p>
      <div className="directory-list" role="listbox" id={`${id}-list`} aria-label="Colleagues, queues and phone" ref={list} data-testid="directory-list">
        {result.agents.length > 0 && (
          <Group id={`${id}-g-agents`} label="Colleagues">
            {result.agents.map((a) => (
              <AgentOption key={a.key} id={optionId(a.key)} entry={a} active={a.key === activeEntry?.key} onPick={() => choose(a)} onHover={() => setActive(a.key)} />
            ))}
          </Group>
        )}
        {result.queues.length > 0 && (
          <Group id={`${id}-g-queues`} label="Queues">
            {result.queues.map((q) => (
              <QueueOption
                key={q.key}
                id={optionId(q.key)}
                entry={q}
                waitMs={longestWaitMs(q, queuesFetchedAt, now)}
                active={q.key === activeEntry?.key}
                onPick={() => choose(q)}
                onHover={() => setActive(q.key)}
              />
            ))}
          </Group>
        )}
        <Group id={`${id}-g-phone`} label="Phone">
          <div
            role="option"
            id={optionId('phone')}
            aria-selected={activeEntry?.key === 'phone'}
            aria-disabled={!result.phone.selectable || undefined}
            className={`directory-option ${activeEntry?.key === 'phone' ? 'active' : ''} ${result.phone.selectable ? '' : 'unavailable'}`}
            data-testid="directory-option"
            data-kind="phone"
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => choose(result.phone)}
            onMouseEnter={() => setActive('phone')}
          >
            <span className="directory-icon" aria-hidden>
              <Icon name="phone" size={16} />
            </span>
            <span className="directory-name">{result.phone.number ? `Dial ${result.phone.number}` : 'Phone number…'}</span>
            <span className="directory-meta">{phoneBlocked ? <span className="directory-why">{phoneBlocked}</span> : <span className="muted">an outside line</span>}</span>
          </div>
        </Group>
      </div>
      <p className="sr-only" role="status" aria-live="polite">
        {said || (query ? counts : '')}
      </p>
      {said && (
        <p className="directory-said small" data-testid="directory-said">
          <Icon name="info" size={14} /> {said}
        </p>
      )}
    </div>
  );
}

function Group({ id, label, children }: { id: string; label: string; children: ReactNode }) {
  return (
    <div role="group" aria-labelledby={id} className="directory-group">
      <div role="presentation" id={id} className="directory-group-label">
        {label}
      </div>
      {children}
    </div>
  );
}

interface OptionProps<E> {
  id: string;
  entry: E;
  active: boolean;
  onPick(): void;
  onHover(): void;
}

function AgentOption({ id, entry: a, active, onPick, onHover }: OptionProps<AgentEntry>) {
  const why = unavailableWhy(a);
  return (
    <div
      role="option"
      id={id}
      aria-selected={active}
      aria-disabled={!a.selectable || undefined}
      className={`directory-option ${active ? 'active' : ''} ${a.selectable ? '' : 'unavailable'}`}
      data-testid="directory-option"
      data-kind="agent"
      data-agent-id={a.id}
      data-status={a.status}
      onMouseDown={(e) => e.preventDefault()} // focus stays in the search box
      onClick={onPick}
      onMouseEnter={onHover}
    >
      <span className={`presence-dot presence-${a.status}`} aria-hidden />
      <span className="directory-name">{a.name}</span>
      <span className="directory-meta">
        <span className={`badge badge-small badge-${a.status}`}>{presenceText(a)}</span>
        {why && <span className="directory-why">Not available: {why}</span>}
      </span>
    </div>
  );
}

function QueueOption({ id, entry: q, waitMs, active, onPick, onHover }: OptionProps<QueueEntry> & { waitMs: number }) {
  const urgency = waitUrgency(waitMs);
  return (
    <div
      role="option"
      id={id}
      aria-selected={active}
      className={`directory-option ${active ? 'active' : ''}`}
      data-testid="directory-option"
      data-kind="queue"
      data-queue-id={q.id}
      onMouseDown={(e) => e.preventDefault()}
      onClick={onPick}
      onMouseEnter={onHover}
    >
      <span className="directory-icon" aria-hidden>
        <Icon name="hourglass" size={16} />
      </span>
      <span className="directory-name">
        {q.name} <span className="sr-only">queue</span>
        {q.mine && <span className="badge badge-small badge-mine">Your queue</span>}
      </span>
      <span className="directory-meta">
        <span className={`count ${q.waiting > 0 ? 'count-hot' : ''}`} data-testid="directory-queue-waiting">
          {q.waiting} waiting
        </span>
        {q.waiting > 0 && (
          <span className={`wait wait-${urgency}`}>
            <Icon name="clock" size={13} /> <span className="sr-only">longest wait </span>
            {formatDuration(waitMs)}
          </span>
        )}
        <span className={q.availableAgents > 0 ? 'muted small' : 'directory-why'}>
          {q.availableAgents > 0 ? `${q.availableAgents} available` : 'no one available'}
        </span>
      </span>
    </div>
  );
}
