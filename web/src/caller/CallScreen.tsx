import { Icon, type IconName } from '../shared/Icon';
import type { ReactNode } from 'react';
import { callRoom, useCallRoom } from '../shared/livekit';
import { formatDuration, msSince } from '../shared/format';
import type { CallerCallView } from '../shared/types';
import { useNow } from '../shared/useNow';
import { WaitOutlook } from './WaitOutlook';

interface Props {
  connecting: boolean;
  call: CallerCallView | null;
  hangingUp: boolean;
  error: string | null;
  onHangup(): void;
}

export function CallScreen({ connecting, call, hangingUp, error, onHangup }: Props) {
  const now = useNow(1000);
  const room = useCallRoom();
  const state = call?.state ?? 'waiting';

  let icon: IconName;
  let headline: ReactNode;
  let sub: ReactNode = null;
  if (connecting && !call) {
    icon = 'phone';
    headline = 'Connecting…';
    sub = 'Setting up your call.';
  } else if (state === 'waiting') {
    icon = 'hourglass';
    headline =
      call?.queuePosition != null ? (
        <>
          Waiting for an agent — you are number <span data-testid="queue-position">{call.queuePosition}</span> in the
          queue
        </>
      ) : (
        <>Waiting for an agent…</>
      );
    sub = `You have been waiting ${formatDuration(msSince(call?.createdAt, now))}. Please stay on the line.`;
  } else if (state === 'on_hold') {
    icon = 'pause';
    headline = 'On hold — please stay on the line';
    sub = 'We will be right back with you.';
  } else if (call?.agentReconnecting) {
    icon = 'pause';
    headline = 'One moment — your agent is reconnecting';
    sub = 'Please stay on the line.';
  } else {
    icon = 'headset';
    headline = (
      <>
        Talking to <span data-testid="agent-name">{call?.agentName ?? 'an agent'}</span>
      </>
    );
  }

  const answered = call?.answeredAt != null;
  const dataState = connecting && !call ? 'connecting' : state;

  return (
    <section className={`card call-screen state-${dataState}`}>
      <div className="call-visual" aria-hidden>
        <div className={`pulse pulse-${dataState}`}>
          <Icon name={icon} size={40} />
        </div>
      </div>
      <p className="call-status" data-testid="call-status" role="status" aria-live="polite">
        {headline}
      </p>
      {sub && <p className="muted center">{sub}</p>}
      {state === 'waiting' && call && <WaitOutlook call={call} onHangup={onHangup} />}
      {answered && (
        <p className="call-timer-line">
          <span className="muted">Call time</span>{' '}
          <span data-testid="call-timer" className="timer">
            {formatDuration(msSince(call?.answeredAt, now))}
          </span>
        </p>
      )}
      {room.status === 'reconnecting' && <p className="alert alert-warn">Connection unstable — reconnecting…</p>}
      {room.micError && <p className="alert alert-warn">{room.micError}</p>}
      {error && <p className="alert alert-error">{error}</p>}
      {!room.canPlayAudio && (
        <button className="btn btn-secondary" onClick={() => void callRoom.startAudio()}>
          <Icon name="volume" /> Tap to hear the call
        </button>
      )}
      <div className="controls">
        <button
          data-testid="mute-button"
          className={`btn btn-round ${room.muted ? 'btn-warn' : 'btn-secondary'}`}
          aria-pressed={room.muted}
          onClick={() => callRoom.setMuted(!room.muted)}
          disabled={room.status !== 'connected' && room.status !== 'reconnecting'}
          title={room.muted ? 'Unmute your microphone' : 'Mute your microphone'}
        >
          <Icon name={room.muted ? 'micOff' : 'mic'} /> {room.muted ? 'Unmute' : 'Mute'}
        </button>
        <button
          data-testid="hangup-button"
          className="btn btn-round btn-danger"
          onClick={onHangup}
          disabled={hangingUp}
          title="Hang up"
        >
          {hangingUp ? <span className="spinner" aria-hidden /> : <Icon name="hangup" />} Hang up
        </button>
      </div>
    </section>
  );
}
