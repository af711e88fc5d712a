import { Icon } from '../shared/Icon';
import { type FormEvent, useState } from 'react';
import { rememberedName } from './callerSession';

interface Props {
  busy: boolean;
  error: string | null;
  initialName: string;
  initialReason: string;
  onCall(name: string, reason: string): void;
}

export function CallForm({ busy, error, initialName, initialReason, onCall }: Props) {
  const [name, setName] = useState(initialName || rememberedName());
  const [reason, setReason] = useState(initialReason);
  const trimmed = name.trim();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!trimmed || busy) return;
    onCall(trimmed, reason.trim());
  };

  return (
    <form className="card caller-form" onSubmit={submit}>
      <h1>Talk to our support team</h1>
      <p className="muted">Tell us who you are and what it is about. You will hear an agent right here in the browser.</p>
      <label className="field">
        <span>Your name</span>
        <input
          data-testid="caller-name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          maxLength={80}
          autoComplete="name"
          placeholder="Jane Doe"
          required
          autoFocus
        />
      </label>
      <label className="field">
        <span>
          What can we help with? <small className="muted">(optional)</small>
        </span>
        <textarea
          data-testid="caller-reason"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          maxLength={500}
          rows={3}
          placeholder="My order hasn't arrived…"
        />
        <small className="muted counter">{reason.length}/500</small>
      </label>
      {error && (
        <p className="alert alert-error" role="alert">
          {error}
        </p>
      )}
      <button data-testid="call-button" className="btn btn-call btn-big" type="submit" disabled={!trimmed || busy}>
        {busy ? (
          <>
            <span className="spinner" aria-hidden /> Calling…
          </>
        ) : (
          <>
            <Icon name="phone" /> Call support
          </>
        )}
      </button>
      <p className="muted small">Your browser will ask for the microphone so the agent can hear you.</p>
    </form>
  );
}
