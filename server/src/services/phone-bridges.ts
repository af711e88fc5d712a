// The phone legs this process carries: one PhoneBridge per Media Stream socket. Each follows the
// record: on every change to its call (the event bus) it reads what its leg should do and sets
// the bridge's mode, or closes it when the record no longer wants the leg. A bridge whose room
// connection drops rejoins with a fresh token while the record wants the leg. When a bridge ends
// for any other reason (the phone hung up, the socket dropped), the record is told.
import type { WebSocket } from 'ws';
import { PhoneBridge, type PhoneBridgeStats } from '../phone/bridge.js';
import type { StartMessage } from '../phone/media-stream.js';
import type { Deps } from './deps.js';
import { hangupCall } from './calls.js';
import { followPhoneLegs, legGrant, modeOf, phoneLegEnded, type StreamGrant } from './phone-legs.js';

interface Carried {
  bridge: PhoneBridge;
  grant: StreamGrant;
  /** The refresh in progress (one at a time per leg), and whether another event came meanwhile. */
  running: Promise<void> | null;
  again: boolean;
}

export interface PhoneBridges {
  attach(grant: StreamGrant, socket: WebSocket, start: StartMessage): Promise<void>;
  /**
   * Shutdown: every leg's stream ends. A specialist's call ends with it (nothing follows its
   * <Connect>); a phone caller's <Connect action> opens the stream again elsewhere (docs/PHONES.md).
   */
  closeAll(): Promise<void>;
  readonly size: number;
  /** Each carried leg's bridge counters (what it publishes, hears and plays): for diagnosis. */
  stats(): Array<{ legId: string; role: 'caller' | 'specialist' } & PhoneBridgeStats>;
  /** The last legs that ended here, why, and whether the record still wanted them (for diagnosis). */
  endedLegs(): readonly EndedLeg[];
}

export interface EndedLeg {
  legId: string;
  role: 'caller' | 'specialist';
  reason: string;
  stillWanted: boolean;
  at: string;
  stats: PhoneBridgeStats | null;
}
const ENDED_KEPT = 20;

// The registry of an app (per Deps object), so that a test holding `deps` can see its legs.
const registries = new WeakMap<object, PhoneBridges>();
export const phoneBridgesOf = (deps: object): PhoneBridges | undefined => registries.get(deps);

export function createPhoneBridges(deps: Deps): PhoneBridges {
  const carried = new Map<string, Carried>(); // by leg id
  const endedLegs: EndedLeg[] = [];
  let closing = false;

  const refreshOnce = async (c: Carried) => {
    const mode = await modeOf(deps, c.grant.leg.id);
    if (mode === null) {
      // Hang up over REST first, so Twilio ends the call for a reason it reports, then drop the stream.
      await followPhoneLegs(deps, c.grant.leg.callId).catch(() => 0);
      await c.bridge.close('shutdown');
    } else c.bridge.setMode(mode);
  };

  /**
   * One refresh at a time per leg; an event that arrives meanwhile runs one more after it. So the
   * last mode set was read after the last change (two overlapping reads could finish out of order
   * and leave the bridge in the older mode, e.g. hold music after the caller was handed over).
   */
  const refresh = (c: Carried): Promise<void> => {
    if (c.running) {
      c.again = true;
      return c.running;
    }
    c.running = (async () => {
      try {
        do {
          c.again = false;
          await refreshOnce(c);
        } while (c.again && carried.get(c.grant.leg.id) === c);
      } finally {
        c.running = null;
      }
    })();
    return c.running;
  };

  const unsubscribe = deps.bus.subscribe((e) => {
    if (e.type !== 'call') return;
    for (const c of carried.values()) {
      if (c.grant.leg.callId === e.callId) {
        refresh(c).catch((err) => deps.log.warn({ err, legId: c.grant.leg.id }, 'phone leg refresh failed'));
      }
    }
  });

  /** A fresh join token for a bridge whose room connection dropped, or null when the leg is over. */
  const rejoinToken = async (grant: StreamGrant): Promise<string | null> => {
    if ((await modeOf(deps, grant.leg.id)) === null) return null;
    return (await legGrant(deps, grant.leg)).token;
  };

  /** The bridge is gone: if the record still wanted the leg, the phone (or its connection) hung up. */
  const ended = async (grant: StreamGrant, reason: string) => {
    const mine = carried.get(grant.leg.id)?.grant === grant ? carried.get(grant.leg.id)! : null;
    const stats = mine?.bridge.stats() ?? null;
    // Only this stream's entry: the leg's next stream (a caller's, reopened) may be carried here already.
    if (mine) carried.delete(grant.leg.id);
    const stillWanted = (await modeOf(deps, grant.leg.id)) !== null;
    endedLegs.push({ legId: grant.leg.id, role: grant.leg.role, reason, stillWanted, at: new Date().toISOString(), stats });
    if (endedLegs.length > ENDED_KEPT) endedLegs.shift();
    deps.log.info({ legId: grant.leg.id, role: grant.leg.role, reason, stillWanted }, 'phone leg ended');
    // A caller's stream that ended without the phone's `stop` (its socket dropped, or this instance
    // is shutting down) is not a hang-up: the call is still up at Twilio, which asks the leg's
    // <Connect action> (/twilio/stream-ended) and opens the stream again on whichever instance
    // answers. Should it never come back, the bridge's departure from the room ends the call
    // after RECONNECT_GRACE_S, as for a crashed instance (docs/PHONES.md).
    const restreams = grant.leg.role === 'caller' && (reason === 'socket_closed' || (reason === 'shutdown' && closing));
    if (stillWanted && !restreams) {
      if (grant.leg.role === 'caller') await hangupCall(deps, { kind: 'caller', callId: grant.leg.callId }, grant.leg.callId);
      else await phoneLegEnded(deps, { transferId: grant.leg.transferId!, outcome: 'hung_up' });
    }
    await followPhoneLegs(deps, grant.leg.callId); // make sure Twilio's side is over too
  };

  const registry: PhoneBridges = {
    get size() {
      return carried.size;
    },
    stats() {
      return [...carried.values()].map((c) => ({ legId: c.grant.leg.id, role: c.grant.leg.role, ...c.bridge.stats() }));
    },
    endedLegs: () => endedLegs,
    async attach(grant, socket, start) {
      if (closing) throw new Error('shutting down');
      const bridge = await PhoneBridge.start({
        socket,
        start,
        livekitUrl: deps.config.livekit?.url ?? grant.livekitUrl,
        token: grant.token,
        mode: grant.mode,
        log: deps.log.child({ legId: grant.leg.id, role: grant.leg.role }),
        onEnd: (reason) => {
          ended(grant, reason).catch((err) => deps.log.warn({ err, legId: grant.leg.id }, 'phone leg end not recorded'));
        },
        rejoin: () => rejoinToken(grant),
      });
      const c: Carried = { bridge, grant, running: null, again: false };
      carried.set(grant.leg.id, c);
      await refresh(c); // the record may have moved while the bridge connected
    },
    async closeAll() {
      closing = true;
      unsubscribe();
      await Promise.all([...carried.values()].map((c) => c.bridge.close('shutdown').catch(() => undefined)));
    },
  };
  registries.set(deps, registry);
  return registry;
}
