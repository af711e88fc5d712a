// Agent A's view of an open transfer: where it is (steps), how long it has rung or lasted, the
// summary, and the buttons for this moment. A phone target has more steps inside "ringing"
// (dialling, ringing, answered while the whisper plays), read from the call's timeline.
import { type ReactNode, useEffect, useRef } from 'react';
import { Icon } from '../shared/Icon';
import { MaskedText } from '../shared/PhoneText';
import { formatDuration, msSince } from '../shared/format';
import { speakable } from '../shared/phone';
import type { CallView, TransferView } from '../shared/types';
import { useNow } from '../shared/useNow';
import { PHONE_STEPS, phoneProgress, phoneStageWords, stepState } from './phoneStage';
import { ConsultControls, talkToWords } from './ConsultControls';
import { SummaryBlock } from './SummaryBlock';
import type { Actions } from './useActions';

interface Props {
  call: CallView;
  transfer: TransferView;
  actions: Actions;
  defaultRingS: number;
  onComplete(introduce: boolean): void;
  onCancel(): void;
  onLeave(): void;
}

export function TransferProgress({ call, transfer: t, actions, defaultRingS, onComplete, onCancel, onLeave }: Props) {
  const now = useNow(t.state === 'ringing' ? 250 : 1000);
  const phone = t.target.type === 'phone';
  const b = <MaskedText text={t.target.name} />;
  const busy = actions.pending.size > 0;
  const progress = phone ? phoneProgress(t, call.timeline) : null;
  const stage = progress?.stage ?? null;

  // The start form that had focus is gone: bring keyboard users here rather than to the page top.
  const panel = useRef<HTMLElement>(null);
  useEffect(() => {
    // Also from the stand-ins focus falls back to while this panel was not yet there (the card's
    // heading, the Transfer… button it replaces); never from a control the agent chose since.
    const el = document.activeElement;
    if (!el || el === document.body || el.matches('[data-focus-target], [data-testid="transfer-button"]')) panel.current?.focus();
  }, []);

  let body: ReactNode;
  if (t.state === 'ringing') {
    const totalMs = Math.max(1000, Date.parse(t.ringDeadline) - Date.parse(t.requestedAt)) || defaultRingS * 1000;
    const elapsed = Math.min(totalMs, msSince(t.requestedAt, now));
    const pct = Math.round((elapsed / totalMs) * 100);
    const ringTimer = (
      <>
        <span className="timer" data-testid="transfer-ring-timer">{Math.floor(elapsed / 1000)} s</span>
        <span className="muted"> / {Math.round(totalMs / 1000)} s</span>
      </>
    );
    const bar = (
      <div className="progress" role="progressbar" aria-label="Ring time" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100}>
        <div className={`progress-bar ${pct > 75 ? 'late' : ''}`} style={{ width: `${pct}%` }} />
      </div>
    );
    if (stage === 'answered') {
      body = (
        <>
          <p className="transfer-headline">
            <Icon name="volume" /> {b} answered — whisper playing <span className="timer small">{formatDuration(msSince(progress!.answeredAt, now))}</span>
          </p>
          <p className="muted small">They hear who is calling and why, then you. The caller is on hold with music.</p>
        </>
      );
    } else {
      body = (
        <>
          <p className="transfer-headline">
            <span className="spinner" aria-hidden /> {stage === 'dialling' ? 'Dialling' : 'Ringing'} {b}… {ringTimer}
          </p>
          {bar}
          <p className="muted small">
            {stage === 'dialling' ? 'Preparing the summary and placing the call. ' : ''}The caller is on hold with music.
          </p>
        </>
      );
    }
  } else if (t.state === 'consulting') {
    body = (
      <>
        <p className="transfer-headline">
          <Icon name={phone ? 'phone' : 'chat'} /> {phone ? 'On the line with' : 'Consulting with'} {b}{' '}
          <span className="muted">· {t.talkTo === 'target' ? 'caller on hold' : t.talkTo === 'caller' ? `${phone ? 'specialist' : t.target.name} on hold` : 'conference'}</span>
          {t.acceptedAt && <span className="timer small"> {formatDuration(msSince(t.acceptedAt, now))}</span>}
          {progress && !progress.connectedAt && <span className="muted small"> · connecting audio…</span>}
        </p>
        <p className="muted small">
          Brief {phone ? 'the specialist' : b}. When you are ready, hand the caller over — or introduce them first.
        </p>
        <ConsultControls transfer={t} actions={actions} />
      </>
    );
  } else if (t.state === 'introducing') {
    body = (
      <>
        <p className="transfer-headline"><Icon name="users" /> Three-way introduction — the caller, {b} and you can all hear each other</p>
        <p className="muted small">{phone ? 'The specialist' : b} now owns the call. Leave whenever you are done introducing.</p>
      </>
    );
  } else {
    body = <p className="transfer-headline">Transfer {t.state.replace(/_/g, ' ')}</p>;
  }

  return (
    <section
      className={`transfer-panel transfer-${t.state}`}
      data-testid="transfer-panel"
      data-state={t.state}
      data-target={t.target.type}
      data-phone-stage={stage ?? undefined}
      data-transfer-id={t.id}
      aria-labelledby={`transfer-head-${t.id}`}
      tabIndex={-1}
      ref={panel}
    >
      <h3 className="sr-only" id={`transfer-head-${t.id}`}>
        Transfer to {speakable(t.target.name)}
      </h3>
      {/* Stage changes are announced; the ticking timers are not. */}
      <p className="sr-only" role="status" aria-live="polite" data-testid="transfer-stage-words">
        {stage && !(t.state === 'consulting' && t.talkTo !== 'target') ? phoneStageWords(stage, speakable(t.target.name)) : colleagueWords(t)}
      </p>
      {stage ? (
        <ol className="transfer-steps phone-steps" aria-hidden>
          {PHONE_STEPS.map((s) => (
            <Step key={s.stage} label={s.label} state={stepState(s.stage, stage)} />
          ))}
        </ol>
      ) : (
        <ol className="transfer-steps" aria-hidden>
          <Step label="Ringing" state={t.state === 'ringing' ? 'now' : 'done'} />
          <Step label="Consulting" state={t.state === 'ringing' ? 'todo' : t.state === 'consulting' ? 'now' : 'done'} />
          <Step label="Handover" state={t.state === 'introducing' ? 'now' : t.state === 'completed' ? 'done' : 'todo'} />
        </ol>
      )}
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
  return (
    <li className={`step step-${state}`} data-step-state={state}>
      {state === 'done' ? '✓ ' : ''}
      {label}
    </li>
  );
}

function colleagueWords(t: TransferView): string {
  const b = t.target.name;
  if (t.state === 'ringing') return `Ringing ${b}. The caller is on hold.`;
  if (t.state === 'consulting') return talkToWords(t); // said again at every switch
  if (t.state === 'introducing') return `Introducing: the caller, ${b} and you can all hear each other.`;
  return `Transfer ${t.state.replace(/_/g, ' ')}.`;
}
