// Agent A's side of a warm transfer: pick a colleague, then follow ringing → consulting →
// (introducing) → done, with the summary in view and the right buttons at each step.
import { Icon } from '../shared/Icon';
import { type ReactNode, useEffect, useMemo, useState } from 'react';
import { PRESENCE_LABEL, formatDuration, msSince } from '../shared/format';
import type { CallView, Presence, TransferView } from '../shared/types';
import { useNow } from '../shared/useNow';
import { SummaryBlock } from './SummaryBlock';
import type { Actions } from './useActions';

interface Props {
  call: CallView;
  transfer: TransferView | null;
  agents: Presence[];
  myId: string;
  actions: Actions;
  canStart: boolean;
  defaultRingS: number;
  onStart(targetId: string, notes: string): Promise<boolean>;
  onComplete(introduce: boolean): void;
  onCancel(): void;
  onLeave(): void;
}

export function TransferPanel(props: Props) {
  const { transfer } = props;
  if (transfer) return <TransferProgress {...props} transfer={transfer} />;
  return <TransferStart {...props} />;
}

function TransferStart({ agents, myId, actions, canStart, onStart }: Props) {
  const [open, setOpen] = useState(false);
  const [target, setTarget] = useState('');
  const [notes, setNotes] = useState('');
  const colleagues = useMemo(() => agents.filter((a) => a.id !== myId), [agents, myId]);
  const available = colleagues.filter((a) => a.status === 'available');
  const starting = actions.isPending('transfer-start');

  // Keep a sensible selection: the chosen colleague while available, else the first available.
  useEffect(() => {
    if (!open) return;
    const chosen = colleagues.find((a) => a.id === target);
    if (!chosen || chosen.status !== 'available') setTarget(available[0]?.id ?? '');
  }, [open, colleagues, available, target]);

  if (!open) {
    return (
      <div className="transfer-entry">
        <button data-testid="transfer-button" className="btn btn-transfer" disabled={!canStart} onClick={() => setOpen(true)}>
          <Icon name="transfer" /> Transfer…
        </button>
        {available.length === 0 && <span className="muted small">No colleague is available right now.</span>}
      </div>
    );
  }

  const submit = async () => {
    if (!target) return;
    const ok = await onStart(target, notes);
    if (ok) {
      setOpen(false);
      setNotes('');
    }
  };

  return (
    <section className="transfer-form">
      <h3>Warm transfer</h3>
      <p className="muted small">
        The caller goes on hold with music while you brief your colleague. They cannot hear you, and your colleague cannot
        hear them, until you complete.
      </p>
      <label className="field">
        <span>Transfer to</span>
        <select data-testid="transfer-target" value={target} onChange={(e) => setTarget(e.target.value)}>
          {available.length === 0 && <option value="">No one is available</option>}
          {colleagues.map((a) => (
            <option key={a.id} value={a.id} disabled={a.status !== 'available'}>
              {a.name}
              {a.status !== 'available' ? ` — ${PRESENCE_LABEL[a.status]}` : ''}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>
          Note for your colleague <small className="muted">(optional)</small>
        </span>
        <textarea
          data-testid="transfer-notes"
          rows={2}
          maxLength={1000}
          value={notes}
          onChange={(e) => setNotes(e.target.value)}
          placeholder="Anything they should know before they pick up"
        />
      </label>
      <div className="row">
        <button data-testid="transfer-start" className="btn btn-transfer" disabled={!target || starting || !canStart} onClick={() => void submit()}>
          {starting ? (
            <>
              <span className="spinner" aria-hidden /> Starting…
            </>
          ) : (
            'Start transfer'
          )}
        </button>
        <button className="btn btn-ghost" onClick={() => setOpen(false)} disabled={starting}>
          Close
        </button>
      </div>
    </section>
  );
}

function TransferProgress({ transfer: t, actions, defaultRingS, onComplete, onCancel, onLeave }: Props & { transfer: TransferView }) {
  const now = useNow(t.state === 'ringing' ? 250 : 1000);
  const b = t.target.name;
  const busy = actions.pending.size > 0;

  let body: ReactNode;
  if (t.state === 'ringing') {
    const totalMs = Math.max(1000, Date.parse(t.ringDeadline) - Date.parse(t.requestedAt)) || defaultRingS * 1000;
    const elapsed = Math.min(totalMs, msSince(t.requestedAt, now));
    const pct = Math.round((elapsed / totalMs) * 100);
    body = (
      <>
        <p className="transfer-headline">
          <span className="spinner" aria-hidden /> Ringing {b}… <span className="timer">{Math.floor(elapsed / 1000)} s</span>
          <span className="muted"> / {Math.round(totalMs / 1000)} s</span>
        </p>
        <div className="progress" role="progressbar" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100}>
          <div className={`progress-bar ${pct > 75 ? 'late' : ''}`} style={{ width: `${pct}%` }} />
        </div>
        <p className="muted small">The caller is on hold with music.</p>
      </>
    );
  } else if (t.state === 'consulting') {
    body = (
      <>
        <p className="transfer-headline">
          <Icon name="chat" /> Consulting with {b} <span className="muted">· caller on hold</span>
          {t.acceptedAt && <span className="timer small"> {formatDuration(msSince(t.acceptedAt, now))}</span>}
        </p>
        <p className="muted small">Brief {b}. When you are ready, hand the caller over — or introduce them first.</p>
      </>
    );
  } else if (t.state === 'introducing') {
    body = (
      <>
        <p className="transfer-headline"><Icon name="users" /> Three-way introduction — the caller, {b} and you can all hear each other</p>
        <p className="muted small">{b} now owns the call. Leave whenever you are done introducing.</p>
      </>
    );
  } else {
    body = <p className="transfer-headline">Transfer {t.state.replace(/_/g, ' ')}</p>;
  }

  return (
    <section className={`transfer-panel transfer-${t.state}`} data-testid="transfer-panel" data-state={t.state} data-transfer-id={t.id}>
      <div className="transfer-steps" aria-hidden>
        <Step label="Ringing" state={t.state === 'ringing' ? 'now' : 'done'} />
        <Step label="Consulting" state={t.state === 'ringing' ? 'todo' : t.state === 'consulting' ? 'now' : 'done'} />
        <Step label="Handover" state={t.state === 'introducing' ? 'now' : t.state === 'completed' ? 'done' : 'todo'} />
      </div>
      {body}
      {t.notes && (
        <p className="small">
          <span className="muted">Your note:</span> {t.notes}
        </p>
      )}
      {t.state !== 'introducing' && <SummaryBlock summary={t.summary} testId="transfer-summary" />}
      <div className="row">
        {t.state === 'consulting' && (
          <>
            <button data-testid="transfer-complete" className="btn btn-primary" disabled={busy} onClick={() => onComplete(false)}>
              {actions.isPending('transfer-complete') ? <span className="spinner" aria-hidden /> : <Icon name="check" />} Complete transfer
            </button>
            <button data-testid="transfer-introduce" className="btn btn-secondary" disabled={busy} onClick={() => onComplete(true)}>
              {actions.isPending('transfer-introduce') ? <span className="spinner" aria-hidden /> : <Icon name="users" />} Introduce &amp; complete
            </button>
          </>
        )}
        {(t.state === 'ringing' || t.state === 'consulting') && (
          <button data-testid="transfer-cancel" className="btn btn-ghost-danger" disabled={busy} onClick={onCancel}>
            {actions.isPending('transfer-cancel') ? <span className="spinner" aria-hidden /> : null} Cancel
          </button>
        )}
        {t.state === 'introducing' && (
          <button data-testid="leave-call" className="btn btn-danger btn-big" disabled={busy} onClick={onLeave}>
            {actions.isPending('leave-call') ? <span className="spinner" aria-hidden /> : <Icon name="leave" />} Leave call
          </button>
        )}
      </div>
    </section>
  );
}

function Step({ label, state }: { label: string; state: 'todo' | 'now' | 'done' }) {
  return <span className={`step step-${state}`}>{state === 'done' ? '✓ ' : ''}{label}</span>;
}
