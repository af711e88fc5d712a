// While the caller waits: about how long it may take, and, plainly, when no agent is signed in
// at all, with the choice to keep waiting (the call stays in the queue) or hang up and call later.
import { useState } from 'react';
import type { CallerCallView } from '../shared/types';

/** "about 3 minutes", "less than a minute". */
export function roughWait(s: number): string {
  if (s < 60) return 'less than a minute';
  const min = Math.round(s / 60);
  if (min < 60) return `about ${min} minute${min === 1 ? '' : 's'}`;
  const h = Math.round(min / 30) / 2;
  return `about ${h} hour${h === 1 ? '' : 's'}`;
}

export function WaitOutlook({ call, onHangup }: { call: CallerCallView; onHangup(): void }) {
  const [keepWaiting, setKeepWaiting] = useState(false);
  if (!call.agentSignedIn) {
    return (
      <div className="wait-outlook no-agents" data-testid="no-agents" role="status">
        <p>
          <strong>No agent is signed in right now.</strong>{' '}
          {keepWaiting
            ? 'You are still in the queue: the first agent who signs in will answer you.'
            : 'You can keep waiting — you stay in the queue and the first agent who signs in answers — or hang up and call again later.'}
        </p>
        {!keepWaiting && (
          <div className="row wait-choices">
            <button type="button" className="btn btn-secondary" data-testid="keep-waiting" onClick={() => setKeepWaiting(true)}>
              Keep waiting
            </button>
            <button type="button" className="btn btn-ghost" onClick={onHangup}>
              Hang up and call later
            </button>
          </div>
        )}
      </div>
    );
  }
  if (call.estimatedWaitS === null) {
    return (
      <p className="wait-outlook" data-testid="estimated-wait" data-seconds="">
        {call.agentAvailable ? 'An agent should answer shortly.' : 'All our agents are busy; you will be answered as soon as one is free.'}
      </p>
    );
  }
  return (
    <p className="wait-outlook" data-testid="estimated-wait" data-seconds={call.estimatedWaitS}>
      Estimated wait: <strong>{roughWait(call.estimatedWaitS)}</strong>
      {call.agentAvailable ? '' : ' · all agents are busy'}
    </p>
  );
}
