// Dispositions where calls are looked back at: a badge in the list of recent calls, each agent's
// wrap-up in call details, and the filter of the list.
import type { CallView } from '../shared/types';
import { useDispositions } from './useDispositions';
import './wrap-up.css';

const ENDED_BY = { agent: '', timeout: ' (ended by itself)', replaced: ' (a newer wrap-up began)' } as const;

export function DispositionBadge({ call }: { call: CallView }) {
  if (!call.disposition) return null;
  return (
    <span className="badge badge-small badge-disposition" data-testid="call-disposition">
      {call.disposition}
    </span>
  );
}

export function WrapUpList({ call }: { call: CallView }) {
  if (call.wrapUps.length === 0) return null;
  return (
    <>
      <h3 className="mt">Wrap-up</h3>
      <ul className="wrap-up-list" data-testid="call-wrap-ups">
        {call.wrapUps.map((w) => (
          <li key={w.id}>
            <strong>{w.agent.name}</strong>: {w.disposition ?? (w.doneAt ? 'no disposition' : 'in wrap-up')}
            <span className="muted small">{w.endedBy ? ENDED_BY[w.endedBy] : ''}</span>
            {w.notes && w.notes !== call.notes && <p className="notes-readonly">{w.notes}</p>}
          </li>
        ))}
      </ul>
    </>
  );
}

/** "All" or one disposition (GET /api/calls?disposition=…). */
export function DispositionFilter({ value, onChange }: { value: string; onChange(v: string): void }) {
  const list = useDispositions();
  return (
    <label className="disposition-filter">
      <span className="sr-only">Show calls with disposition</span>
      <select data-testid="recent-disposition-filter" value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">All dispositions</option>
        {list?.dispositions.map((d) => (
          <option key={d} value={d}>
            {d}
          </option>
        ))}
      </select>
    </label>
  );
}
