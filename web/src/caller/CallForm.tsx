import { Icon } from '../shared/Icon';
import { type FormEvent, useState } from 'react';
import { rememberedName } from './callerSession';
import { useTopics } from './useTopics';

interface Props {
  busy: boolean;
  error: string | null;
  initialName: string;
  initialReason: string;
  /** The topic chosen last time ('' for none). */
  initialQueueId?: string;
  onCall(name: string, reason: string, queueId?: string): void;
}

export function CallForm({ busy, error, initialName, initialReason, initialQueueId = '', onCall }: Props) {
  const [name, setName] = useState(initialName || rememberedName());
  const [reason, setReason] = useState(initialReason);
  const [picked, setPicked] = useState(initialQueueId);
  const topics = useTopics();
  const trimmed = name.trim();
  // One topic (or none) is no choice: the select is not shown and the server's default applies.
  const choosing = !!topics && topics.length > 1;
  const topic = choosing ? (topics.find((t) => t.id === picked) ?? topics[0]!) : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!trimmed || busy) return;
    onCall(trimmed, reason.trim(), topic?.id);
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
      {choosing && topic && (
        <label className="field">
          <span>Topic</span>
          <select data-testid="caller-topic" value={topic.id} onChange={(e) => setPicked(e.target.value)}>
            {topics.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
      )}
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
