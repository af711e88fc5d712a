// The supervisor board (/agent/supervisor): every queue, agent and live call at a glance, with
// ticking timers, kept fresh by the event stream; per live call Listen / Whisper / Barge / Stop.
import { MONITOR_MODES, type EngagementKind, type MonitorMode } from '@warmline/contract';
import { useEffect, useState } from 'react';
import { LoginForm } from '../agent/LoginForm';
import { api } from '../shared/api';
import { Icon } from '../shared/Icon';
import { CALL_STATE_LABEL, formatDuration, presenceText } from '../shared/format';
import { useNow } from '../shared/useNow';
import type { Me } from '../shared/types';
import type { BoardAgent, BoardCall, BoardQueue } from './api';
import { useBoard } from './useBoard';
import { useMonitor } from './useMonitor';
import './supervisor.css';

export const MODE_LABEL: Record<MonitorMode, string> = { listen: 'Listen', whisper: 'Whisper', barge: 'Barge' };
const MODE_HELP: Record<MonitorMode, string> = {
  listen: 'Hear the caller and the agent; nobody hears you, and the caller’s app does not show you',
  whisper: 'Only the agent hears you; the caller never does',
  barge: 'Join the call: the caller and the agent hear you',
};
const MODE_NOW: Record<MonitorMode, string> = { listen: 'Listening', whisper: 'Whispering to the agent', barge: 'On the call' };
const ENGAGEMENT_LABEL: Record<EngagementKind, string> = {
  idle: 'Idle',
  ringing: 'Transfer ringing',
  on_call: 'On a call',
  consulting: 'Consulting',
  introducing: 'Introducing',
  wrap_up: 'Wrap-up',
};

