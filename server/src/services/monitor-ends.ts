// Monitors end with their call, or when the call leaves the agent they were monitoring (handed
// over after a transfer, or back to the queue). Called by apply-events.ts in the same
// transaction that changes the call, so the record never shows a monitor of a call that moved on.
import { supervisorIdentity } from '../livekit/media.js';
import { addCallEvent } from '../store/calls-repo.js';
import type { Queryable } from '../store/db.js';
import { endStaleMonitors } from '../store/monitors-repo.js';

/** Ends what no longer applies; returns the LiveKit identities to take out of the room (and coach room). */
export async function endMonitorsAfter(q: Queryable, call: { id: string; state: string; agentId: string | null }): Promise<string[]> {
  const ended = await endStaleMonitors(q, call);
  for (const m of ended) await addCallEvent(q, call.id, 'monitor_ended', { supervisorId: m.supervisorId, mode: m.mode, reason: m.reason });
  return ended.map((m) => supervisorIdentity(m.supervisorId));
}
