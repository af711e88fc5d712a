// The agent consoles' open event streams on this API instance, keyed by the session's token
// hash. They are what makes an agent present (see store/migrations/003_presence.sql):
// - one heartbeat per instance, every offline_after/3 s, pushes every open session's
//   present_until forward in ONE statement and learns at the same time which sessions are
//   gone or expired: their streams close (a logout on another instance is noticed here);
// - a logout on this instance closes that session's streams at once (closeSession).
import { sseConnections, sseOpened } from '../metrics/registry.js';
import type { Deps } from '../services/deps.js';
import { keepSessionsPresent } from '../store/sessions-repo.js';

export interface OpenStream {
  tokenHash: string;
  agentId: string;
  /** A supervisor reads every call (calls-repo readableBy), so gets every call's events. */
  supervisor: boolean;
  /** Writes raw SSE text (events/fanout.ts builds each event's text once for all streams). */
  write(text: string): void;
  /** Ends the HTTP response, after `last` (raw SSE text) when given; the browser sees the stream end. */
  close(last?: string): void;
}

export interface StreamRegistry {
  add(s: OpenStream): void;
  remove(s: OpenStream): void;
  /** Closes every stream of this session on this instance; returns how many. */
  closeSession(tokenHash: string, last?: string): number;
  /** Shutdown: every stream ends with a hint to reconnect soon (the load balancer picks another instance). */
  closeAll(): void;
  /** One heartbeat now (the timer calls it; tests may too). */
  heartbeat(): Promise<void>;
  count(): number;
  /** Every open stream on this instance. */
  all(): IterableIterator<OpenStream>;
  /** The open streams of these agents, plus every supervisor's. */
  ofAgents(agentIds: ReadonlySet<string>): OpenStream[];
  /** This agent's own open streams (a console per tab). */
  ofAgent(agentId: string): Iterable<OpenStream>;
  hasAgent(agentId: string): boolean;
}

export function heartbeatMs(offlineAfterS: number): number {
  return Math.max(500, Math.floor((offlineAfterS * 1000) / 3));
}

function createStreamRegistry(deps: Pick<Deps, 'db' | 'config' | 'log'>): StreamRegistry {
  const byToken = new Map<string, Set<OpenStream>>();
  const byAgent = new Map<string, Set<OpenStream>>();
  const supervisors = new Set<OpenStream>();
  let timer: NodeJS.Timeout | null = null;
  let beating = false;

  const stopIfIdle = () => {
    if (byToken.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };

  const registry: StreamRegistry = {
    add(s) {
      const set = byToken.get(s.tokenHash) ?? new Set();
      if (set.has(s)) return;
      set.add(s);
      sseOpened.inc();
      sseConnections.inc();
      byToken.set(s.tokenHash, set);
      const mine = byAgent.get(s.agentId) ?? new Set();
      mine.add(s);
      byAgent.set(s.agentId, mine);
      if (s.supervisor) supervisors.add(s);
      if (!timer) {
        timer = setInterval(() => void registry.heartbeat(), heartbeatMs(deps.config.presenceOfflineAfterS));
        timer.unref();
      }
    },
    remove(s) {
      const set = byToken.get(s.tokenHash);
      if (!set?.delete(s)) return;
      sseConnections.dec();
      if (set.size === 0) byToken.delete(s.tokenHash);
      const mine = byAgent.get(s.agentId);
      if (mine?.delete(s) && mine.size === 0) byAgent.delete(s.agentId);
      supervisors.delete(s);
      stopIfIdle();
    },
    closeSession(tokenHash, last) {
      const set = byToken.get(tokenHash);
      if (!set) return 0;
      const streams = [...set];
      for (const s of streams) {
        registry.remove(s);
        s.close(last);
      }
      return streams.length;
    },
    closeAll() {
      // `retry` sets EventSource's reconnect delay (the stream opened with 2000 ms).
      for (const hash of [...byToken.keys()]) registry.closeSession(hash, 'retry: 500\n\n');
    },
    async heartbeat() {
      if (beating) return; // a slow database: skip a tick rather than pile up statements
      const hashes = [...byToken.keys()];
      if (hashes.length === 0) return;
      beating = true;
      try {
        const valid = await keepSessionsPresent(deps.db, hashes, deps.config.presenceOfflineAfterS);
        for (const hash of hashes) if (!valid.has(hash)) registry.closeSession(hash);
      } catch (err) {
        // Database unreachable: keep the streams; presence simply lapses if this lasts.
        deps.log.warn({ err }, 'event stream heartbeat');
      } finally {
        beating = false;
      }
    },
    count() {
      let n = 0;
      for (const set of byToken.values()) n += set.size;
      return n;
    },
    *all() {
      for (const set of byToken.values()) yield* set;
    },
    ofAgent(agentId) {
      return byAgent.get(agentId) ?? [];
    },
    hasAgent(agentId) {
      return byAgent.has(agentId);
    },
    ofAgents(agentIds) {
      const out = new Set(supervisors);
      for (const id of agentIds) for (const s of byAgent.get(id) ?? []) out.add(s);
      return [...out];
    },
  };
  return registry;
}

// One registry per app (per Deps object), created on first use so app.ts needs no wiring.
const registries = new WeakMap<object, StreamRegistry>();

export function streamsOf(deps: Pick<Deps, 'db' | 'config' | 'log'>): StreamRegistry {
  let r = registries.get(deps);
  if (!r) {
    r = createStreamRegistry(deps);
    registries.set(deps, r);
  }
  return r;
}
