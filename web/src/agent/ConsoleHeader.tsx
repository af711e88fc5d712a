import { RoomIndicator } from '../shared/RoomIndicator';
import { PRESENCE_LABEL } from '../shared/format';
import { useCallRoom } from '../shared/livekit';
import type { Agent } from '../shared/types';
import type { LiveState } from './useAgentData';

interface Props {
  agent: Agent;
  live: LiveState;
  statusPending: boolean;
  onStatus(s: 'available' | 'away'): void;
  onLogout(): void;
}

export function ConsoleHeader({ agent, live, statusPending, onStatus, onLogout }: Props) {
  const room = useCallRoom();
  return (
    <header className="console-header">
      <span className="brand">
        <span className="brand-dot" aria-hidden /> Warmline <span className="muted">agent console</span>
      </span>
      <span className={`live-pill live-${live}`} title="Real-time updates from the server">
        <span className="dot" aria-hidden />
        {live === 'live' ? 'Live' : live === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
      </span>
      <RoomIndicator room={room} />
      <span className="spacer" />
      <span className="me">
        <span className="avatar" aria-hidden>
          {agent.name.slice(0, 1).toUpperCase()}
        </span>
        <span>
          <strong>{agent.name}</strong>
          <small className="muted block">{agent.email}</small>
        </span>
      </span>
      <span className={`badge badge-${agent.status}`}>{PRESENCE_LABEL[agent.status]}</span>
      <label className="status-select">
        <span className="sr-only">My status</span>
        <select
          data-testid="agent-status"
          value={agent.status === 'away' ? 'away' : 'available'}
          disabled={statusPending}
          onChange={(e) => onStatus(e.target.value === 'away' ? 'away' : 'available')}
        >
          <option value="available">Available</option>
          <option value="away">Away</option>
        </select>
      </label>
      <button data-testid="logout-button" className="btn btn-ghost" onClick={onLogout}>
        Sign out
      </button>
    </header>
  );
}
