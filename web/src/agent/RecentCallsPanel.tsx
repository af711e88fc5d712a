// Recent calls (GET /api/calls) with a detail view (GET /api/calls/{id}): the stored timeline,
// notes and outcome stay visible after the call.
import { useCallback, useEffect, useState } from 'react';
import { api, errorMessage } from '../shared/api';
import { Icon } from '../shared/Icon';
import { CALL_STATE_LABEL, clockTime, endReasonForAgent, formatDuration, msBetween } from '../shared/format';
import { phoneSpecialistNumber, withPhoneSpecialist } from '../shared/phone';
import { MaskedText, PhoneBadge } from '../shared/PhoneText';
import type { CallView } from '../shared/types';
import { Timeline } from './Timeline';
import { DispositionBadge, DispositionFilter, WrapUpList } from './WrapUpSummary';

export function RecentCallsPanel({ refreshKey }: { refreshKey: unknown }) {
  const [open, setOpen] = useState(false);
  const [calls, setCalls] = useState<CallView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [disposition, setDisposition] = useState('');

  const load = useCallback(() => {
    api
      .recentCalls(disposition || undefined)
      .then((c) => {
        setCalls(c);
        setError(null);
      })
      .catch((err) => setError(errorMessage(err)));
  }, [disposition]);

  useEffect(() => {
    if (open) load();
  }, [open, load, refreshKey]);

  return (
    <section className="panel">
      <h2>
        <button className="panel-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
          <span className={`chevron ${open ? 'open' : ''}`} aria-hidden>
            ›
          </span>{' '}
          Recent calls
        </button>
      </h2>
      {open && <DispositionFilter value={disposition} onChange={setDisposition} />}
      {open && (
        <ul className="recent-list" data-testid="recent-calls">
          {error && <li className="alert alert-error">{error}</li>}
          {!calls && !error && (
            <li className="empty">
              <span className="spinner spinner-small" aria-hidden /> Loading…
            </li>
          )}
          {calls?.length === 0 && <li className="empty">No calls yet.</li>}
          {calls?.map((c) => (
            <li key={c.id}>
              <button className="recent-item" onClick={() => setSelected(c.id)} data-testid="recent-call" data-call-id={c.id}>
                <span className="recent-main">
                  <span className="caller-line">
                    <strong>
                      <MaskedText text={c.callerName} />
                    </strong>
                    {c.channel === 'phone' && <PhoneBadge />}
                  </span>
                  <span className={`badge badge-small badge-${c.state}`}>{CALL_STATE_LABEL[c.state]}</span>
                  <DispositionBadge call={c} />
                </span>
                <span className="muted small">
                  {clockTime(c.createdAt)}
                  {c.agentName ? ` · ${c.agentName}` : withPhoneSpecialist(c) ? ' · with a phone specialist' : ''}
                  {c.answeredAt && c.endedAt ? ` · ${formatDuration(msBetween(c.answeredAt, c.endedAt))}` : ''}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {selected && <CallDetailDialog callId={selected} onClose={() => setSelected(null)} />}
    </section>
  );
}

function CallDetailDialog({ callId, onClose }: { callId: string; onClose(): void }) {
  const [call, setCall] = useState<CallView | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api
      .getCall(callId)
      .then(setCall)
      .catch((err) => setError(errorMessage(err)));
  }, [callId]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  return (
    <div className="overlay" onClick={onClose}>
      <div className="card dialog" role="dialog" aria-modal="true" aria-label="Call details" onClick={(e) => e.stopPropagation()}>
        <button className="banner-close dialog-close" aria-label="Close" onClick={onClose}>
          <Icon name="x" />
        </button>
        {error && <p className="alert alert-error">{error}</p>}
        {!call && !error && (
          <p className="muted">
            <span className="spinner" aria-hidden /> Loading…
          </p>
        )}
        {call && (
          <>
            <div className="caller-line">
              <h2 className="caller-name">
                <MaskedText text={call.callerName} />
              </h2>
              {call.channel === 'phone' && <PhoneBadge size="normal" />}
            </div>
            {call.reason && <p className="reason muted">“{call.reason}”</p>}
            <dl className="facts">
              <dt>State</dt>
              <dd>
                <span className={`badge badge-${call.state}`}>{CALL_STATE_LABEL[call.state]}</span>{' '}
                {call.endReason ? endReasonForAgent(call.endReason) : ''}
              </dd>
              <dt>Agent</dt>
              <dd data-testid="call-detail-agent">{call.agentName ?? <PhoneSpecialist call={call} />}</dd>
              <dt>Started</dt>
              <dd>{clockTime(call.createdAt)}</dd>
              {call.answeredAt && (
                <>
                  <dt>Waited</dt>
                  <dd>{formatDuration(msBetween(call.createdAt, call.answeredAt))}</dd>
                </>
              )}
              {call.answeredAt && call.endedAt && (
                <>
                  <dt>Talked</dt>
                  <dd>{formatDuration(msBetween(call.answeredAt, call.endedAt))}</dd>
                </>
              )}
              <dt>Holds</dt>
              <dd>{call.holdCount}</dd>
              {call.disposition && (
                <>
                  <dt>Disposition</dt>
                  <dd data-testid="call-detail-disposition">{call.disposition}</dd>
                </>
              )}
            </dl>
            {call.notes && (
              <>
                <h3 className="mt">Notes</h3>
                <p className="notes-readonly">{call.notes}</p>
              </>
            )}
            <WrapUpList call={call} />
            <div className="mt">
              <Timeline entries={call.timeline} testId="history-timeline" />
            </div>
          </>
        )}
      </div>
    </div>
  );
}

/** No agent on the call: say who has (or had) it when that was a phone specialist. */
function PhoneSpecialist({ call }: { call: CallView }) {
  const number = phoneSpecialistNumber(call);
  if (!number && !withPhoneSpecialist(call)) return <>—</>;
  return (
    <span className="with-phone">
      <Icon name="phone" size={14} /> {call.state === 'ended' ? 'Was with' : 'With'} phone specialist {number && <MaskedText text={number} />}
    </span>
  );
}
