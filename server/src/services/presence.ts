// Presence is true: an agent whose console is gone (no open event stream on any API instance
// for PRESENCE_OFFLINE_AFTER_S; see events/streams.ts and store/migrations/003_presence.sql)
// is offline. A transfer ringing such an agent would ring nobody while the caller sits on hold,
// so it ends at once and the caller goes back to A.
import { ringingTransfersToOfflineTargets } from '../store/agents-repo.js';
import type { Deps } from './deps.js';
import { runTransferEvent } from './transfers.js';

/**
 * Ends every ringing transfer whose target is offline (failed, reason target_offline). Safe on
 * every instance at once: the row locks in runTransferEvent make each end happen once, and a
 * transfer accepted meanwhile is left alone by the state machine. Returns how many it ended.
 */
export async function endTransfersToOfflineTargets(deps: Deps): Promise<number> {
  const ids = await ringingTransfersToOfflineTargets(deps.db);
  let n = 0;
  for (const id of ids) {
    try {
      const t = await runTransferEvent(deps, id, { type: 'target_offline' });
      if (t.state === 'failed' && t.failReason === 'target_offline') n++;
    } catch (err) {
      // One transfer that cannot end now (LiveKit down, say) must not stop the others; the next sweep retries.
      deps.log.warn({ err, transferId: id }, 'could not end a transfer to an offline agent');
    }
  }
  return n;
}
