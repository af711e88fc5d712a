import { presenceText } from '../shared/format';
import type { Presence } from '../shared/types';

const ORDER = { available: 0, on_call: 1, wrap_up: 2, away: 3, offline: 4 } as const;

export function PresencePanel({ agents, myId }: { agents: Presence[]; myId: string }) {
  const colleagues = agents.filter((a) => a.id !== myId).sort((a, b) => ORDER[a.status] - ORDER[b.status] || a.name.localeCompare(b.name));
  const available = colleagues.filter((a) => a.status === 'available').length;
  return (
    <section className="panel">
      <h2>
        Colleagues <span className="count">{available} available</span>
      </h2>
      <ul className="agents-list" data-testid="agents-list">
        {colleagues.length === 0 && <li className="empty">No colleagues yet.</li>}
        {colleagues.map((a) => (
          <li key={a.id} className="agent-presence" data-testid="agent-presence" data-agent-id={a.id} data-status={a.status}>
            <span className={`presence-dot presence-${a.status}`} aria-hidden />
            <span className="name">{a.name}</span>
            <span className={`badge badge-${a.status} badge-small`}>{presenceText(a)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
