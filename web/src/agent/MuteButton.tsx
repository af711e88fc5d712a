import { Icon } from '../shared/Icon';
import { callRoom, useCallRoom } from '../shared/livekit';

/** The agent's microphone toggle, the same on a call and in a consultation. */
export function MuteButton({ connected }: { connected: boolean }) {
  const room = useCallRoom();
  return (
    <button
      data-testid="mute-button"
      className={`btn ${room.muted ? 'btn-warn' : 'btn-secondary'}`}
      aria-pressed={room.muted}
      aria-label={`${room.muted ? 'Unmute' : 'Mute'} my microphone`}
      aria-keyshortcuts="m"
      onClick={() => callRoom.setMuted(!room.muted)}
      disabled={!connected}
    >
      <Icon name={room.muted ? 'micOff' : 'mic'} /> {room.muted ? 'Unmute' : 'Mute'}
    </button>
  );
}
