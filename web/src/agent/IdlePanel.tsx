import { Icon } from '../shared/Icon';
import type { AwayReason, PresenceStatus } from '../shared/types';

interface Props {
  status: PresenceStatus;
  awayReason: AwayReason | null;
  queueLength: number;
}

export function IdlePanel({ status, awayReason, queueLength }: Props) {
  return (
    <section className="card idle-panel">
      <div className="idle-icon" aria-hidden>
        <Icon name={status === 'away' ? 'coffee' : 'headset'} size={48} />
      </div>
      {status === 'away' ? (
        <>
          <h2>You are away</h2>
          <p className="muted">
            {awayReason === 'missed' ? 'A transfer rang out without an answer, so you were set to Away. ' : ''}
            Colleagues cannot transfer calls to you. Switch to Available when you are back.
          </p>
        </>
      ) : (
        <>
          <h2>Ready for the next call</h2>
          <p className="muted">
            {queueLength > 0
              ? `${queueLength} ${queueLength === 1 ? 'caller is' : 'callers are'} waiting — accept one from the queue.`
              : 'No one is waiting. New callers appear in the queue on the left.'}
          </p>
        </>
      )}
    </section>
  );
}
