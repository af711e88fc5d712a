import { Icon } from '../shared/Icon';
import { formatDuration, msSince, plural } from '../shared/format';
import { MaskedText, PhoneBadge } from '../shared/PhoneText';
import { speakable } from '../shared/phone';
import type { CallView } from '../shared/types';
import { useNow } from '../shared/useNow';
import { useNewCallerAlert } from './useNewCallerAlert';

interface Props {
  queue: CallView[];
  canAccept: boolean;
  /** Why accepting is not possible right now (shown as a tooltip). */
  blockedReason: string | null;
  acceptingId: string | null;
  onAccept(call: CallView): void;
}

export function QueuePanel({ queue, canAccept, blockedReason, acceptingId, onAccept }: Props) {
  const now = useNow(1000, queue.length > 0);
  const announce = useNewCallerAlert(queue);
  return (
    <section className="panel" aria-labelledby="queue-title">
      {/* Always in the page, so a new caller is announced the moment the words change. */}
      <p className="sr-only" role="alert" data-testid="new-caller-alert">
        {announce}
      </p>
      <h2 id="queue-title">
        Queue{' '}
        <span className={`count ${queue.length > 0 ? 'count-hot' : ''}`} data-testid="queue-count">
          {queue.length}
          <span className="sr-only"> waiting</span>
        </span>
      </h2>
      <ul className="queue-list" data-testid="queue-list">
        {queue.length === 0 && <li className="empty">No one is waiting.</li>}
        {queue.map((c) => {
          const waited = msSince(c.createdAt, now);
          const urgency = waited > 120_000 ? 'late' : waited > 45_000 ? 'warm' : 'fresh';
          return (
            <li key={c.id} className={`queue-item wait-${urgency}`} data-testid="queue-item" data-call-id={c.id}>
              <div className="queue-main">
                <span className="caller-line">
                  <strong className="caller">
                    <MaskedText text={c.callerName} />
                  </strong>
                  {c.channel === 'phone' && <PhoneBadge />}
                </span>
                <span className={`wait wait-${urgency}`} title="Waiting time">
                  <Icon name="clock" size={13} /> {formatDuration(waited)}
                </span>
              </div>
              {c.reason && <p className="reason">{c.reason}</p>}
              {c.holdCount > 0 && (
                <p className="muted small">Returned to the queue · held {plural(c.holdCount, 'time')}</p>
              )}
              <button
                data-testid="accept-button"
                className="btn btn-call btn-small"
                disabled={!canAccept || acceptingId !== null}
                title={blockedReason ?? 'Answer this call'}
                aria-label={`${acceptingId === c.id ? 'Connecting call from' : 'Accept call from'} ${speakable(c.callerName)}`}
                onClick={() => onAccept(c)}
              >
                {acceptingId === c.id ? (
                  <>
                    <span className="spinner" aria-hidden /> Connecting…
                  </>
                ) : (
                  'Accept'
                )}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
