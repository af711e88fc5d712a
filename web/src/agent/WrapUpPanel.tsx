// After-call work: the call just finished (or handed over) with the agent's notes still on
// screen, a disposition to pick, and Done. The server ends wrap-up by itself at wrapUp.endsAt
// (WRAP_UP_TIMEOUT_S); the countdown says when. Notes save as they are typed (to the wrap-up).
import { useEffect, useRef, useState } from 'react';
import { endReasonForAgent, formatDuration, msBetween } from '../shared/format';
import { MaskedText } from '../shared/PhoneText';
import type { CallView, WrapUpView } from '../shared/types';
import { useNow } from '../shared/useNow';
import type { NotesAutosave } from './useNotesAutosave';
import { useNotesAutosave } from './useNotesAutosave';
import { useDispositions } from './useDispositions';
import './wrap-up.css';

interface Props {
  wrapUp: WrapUpView;
  lastCall: CallView;
  pending: boolean;
  onDone(disposition: string, notes: NotesAutosave): void;
}

export function WrapUpPanel({ wrapUp, lastCall, pending, onDone }: Props) {
  const list = useDispositions();
  const notes = useNotesAutosave(lastCall.id, wrapUp.notes);
  const [choice, setChoice] = useState<string | null>(null);
  const now = useNow(1000);
  const heading = useRef<HTMLHeadingElement>(null);
  const leftMs = Date.parse(wrapUp.endsAt) - now;

  // The panel replaces the call card: move focus to it, so keyboard and screen reader users follow.
  useEffect(() => heading.current?.focus(), [wrapUp.id]);

  const handedTo = lastCall.state !== 'ended' ? lastCall.agentName : null;
  return (
    <section className="card wrap-up" data-testid="wrap-up-panel" data-call-id={lastCall.id} aria-labelledby="wrap-up-title">
      <div className="wrap-up-head">
        <h2 id="wrap-up-title" ref={heading} tabIndex={-1}>
          Wrap-up · <MaskedText text={lastCall.callerName} />
        </h2>
        <span className="badge badge-wrap_up" data-testid="wrap-up-countdown" aria-live="off">
          Available in {formatDuration(Math.max(0, leftMs))}
        </span>
      </div>
      <p className="muted">
        {handedTo ? `Handed over to ${handedTo}` : endReasonForAgent(lastCall.endReason) || 'Call ended'}
        {lastCall.answeredAt && lastCall.endedAt ? ` · talked ${formatDuration(msBetween(lastCall.answeredAt, lastCall.endedAt))}` : ''}
      </p>
      {lastCall.reason && <p className="reason muted">“{lastCall.reason}”</p>}

      <fieldset className="dispositions" data-testid="wrap-up-dispositions">
        <legend>How did it end?</legend>
        {!list && <span className="muted small">Loading…</span>}
        {list?.dispositions.map((d) => (
          <label key={d} className={`chip ${choice === d ? 'chip-on' : ''}`}>
            <input type="radio" name="disposition" value={d} checked={choice === d} onChange={() => setChoice(d)} data-testid="wrap-up-disposition" />
            {d}
          </label>
        ))}
      </fieldset>

      <label className="field">
        <span>Notes</span>
        <textarea
          data-testid="wrap-up-notes"
          value={notes.value}
          maxLength={5000}
          rows={4}
          onChange={(e) => notes.setValue(e.target.value)}
          onBlur={() => void notes.flush()}
        />
        <small className="muted" data-testid="wrap-up-notes-status">
          {notes.status === 'saving' ? 'Saving…' : notes.status === 'saved' ? 'Saved ✓' : notes.status === 'error' ? `Not saved: ${notes.error}` : ''}
        </small>
      </label>

      <div className="row">
        <button
          type="button"
          className="btn btn-primary"
          data-testid="wrap-up-done"
          disabled={!choice || pending}
          onClick={() => choice && onDone(choice, notes)}
        >
          {pending ? <span className="spinner spinner-small" aria-hidden /> : null} Done — I’m available
        </button>
        {!choice && <span className="muted small">Choose how the call ended first.</span>}
      </div>
    </section>
  );
}
