// Wrap-up (after-call work). An agent whose part in a call ends — the call ended while theirs, or
// they handed it over — is in wrap_up: not offered calls or transfers, their notes still on
// screen, until they give a disposition (POST /api/calls/{id}/wrapup) or WRAP_UP_TIMEOUT_S
// passes. Presence ends at the deadline by itself (store/agents-repo.ts reads the deadline);
// the sweep below closes the row and tells the consoles, on every instance, once per row.
//
// A disposition is given once per wrap-up: the same one again (a double click) answers 200 and
// changes nothing, a different one 409. A wrap-up that ended without one (the timeout, or
// WRAP_UP_TIMEOUT_S=0) still takes one later, so no disposition is lost to the clock.
import { AppError, notFound } from '../errors.js';
import { getAgentPresence } from '../store/agents-repo.js';
import { addCallEvent, getCall } from '../store/calls-repo.js';
import type { Queryable } from '../store/db.js';
import * as wrapUps from '../store/wrap-ups-repo.js';
import type { Deps } from './deps.js';

/** Inside the transaction that ended the agent's part (services/apply-events.ts). */
export async function beginWrapUp(q: Queryable, callId: string, agentId: string, notes: string) {
  for (const old of await wrapUps.startWrapUp(q, callId, agentId, notes)) {
    await addCallEvent(q, old.callId, 'wrapped_up', { agentId, by: 'replaced' });
  }
}

/** The agent is in wrap-up now (the one presence query says so): they take no call from the queue. */
export async function assertNotInWrapUp(deps: Deps, q: Queryable, agentId: string) {
  const me = await getAgentPresence(q, agentId, deps.config.wrapUp.timeoutS);
  if (me?.engagement.kind === 'wrap_up') {
    throw new AppError('call_conflict', 'Finish the wrap-up of your last call first: choose a disposition and press Done.');
  }
}

export async function submitWrapUp(
  deps: Deps,
  agent: { agentId: string; name: string },
  callId: string,
  input: { disposition: string; notes?: string },
) {
  if (!deps.config.wrapUp.dispositions.includes(input.disposition)) {
    throw new AppError('validation_failed', `disposition must be one of: ${deps.config.wrapUp.dispositions.join(', ')}.`);
  }
  // Only the wrap-up row is locked, never the call: the sweep does the same, so neither waits
  // for a call lock while holding a wrap-up (a call's own transaction may start a wrap-up).
  const result = await deps.db.tx(async (q) => {
    if (!(await getCall(q, callId))) throw notFound('call', callId);
    const w = await wrapUps.latestWrapUp(q, callId, agent.agentId, { forUpdate: true });
    if (!w) throw new AppError('forbidden', 'Only an agent who had this call can wrap it up.');
    if (w.disposition !== null) {
      if (w.disposition === input.disposition && (input.notes === undefined || input.notes === w.notes)) return { w, changed: false };
      throw new AppError('call_conflict', `This call is already wrapped up as "${w.disposition}".`);
    }
    const done = await wrapUps.finishWrapUp(q, w.id, { endedBy: 'agent', disposition: input.disposition, notes: input.notes ?? w.notes });
    const detail = { agentId: agent.agentId, agentName: agent.name, disposition: input.disposition };
    await addCallEvent(q, callId, w.doneAt ? 'disposition_set' : 'wrapped_up', detail); // by the agent (others say by: timeout/replaced)
    return { w: done, changed: true };
  });
  if (result.changed) await deps.bus.publish({ type: 'agents', callId }, { type: 'call', callId });
  return result.w;
}

/** Notes typed during wrap-up go to the wrap-up (and to the call while it is still the agent's). */
export async function saveWrapUpNotes(q: Queryable, agentId: string, callId: string, notes: string): Promise<boolean> {
  const open = await wrapUps.openWrapUp(q, agentId);
  if (!open || open.callId !== callId) return false;
  await wrapUps.setWrapUpNotes(q, open.id, notes);
  return true;
}

/** The sweep (services/background.ts): every wrap-up past WRAP_UP_TIMEOUT_S ends, agents are Available. */
export async function endOverdueWrapUps(deps: Deps): Promise<number> {
  const { timeoutS } = deps.config.wrapUp;
  const ended = await deps.db.tx(async (q) => {
    const rows = await wrapUps.endOverdueWrapUps(q, timeoutS);
    // With wrap-up off (0) the rows only hold a later disposition: no timeline noise.
    if (timeoutS > 0) for (const r of rows) await addCallEvent(q, r.callId, 'wrapped_up', { agentId: r.agentId, by: 'timeout' });
    return rows;
  });
  if (ended.length) await deps.bus.publish(...ended.flatMap((r) => [{ type: 'agents' as const, agentId: r.agentId }, { type: 'call' as const, callId: r.callId }]));
  return ended.length;
}
