import { RoomIndicator } from '../shared/RoomIndicator';
import { useCallRoom } from '../shared/livekit';
import { CallEnded } from './CallEnded';
import { CallForm } from './CallForm';
import { CallScreen } from './CallScreen';
import { useCallerCall } from './useCallerCall';

export function CallerPage() {
  const c = useCallerCall();
  const room = useCallRoom();
  const dataState = c.phase === 'idle' ? 'idle' : c.phase === 'connecting' && !c.call ? 'connecting' : (c.call?.state ?? (c.phase === 'ended' ? 'ended' : 'connecting'));

  return (
    <div className="caller-page">
      <header className="caller-header">
        <span className="brand">
          <span className="brand-dot" aria-hidden /> Warmline
        </span>
        <RoomIndicator room={room} showPeers={false} />
      </header>
      <main className="caller-main" data-testid="call-state" data-state={dataState}>
        {c.phase === 'idle' && (
          <CallForm
            busy={false}
            error={c.error}
            initialName={c.lastName}
            initialReason={c.lastReason}
            initialQueueId={c.lastQueueId}
            onCall={c.start}
          />
        )}
        {(c.phase === 'connecting' || c.phase === 'in_call') && (
          <CallScreen
            connecting={c.phase === 'connecting'}
            call={c.call}
            hangingUp={c.hangingUp}
            error={c.error}
            onHangup={c.hangup}
          />
        )}
        {c.phase === 'ended' && <CallEnded call={c.call} onAgain={c.reset} />}
        <div
          className={`hold-music ${c.musicPlaying ? 'on' : ''}`}
          data-testid="hold-music"
          data-playing={c.musicPlaying ? 'true' : 'false'}
          aria-hidden={!c.musicPlaying}
        >
          <span className="eq" aria-hidden>
            <i />
            <i />
            <i />
          </span>
          Hold music playing
        </div>
      </main>
    </div>
  );
}
