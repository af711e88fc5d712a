// The waiting side of the console: each queue at a glance (how many wait, the longest wait
// ticking, who could answer; the agent's own queues first), then the waiting calls, each with
// its queue, and a call that came back from a transfer marked with who sent it and how.
import { Icon } from '../shared/Icon';
import { formatDuration, msSince, plural } from '../shared/format';
import { MaskedText, PhoneBadge } from '../shared/PhoneText';
import { speakable } from '../shared/phone';
import type { CallView, QueueStat } from '../shared/types';
import { useNow } from '../shared/useNow';
import { longestWaitMs, waitUrgency } from './directory';
import { queuedSince, requeuedWhy } from './handoff';
import { useNewCallerAlert } from './useNewCallerAlert';

interface Props {
  queue: CallView[];
  /** GET /api/queues; empty until it answers. */
  queues: QueueStat[];
  queuesFetchedAt: number;
  canAccept: boolean;
  /** Why accepting is not possible right now (shown as a tooltip). */
  blockedReason: string | null;
  acceptingId: string | null;
  onAccept(call: CallView): void;
}

export function QueuePanel({ queue, queues, queuesFetchedAt, canAccept, blockedReason, acceptingId, onAccept }: Props) {
  const now = useNow(1000, queue.length > 0 || queues.some((q) => q.waiting > 0));
  const announce = useNewCallerAlert(queue);
  const stats = [...queues].sort((a, b) => Number(b.mine) - Number(a.mine) || a.name.localeCompare(b.name));
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
      {stats.length > 0 && (
        <ul className="queue-stats" aria-label="Queues" data-testid="queue-stats">
          {stats.map((q) => {
            const waited = longestWaitMs(q, queuesFetchedAt, now);
            const urgency = q.waiting > 0 ? waitUrgency(waited) : 'none';
            return (
              <li key={q.id} className={`queue-stat ${q.mine ? 'mine' : ''} stat-${urgency}`} data-testid="queue-stat" data-queue-id={q.id} data-mine={q.mine}>
                <span className="queue-stat-name">
                  <strong>{q.name}</strong>
                  {q.mine && <span className="badge badge-small badge-mine">Yours</span>}
                  <span className={`small ${q.availableAgents > 0 ? 'muted' : 'queue-stat-nobody'}`}>
                    {q.availableAgents > 0 ? `${plural(q.availableAgents, 'agent')} available` : 'no agent available'}
                  </span>
                </span>
                <span className={`count ${q.waiting > 0 ? 'count-hot' : ''}`} data-testid="queue-stat-waiting" data-waiting={q.waiting}>
                  {q.waiting}
                  <span className="sr-only"> waiting</span>
                </span>
                <span className={`wait ${q.waiting > 0 ? `wait-${urgency}` : 'muted'}`} data-testid="queue-stat-longest" title="Longest wait">
                  {q.waiting > 0 ? (
                    <>
                      <Icon name="clock" size={13} /> <span className="sr-only">longest wait </span>
                      {formatDuration(waited)}
                    </>
                  ) : (
                    <>
                      <span aria-hidden>—</span>
                      <span className="sr-only">nobody waiting</span>
                    </>
                  )}
                </span>
              </li>
            );
          })}
        </ul>
      )}
      <ul className="queue-list" data-testid="queue-list">
        {queue.length === 0 && <li className="empty">No one is waiting.</li>}
        {queue.map((c) => {
          // Since it (re-)entered the queue (a re-queued call's wait starts again), not since the caller rang.
          const waited = msSince(queuedSince(c), now);
          const urgency = waitUrgency(waited);
          const back = requeuedWhy(c);
          return (
            <li
              key={c.id}
              className={`queue-item wait-${urgency} ${back ? 'queue-item-requeued' : ''}`}
              data-testid="queue-item"
              data-call-id={c.id}
              data-queue-id={c.queue.id}
              data-requeued={back ? 'true' : undefined}
              data-requeued-kind={back?.kind}
            >
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
              <span className="queue-tags">
                <span className="badge badge-small badge-queue" data-testid="queue-item-queue">
                  {c.queue.name}
                  <span className="sr-only"> queue</span>
                </span>
                {back && (
                  <span className="badge badge-small badge-transferring" data-testid="queue-item-requeued">
                    <Icon name="transfer" size={12} /> {back.label}
                  </span>
                )}
              </span>
              {c.reason && <p className="reason">{c.reason}</p>}
              {!back && c.holdCount > 0 && <p className="muted small">Returned to the queue · held {plural(c.holdCount, 'time')}</p>}
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
