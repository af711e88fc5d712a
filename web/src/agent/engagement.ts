// What this agent is engaged in is the server's word: GET /api/agents/me `engagement`, decided
// by the same query as their presence (server/src/store/agents-repo.ts). The console only reads it.
import type { CallView, Me } from '../shared/types';

/**
 * The call whose room this agent belongs in: on a call, consulting (B) or introducing (A).
 * Null when idle or only being rung (a ringing transfer does not stop them taking a call).
 */
export function engagedCall(me: Me | null): CallView | null {
  const e = me?.engagement;
  return e && 'call' in e ? e.call : null;
}
