import type { NotesAutosave } from './useNotesAutosave';

const STATUS_TEXT = {
  idle: '',
  dirty: 'Editing…',
  saving: 'Saving…',
  saved: 'Saved ✓',
  error: 'Not saved',
} as const;

export function NotesEditor({ notes, disabled }: { notes: NotesAutosave; disabled?: boolean }) {
  return (
    <section className="notes-section">
      <div className="notes-head">
        <h3>
          <label htmlFor="call-notes">Notes</label>
        </h3>
        <span
          className={`save-status save-${notes.status}`}
          data-testid="notes-status"
          data-status={notes.status}
          title={notes.error ?? undefined}
          id="call-notes-status"
        >
          {notes.status === 'saving' && <span className="spinner spinner-small" aria-hidden />}
          {STATUS_TEXT[notes.status]}
          {notes.status === 'error' && (
            <>
              {/* The text is kept in this browser meanwhile (useNotesAutosave.ts). */}
              {notes.retryInS !== null && <span> · kept here, retrying{notes.retryInS > 0 ? ` in ${notes.retryInS} s` : '…'}</span>}
              <button type="button" className="link" onClick={() => void notes.flush()}>
                Retry now
              </button>
            </>
          )}
        </span>
      </div>
      <textarea
        id="call-notes"
        data-testid="notes"
        value={notes.value}
        maxLength={5000}
        rows={5}
        disabled={disabled}
        aria-describedby="call-notes-status"
        placeholder="What is the caller's problem? What have you tried? These notes go into the handoff summary."
        onChange={(e) => notes.setValue(e.target.value)}
        onBlur={() => void notes.flush()}
      />
      <small className="muted counter">{notes.value.length}/5000</small>
    </section>
  );
}