export function SupervisorPage() {
  const { state, refresh } = useBoard();
  const [me, setMe] = useState<Me | null>(null);
  const now = useNow(1000);
  const board = state.kind === 'ready' ? state.board : null;
  const monitor = useMonitor(board, me?.agent.id ?? null);

  useEffect(() => {
    if (state.kind === 'ready' && !me) void api.me().then(setMe).catch(() => undefined);
  }, [state.kind, me]);

  if (state.kind === 'loading') return <p className="sv-loading">Loading the board…</p>;
  if (state.kind === 'signed_out') return <LoginForm onSignedIn={() => void refresh()} />;
  if (state.kind === 'forbidden') {
    return (
      <div className="sv-page">
        <p role="alert" data-testid="supervisor-forbidden">
          The supervisor board is for supervisors. <a href="/agent">Back to the agent console</a>
        </p>
      </div>
    );
  }
  if (state.kind === 'error') return <p role="alert">{state.message}</p>;
  const serverNow = now + state.skewMs;
  const since = (iso: string | null | undefined) => (iso ? formatDuration(serverNow - Date.parse(iso)) : '—');
  const { board: b } = state;

  return (
    <div className="sv-page">
      <header className="console-header">
        <span className="brand">
          <span className="brand-dot" aria-hidden /> Warmline <span className="muted">supervisor board</span>
        </span>
        <span className={`live-pill live-${state.live ? 'live' : 'connecting'}`} data-testid="board-live">
          <span className="dot" aria-hidden />
          {state.live ? 'Live' : 'Connecting…'}
        </span>
        <span className="spacer" />
        {monitor.current && (
          <span className={`sv-now sv-mode-${monitor.current.mode}`} data-testid="monitor-now" role="status">
            {MODE_NOW[monitor.current.mode]} · {b.calls.find((c) => c.id === monitor.current?.callId)?.callerName ?? 'call'}
            {monitor.room.status !== 'connected' && monitor.room.status !== 'connecting' && ' · audio not connected (press the mode again)'}
          </span>
        )}
        <a className="btn btn-ghost" href="/agent">
          Agent console
        </a>
      </header>
      {monitor.error && (
        <p className="banner banner-error" role="alert" data-testid="monitor-error">
          {monitor.error}
        </p>
      )}
      <main className="sv-main">
        <section className="card sv-section sv-queues-section" aria-labelledby="sv-queues">
          <h2 id="sv-queues">
            Queues <span className="muted">({b.queues.reduce((n, q) => n + q.waiting, 0)} waiting)</span>
          </h2>
          <ul className="sv-queues" data-testid="board-queues">
            {b.queues.map((q) => (
              <QueueTile key={q.id} queue={q} since={since} />
            ))}
          </ul>
        </section>
        <section className="card sv-section" aria-labelledby="sv-calls">
          <h2 id="sv-calls">
            Live calls <span className="muted">({b.calls.length})</span>
          </h2>
          {b.calls.length === 0 ? (
            <p className="muted">No live calls.</p>
          ) : (
            <table className="sv-table" data-testid="board-calls">
              <thead>
                <tr>
                  <th scope="col">Caller</th>
                  <th scope="col">Queue</th>
                  <th scope="col">State</th>
                  <th scope="col">Agent</th>
                  <th scope="col">Time</th>
                  <th scope="col">Transfer</th>
                  <th scope="col">Monitored by</th>
                  <th scope="col">Monitor</th>
                </tr>
              </thead>
              <tbody>
                {b.calls.map((c) => (
                  <CallRow key={c.id} call={c} since={since} myId={me?.agent.id ?? null} monitor={monitor} />
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section className="card sv-section" aria-labelledby="sv-agents">
          <h2 id="sv-agents">
            Agents <span className="muted">({b.agents.length})</span>
          </h2>
          <table className="sv-table" data-testid="board-agents">
            <thead>
              <tr>
                <th scope="col">Agent</th>
                <th scope="col">Presence</th>
                <th scope="col">Doing</th>
                <th scope="col">For</th>
              </tr>
            </thead>
            <tbody>
              {b.agents.map((a) => (
                <AgentRow key={a.id} agent={a} since={since} />
              ))}
            </tbody>
          </table>
        </section>
      </main>
    </div>
  );
}

function QueueTile({ queue: q, since }: { queue: BoardQueue; since: (iso: string | null) => string }) {
  // Calls wait and nobody can take them: said in words and with an icon, not by colour alone.
  const unstaffed = q.waiting > 0 && q.availableAgents === 0;
  return (
    <li className={`sv-queue${unstaffed ? ' sv-queue-unstaffed' : ''}`} data-testid={`board-queue-${q.id}`} data-unstaffed={unstaffed ? 'true' : undefined}>
      <h3>{q.name}</h3>
      {unstaffed && (
        <p className="sv-queue-alert" data-testid="queue-unstaffed">
          <Icon name="alert" size={16} /> No agent available
        </p>
      )}
      <dl>
        <div>
          <dt>Waiting</dt>
          <dd data-testid="queue-waiting">{q.waiting}</dd>
        </div>
        <div>
          <dt>Longest wait</dt>
          <dd className="sv-timer" data-testid="queue-longest">
            {q.oldestQueuedAt ? since(q.oldestQueuedAt) : '—'}
          </dd>
        </div>
        <div>
          <dt>Available</dt>
          <dd data-testid="queue-available">{q.availableAgents}</dd>
        </div>
        <div>
          <dt>Signed in</dt>
          <dd data-testid="queue-signed-in">{q.signedIn}</dd>
        </div>
      </dl>
    </li>
  );
}

function AgentRow({ agent, since }: { agent: BoardAgent; since: (iso: string | null) => string }) {
  return (
    <tr data-testid={`board-agent-${agent.name}`}>
      <th scope="row">
        {agent.name}
        {agent.role === 'supervisor' && <small className="muted"> (supervisor)</small>}
      </th>
      <td>
        <span className={`sv-status sv-status-${agent.status}`}>{presenceText(agent)}</span>
      </td>
      <td>{ENGAGEMENT_LABEL[agent.engagement]}</td>
      <td className="sv-timer" data-testid="agent-time">
        {since(agent.since)}
      </td>
    </tr>
  );
}

function CallRow({
  call,
  since,
  myId,
  monitor,
}: {
  call: BoardCall;
  since: (iso: string | null) => string;
  myId: string | null;
  monitor: ReturnType<typeof useMonitor>;
}) {
  const mine = monitor.current?.callId === call.id ? monitor.current.mode : null;
  const canMonitor = (call.state === 'active' || call.state === 'on_hold') && !!call.agentId;
  const others = call.monitors.filter((m) => m.supervisorId !== myId);
  const t = call.transfer;
  return (
    <tr data-testid={`board-call-${call.callerName}`} data-call-id={call.id} className={mine ? 'sv-row-monitored' : undefined}>
      <th scope="row">
        {call.callerName}
        {call.reason && <small className="muted block">{call.reason}</small>}
      </th>
      <td data-testid="call-queue" data-queue-id={call.queueId}>
        {call.queueName}
      </td>
      <td>
        <span className={`sv-state sv-state-${call.state}`}>{CALL_STATE_LABEL[call.state]}</span>
        {call.state === 'on_hold' && (
          <small className="block" data-testid="call-hold">
            held {since(call.heldSince)}
          </small>
        )}
        {call.holdCount > 0 && <small className="muted block">{call.holdCount}× held</small>}
      </td>
      <td>{call.agentName ?? <span className="muted">—</span>}</td>
      <td className="sv-timer" data-testid="call-time">
        {call.state === 'waiting' ? `waiting ${since(call.queuedAt)}` : `talk ${since(call.answeredAt)}`}
      </td>
      <td data-testid="call-transfer">
        {t ? (
          <>
            {t.fromAgentName} → {t.targetName} <small className="block">{t.state.replace('_', ' ')} {since(t.acceptedAt ?? t.requestedAt)}</small>
          </>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td data-testid="call-monitors">
        {call.monitors.length === 0 ? (
          <span className="muted">—</span>
        ) : (
          call.monitors.map((m) => (
            <span key={m.supervisorId} className={`sv-chip sv-mode-${m.mode}`}>
              {m.supervisorId === myId ? 'You' : m.supervisorName}: {MODE_LABEL[m.mode]}
            </span>
          ))
        )}
      </td>
      <td>
        {canMonitor ? (
          <div className="sv-controls" role="group" aria-label={`Monitor ${call.callerName}'s call`}>
            {MONITOR_MODES.map((mode) => (
              <button
                key={mode}
                type="button"
                className={`btn btn-small ${mine === mode ? 'btn-primary' : 'btn-secondary'}`}
                aria-pressed={mine === mode}
                title={MODE_HELP[mode]}
                data-testid={`monitor-${mode}`}
                disabled={monitor.pending !== null}
                onClick={() => void monitor.start(call.id, mode)}
              >
                {MODE_LABEL[mode]}
              </button>
            ))}
            {mine && (
              <button type="button" className="btn btn-small btn-danger" data-testid="monitor-stop" disabled={monitor.pending !== null} onClick={() => void monitor.stop()}>
                Stop
              </button>
            )}
            {others.length > 0 && !mine && <small className="muted block">also: {others.map((o) => o.supervisorName).join(', ')}</small>}
          </div>
        ) : (
          <span className="muted">{call.state === 'waiting' ? 'not answered yet' : '—'}</span>
        )}
      </td>
    </tr>
  );
}
