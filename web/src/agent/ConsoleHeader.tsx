import { RoomIndicator } from '../shared/RoomIndicator';
import { useCallRoom } from '../shared/livekit';
import type { Agent, StatusChoice } from '../shared/types';
import { AlertsToggle } from './AlertsToggle';
import { ShortcutHelp } from './ShortcutHelp';
import { StatusControl } from './StatusControl';
import type { LiveState } from './useAgentData';

interface Props {
  agent: Agent;
  live: LiveState;
  statusPending: boolean;
  onStatus(choice: StatusChoice): void;
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
      {agent.role === 'supervisor' && (
        <a className="btn btn-ghost" href="/agent/supervisor" data-testid="supervisor-board-link">
          Supervisor board
        </a>
      )}
      <AlertsToggle />
      <ShortcutHelp />
      <StatusControl agent={agent} pending={statusPending} onChoose={onStatus} />
      <button data-testid="logout-button" className="btn btn-ghost" onClick={onLogout}>
        Sign out
      </button>
    </header>
  );
}
