// Agent B's view of a transfer: a ringing card (accept / decline with countdown), then the
// consultation with A: who A talks to (B may be held while A talks to the caller), and Leave.
// A blind transfer has no consultation: A has left, and accepting puts B on the call at once,
// so its ringing card says so and its Accept button says what it does.
import { Icon } from '../shared/Icon';
import { formatDuration, msSince } from '../shared/format';
import { api } from '../shared/api';
import { speakable } from '../shared/phone';
import { callRoom, useCallRoom } from '../shared/livekit';
import type { TransferView } from '../shared/types';
import { useNow } from '../shared/useNow';
import { MuteButton } from './MuteButton';
import { ParticipantsStrip } from './ParticipantsStrip';
import { SummaryBlock } from './SummaryBlock';
import type { Actions } from './useActions';

interface Props {
  transfer: TransferView;
  actions: Actions;
  canAccept: boolean;
  onAccept(t: TransferView): void;
  onDecline(t: TransferView): void;
  onRejoin(): void;
}

export function IncomingTransferCard({ transfer: t, actions, canAccept, onAccept, onDecline, onRejoin }: Props) {
  const now = useNow(250);
  const room = useCallRoom();
  const a = t.fromAgent.name;
  const callAge = t.call.answeredAt ? formatDuration(msSince(t.call.answeredAt, now)) : null;
  const accepting = actions.isPending(`accept-${t.id}`);
  const declining = actions.isPending(`decline-${t.id}`);

  if (t.state === 'ringing') {
    const total = Math.max(1, Date.parse(t.ringDeadline) - Date.parse(t.requestedAt));
    const left = Math.max(0, Date.parse(t.ringDeadline) - now);
    const pct = Math.round((left / total) * 100);
    const blind = t.mode === 'blind';
    const caller = speakable(t.call.callerName) || 'no name given';
    return (
      <article
        className={`card incoming incoming-ringing ${blind ? 'incoming-blind' : ''}`}
        data-testid="incoming-transfer"
        data-transfer-id={t.id}
        data-state={t.state}
        data-mode={t.mode}
      >
        <header className="incoming-head">
          <span className="bell" aria-hidden>
            <Icon name="bell" size={30} />
          </span>
          <div>
            <h2>{blind ? `Blind transfer from ${a}` : `Incoming transfer from ${a}`}</h2>
            <p className="muted">
              Answer within <strong className="timer">{Math.ceil(left / 1000)} s</strong>
            </p>
          </div>
        </header>
        <div className="progress progress-countdown" role="progressbar" aria-label="Time left to answer" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100}>
          <div className={`progress-bar ${pct < 30 ? 'late' : ''}`} style={{ width: `${pct}%` }} />
        </div>
        {blind && (
          <p className="banner banner-info" data-testid="incoming-blind">
            <Icon name="info" /> <strong>Blind transfer: you will be talking to the caller as soon as you accept.</strong> {a} has already left the
            call; the caller is on hold until then. If you decline, the caller goes back to the front of the queue.
          </p>
        )}
        <dl className="facts">
          <dt>Caller</dt>
          <dd>
            <strong>{t.call.callerName}</strong>
          </dd>
          <dt>Reason</dt>
          <dd>{t.call.reason || <span className="muted">—</span>}</dd>
          {callAge && (
            <>
              <dt>On the call for</dt>
              <dd className="timer">{callAge}</dd>
            </>
          )}
          {t.notes && (
            <>
              <dt>Note from {a}</dt>
              <dd>{t.notes}</dd>
            </>
          )}
        </dl>
        <SummaryBlock summary={t.summary} testId="incoming-summary" />
        <div className="row">
          <button
            data-testid="incoming-accept"
            className="btn btn-call btn-big"
            disabled={!canAccept || accepting || declining}
            aria-label={blind ? `Accept and talk to the caller, ${caller}` : `Accept transfer from ${a}`}
            onClick={() => onAccept(t)}
          >
            {accepting ? (
              <>
                <span className="spinner" aria-hidden /> {blind ? 'Taking the call…' : 'Joining…'}
              </>
            ) : (
              <>
                <Icon name="check" /> {blind ? 'Accept and talk to the caller' : 'Accept'}
              </>
            )}
          </button>
          <button
            data-testid="incoming-decline"
            className="btn btn-ghost-danger btn-big"
            disabled={accepting || declining}
            aria-label={`Decline transfer from ${a}`}
            onClick={() => onDecline(t)}
          >
            {declining ? <span className="spinner" aria-hidden /> : <Icon name="x" />} Decline
          </button>
        </div>
      </article>
    );
  }

  // consulting: A talks to B (caller held), to the caller (B held) or to both
  const connected = room.status === 'connected' || room.status === 'reconnecting';
  const caller = t.call.callerName || 'The caller';
  const leaving = actions.isPending(`leave-${t.id}`);
  const [headline, explain] =
    t.talkTo === 'caller'
      ? [`On hold — ${a} is talking to ${caller}`, `You cannot hear them and they cannot hear you until ${a} comes back to you.`]
      : t.talkTo === 'both'
        ? [`Conference with ${a} and ${caller}`, `${caller}, ${a} and you all hear each other.`]
        : [`Consultation with ${a} — caller on hold`, `${caller} cannot hear you yet. When ${a} completes the transfer, you will be talking to them.`];
  return (
    <article className="card incoming incoming-consulting" data-testid="incoming-transfer" data-transfer-id={t.id} data-state={t.state}>
      <header className="call-card-head">
        <div>
          <h2>{headline}</h2>
          <p className="muted">
            {t.call.callerName}
            {t.call.reason ? ` · “${t.call.reason}”` : ''}
          </p>
        </div>
        <div className="call-card-status">
          <span className="badge badge-lg badge-transferring">Consulting</span>
          {t.acceptedAt && <span className="timer timer-lg">{formatDuration(msSince(t.acceptedAt, now))}</span>}
        </div>
      </header>
      <p className="muted small" role="status" aria-live="polite" data-testid="consult-words" data-talk-to={t.talkTo}>
        {explain}
      </p>
      <ParticipantsStrip />
      {!connected && (
        <div className="banner banner-warn">
          {room.status === 'connecting' ? (
            <>
              <span className="spinner spinner-small" aria-hidden /> Connecting audio…
            </>
          ) : room.dropReason === 'elsewhere' ? (
            <>
              <Icon name="alert" /> This call's audio is in another tab of yours.{' '}
              <button className="btn btn-small btn-primary" data-testid="use-this-tab" onClick={onRejoin}>
                Use this tab
              </button>
            </>
          ) : (
            <>
              <Icon name="alert" /> Your audio is not connected.{' '}
              <button className="btn btn-small btn-primary" onClick={onRejoin}>
                Reconnect audio
              </button>
            </>
          )}
        </div>
      )}
      {connected && !room.canPlayAudio && (
        <button className="btn btn-secondary" onClick={() => void callRoom.startAudio()}>
          <Icon name="volume" /> Click to hear the call
        </button>
      )}
      {room.micError && <p className="banner banner-warn">{room.micError}</p>}
      {t.notes && (
        <p className="small">
          <span className="muted">Note from {a}:</span> {t.notes}
        </p>
      )}
      <SummaryBlock summary={t.summary} testId="incoming-summary" />
      <div className="controls">
        <MuteButton connected={connected} />
        {t.state === 'consulting' && (
          <button
            type="button"
            data-testid="consult-leave"
            className="btn btn-ghost-danger"
            disabled={leaving}
            aria-label={`Leave consultation: give the caller back to ${a}`}
            onClick={() => void actions.run(`leave-${t.id}`, () => api.leaveTransfer(t.id), 'Could not leave the consultation')}
          >
            {leaving ? <span className="spinner" aria-hidden /> : <Icon name="leave" />} Leave consultation
          </button>
        )}
      </div>
    </article>
  );
}
