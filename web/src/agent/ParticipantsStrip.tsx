import { useCallRoom } from '../shared/livekit';

/**
 * Who is in the LiveKit room with me, with a speaking indicator. "On hold" is the server's
 * doing (a consultation where A talks to the caller), unlike mute, so it is said apart.
 */
export function ParticipantsStrip() {
  const room = useCallRoom();
  if (room.status !== 'connected' && room.status !== 'reconnecting') return null;
  return (
    <ul className="participants" aria-label="On the line">
      <li className={`participant me ${room.localSpeaking && !room.muted ? 'speaking' : ''}`}>
        <span className="dot" aria-hidden /> You{!room.canPublish ? ' (on hold: nobody hears you)' : room.muted ? ' (muted)' : ''}
      </li>
      {room.peers.map((p) => (
        <li key={p.identity} className={`participant ${p.speaking ? 'speaking' : ''}`}>
          <span className="dot" aria-hidden /> {p.name}
        </li>
      ))}
    </ul>
  );
}
