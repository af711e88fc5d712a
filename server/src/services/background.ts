// The work no request does: ring timeouts, reconnect grace periods, ringing transfers to
// agents who went offline, wrap-ups past their time, rooms whose media may differ from the record, and the periodic
// reconcile of every live room. Every instance
// runs the fast loop (row locks make each outcome happen once); the full reconcile runs on
// the instance holding a lease, so its cost does not grow with the number of instances.
import { forgetOldWebhooks, tryLease } from '../store/members-repo.js';
import type { Deps } from './deps.js';
import { INSTANCE_ID } from './media-sync.js';
import { followPhoneLegs } from './phone-legs.js';
import { endTransfersToOfflineTargets } from './presence.js';
import { settleDepartures } from './room-events.js';
import { timeOutOverdueTransfers } from './transfers.js';
import { endOverdueWrapUps } from './wrap-ups.js';

export interface BackgroundOptions {
  /** Ring timeouts, departures, dirty rooms. 0 turns the loop off (tests that drive time). */
  tickMs: number;
}

export function startBackground(deps: Deps, opts: BackgroundOptions): () => Promise<void> {
  const { log } = deps;
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const guard = (name: string, fn: () => Promise<unknown>) =>
    fn().catch((err) => {
      if (!stopped) log.warn({ err }, `${name} failed`);
    });

  let busy = false;
  const tick = async () => {
    if (busy || stopped) return; // a slow tick (LiveKit stalled) is never stacked
    busy = true;
    try {
      await guard('transfer sweeper', () => timeOutOverdueTransfers(deps));
      await guard('departures', () => settleDepartures(deps));
      await guard('offline targets', () => endTransfersToOfflineTargets(deps));
      await guard('wrap-ups', () => endOverdueWrapUps(deps)); // WRAP_UP_TIMEOUT_S passed: Available again
      await guard('dirty rooms', () => deps.mediaSync.retryDirty());
      await guard('phone legs', () => followPhoneLegs(deps)); // a hang-up lost with an event or a failed REST call

    } finally {
      busy = false;
    }
  };

  let reconciling = false;
  const reconcile = async (force: boolean) => {
    if (reconciling || stopped) return;
    reconciling = true;
    try {
      const intervalS = deps.config.media.reconcileIntervalS;
      if (force || (await tryLease(deps.db, 'reconciler', INSTANCE_ID, intervalS + 5))) {
        const r = await deps.mediaSync.reconcileAll();
        if (r.fixes) log.info(r, 'reconciled live rooms');
        await forgetOldWebhooks(deps.db, 24 * 3600);
      }
    } finally {
      reconciling = false;
    }
  };

  const timers: NodeJS.Timeout[] = [];
  if (opts.tickMs > 0) {
    timers.push(setInterval(() => (running = tick()), opts.tickMs));
    // Start-up: whatever happened while no API was running, LiveKit now follows the record.
    running = guard('start-up reconcile', () => reconcile(true));
    timers.push(setInterval(() => void guard('reconcile', () => reconcile(false)), deps.config.media.reconcileIntervalS * 1000));
  }
  return async () => {
    stopped = true;
    for (const t of timers) clearInterval(t);
    await running.catch(() => undefined);
  };
}
