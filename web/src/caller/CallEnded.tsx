import { Icon } from '../shared/Icon';
import { endReasonText, formatDuration, msBetween } from '../shared/format';
import type { CallerCallView } from '../shared/types';

interface Props {
  call: CallerCallView | null;
  onAgain(): void;
}

export function CallEnded({ call, onAgain }: Props) {
  const talked = call?.answeredAt ? msBetween(call.answeredAt, call.endedAt ?? new Date().toISOString()) : null;
  const waited = !call?.answeredAt && call ? msBetween(call.createdAt, call.endedAt ?? new Date().toISOString()) : null;
  return (
    <section className="card call-screen state-ended">
      <div className="call-visual" aria-hidden>
        <div className="pulse pulse-ended">
          <Icon name="check" size={40} />
        </div>
      </div>
      <p className="call-status" data-testid="call-status" role="status">
        Call ended
      </p>
      <p className="muted center">
        {talked !== null && (
          <>
            Duration <strong data-testid="call-duration">{formatDuration(talked)}</strong>
            {call?.agentName ? ` with ${call.agentName}` : ''}.{' '}
          </>
        )}
        {waited !== null && <>You waited {formatDuration(waited)}. </>}
        {endReasonText(call?.endReason ?? null)}
      </p>
      <p className="center">Thanks for calling.</p>
      <button className="btn btn-call btn-big" onClick={onAgain}>
        <Icon name="phone" /> Call again
      </button>
    </section>
  );
}
