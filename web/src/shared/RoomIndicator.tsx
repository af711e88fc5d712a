import type { RoomSnapshot } from './livekit';

const LABEL: Record<RoomSnapshot['status'], string> = {
  idle: 'Audio idle',
  connecting: 'Connecting audio…',
  connected: 'Audio connected',
  reconnecting: 'Reconnecting audio…',
  disconnected: 'Audio disconnected',
};

/** Small "is my audio connected" pill; also the `room-connection` test hook. */
/** showPeers: how many are on the line (the console); the caller page never says (it would hint at a consultation). */
export function RoomIndicator({ room, showPeers = true }: { room: RoomSnapshot; showPeers?: boolean }) {
  const connected = room.status === 'connected';
  return (
    <span
      className={`room-pill room-${room.status}`}
      data-testid="room-connection"
      data-connected={connected ? 'true' : 'false'}
      title={room.error ?? LABEL[room.status]}
    >
      <span className="dot" aria-hidden />
      {LABEL[room.status]}
      {showPeers && connected && room.peers.length > 0 && <span className="muted"> · {room.peers.length + 1} on the line</span>}
    </span>
  );
}
