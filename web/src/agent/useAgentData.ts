// Agent console data: /api/agents/me, /api/queue, /api/agents, kept fresh by the SSE stream
// (/api/events, server/src/events/fanout.ts). The stream opens with the queue and agents lists and
// then carries their changes (the whole queue with the queue stats; the agents that changed), so
// the console does not refetch them (nor poll GET /api/queues). The stream also carries our home
// (`me`, as GET /api/agents/me) when it opens and whenever a change may touch it, so /me is
// fetched only on first load, on the tab becoming visible, when the stream says `me: null` (the
// server could not read it) or carries no homes (an older server: then on each `call`/`transfer`
// event and when our own presence changes), and by a safety-net poll. Homes are kept newest
// first by their readAt (server clock), whichever way they came. A 401 anywhere means "show the
// sign-in form".
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api } from '../shared/api';
import type { CallView, Me, Presence, QueueStat } from '../shared/types';

export type AuthState = 'checking' | 'signed_out' | 'signed_in';
export type LiveState = 'connecting' | 'live' | 'reconnecting';

export interface AgentData {
  auth: AuthState;
  me: Me | null;
  /** When the read that produced `me` began (its readAt: the server's clock, like a grant's issuedAt). */
  meSentAt: number;
  queue: CallView[];
  agents: Presence[];
  /** GET /api/queues as the stream (or the fallback GET) last said; null until then. */
  queueStats: QueueStat[] | null;
  /** Date.now() when `queueStats` arrived: longest wait now = longestWaitS + (now - queueStatsAt). */
  queueStatsAt: number;
  live: LiveState;
  refreshMe(): Promise<void>;
  refreshQueue(): Promise<void>;
  refreshAgents(): Promise<void>;
  refreshAll(): void;
  signedIn(): void;
  signedOut(): void;
}

/** The safety net: /me when no home came for this long (the stream carries them), or every minute (it does not). */
const ME_POLL_MS = 60_000;
const ME_QUIET_MS = 300_000;
/** Lists are fetched over HTTP only when the stream did not bring them this long after opening (an older server). */
const SNAPSHOT_WAIT_MS = 3000;
const SSE_RETRY_MS = 3000;

/**
 * Wrap a fetch so that calls while one is in flight collapse into one follow-up call,
 * and responses are applied in order.
 */
function useCoalesced(fn: () => Promise<void>): () => Promise<void> {
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const inflight = useRef<Promise<void> | null>(null);
  const again = useRef(false);
  return useCallback(() => {
    if (inflight.current) {
      again.current = true;
      return inflight.current;
    }
    const run = async (): Promise<void> => {
      do {
        again.current = false;
        await fnRef.current().catch(() => undefined);
      } while (again.current);
    };
    const p = run().finally(() => {
      inflight.current = null;
    });
    inflight.current = p;
    return p;
  }, []);
}

export function useAgentData(): AgentData {
  const [auth, setAuth] = useState<AuthState>('checking');
  const [me, setMe] = useState<Me | null>(null);
  const [meSentAt, setMeSentAt] = useState(0);
  const [queue, setQueue] = useState<CallView[]>([]);
  const [agents, setAgents] = useState<Presence[]>([]);
  const [stats, setStats] = useState<{ list: QueueStat[] | null; at: number }>({ list: null, at: 0 });
  const [live, setLive] = useState<LiveState>('connecting');
  const authRef = useRef<AuthState>('checking');
  const meRef = useRef<Me | null>(null);
  meRef.current = me;
  const meReadAt = useRef(0); // readAt of the home shown
  const meArrivedAt = useRef(0); // Date.now() when a home last arrived
  const streamHomes = useRef(false); // this stream carries our home

  /** Shows this home unless a newer one is already shown (a GET and the stream may cross). */
  const applyMe = useCallback((m: Me) => {
    const readAt = Date.parse(m.readAt);
    meArrivedAt.current = Date.now();
    if (readAt < meReadAt.current) return;
    meReadAt.current = readAt;
    setMe(m);
    setMeSentAt(readAt);
  }, []);

  const setAuthBoth = useCallback((a: AuthState) => {
    authRef.current = a;
    setAuth(a);
  }, []);

  const on401 = useCallback(
    (err: unknown): boolean => {
      if (err instanceof ApiError && err.status === 401) {
        setAuthBoth('signed_out');
        setMe(null);
        return true;
      }
      return false;
    },
    [setAuthBoth],
  );

  const refreshMe = useCoalesced(async () => {
    try {
      applyMe(await api.me());
      if (authRef.current !== 'signed_in') setAuthBoth('signed_in');
    } catch (err) {
      if (!on401(err) && authRef.current === 'checking') {
        // Server unreachable on first load: keep checking via the poll; show sign-in meanwhile.
        setAuthBoth('signed_out');
      }
      throw err;
    }
  });

  const refreshQueue = useCoalesced(async () => {
    if (authRef.current !== 'signed_in') return;
    try {
      setQueue(await api.queue());
    } catch (err) {
      on401(err);
    }
  });

  const refreshAgents = useCoalesced(async () => {
    if (authRef.current !== 'signed_in') return;
    try {
      setAgents(await api.agents());
    } catch (err) {
      on401(err);
    }
  });

  // Only when the stream does not carry the stats (an older server, EVENTS_FANOUT=legacy).
  const refreshQueueStats = useCoalesced(async () => {
    if (authRef.current !== 'signed_in') return;
    const sentAt = Date.now();
    try {
      setStats({ list: await api.queues(), at: sentAt });
    } catch (err) {
      on401(err);
    }
  });

  const refreshAll = useCallback(() => {
    void refreshMe();
    void refreshQueue();
    void refreshAgents();
  }, [refreshMe, refreshQueue, refreshAgents]);

  // First load: are we signed in?
  useEffect(() => {
    void refreshMe();
  }, [refreshMe]);

  // Once signed in: lists, the event stream and the safety-net polls.
  const signedInNow = auth === 'signed_in';
  useEffect(() => {
    if (!signedInNow) return;

    let es: EventSource | null = null;
    let retry: number | null = null;
    let snapshotCheck: number | null = null;
    let closed = false;
    let gotQueue = false;
    let gotAgents = false;
    let gotStats = false;
    streamHomes.current = false;
    const parse = (ev: Event): Record<string, unknown> | null => {
      try {
        const d: unknown = JSON.parse((ev as MessageEvent<string>).data);
        return d && typeof d === 'object' ? (d as Record<string, unknown>) : null;
      } catch {
        return null;
      }
    };
    const open = () => {
      if (closed) return;
      setLive((l) => (l === 'live' ? 'reconnecting' : l));
      es = new EventSource('/api/events', { withCredentials: true });
      gotQueue = gotAgents = gotStats = false;
      streamHomes.current = false;
      if (snapshotCheck !== null) window.clearTimeout(snapshotCheck);
      snapshotCheck = window.setTimeout(() => {
        snapshotCheck = null;
        if (!gotQueue) void refreshQueue();
        if (!gotAgents) void refreshAgents();
        if (!gotStats) void refreshQueueStats();
        if (!streamHomes.current) void refreshMe();
      }, SNAPSHOT_WAIT_MS);
      // Whatever was missed while disconnected: the stream opens with the lists and our home.
      es.onopen = () => setLive('live');
      es.onerror = () => {
        setLive('reconnecting');
        if (es && es.readyState === EventSource.CLOSED) {
          // The browser gave up (e.g. 401 or 5xx): find out why and try again later.
          es = null;
          void refreshMe();
          retry = window.setTimeout(open, SSE_RETRY_MS);
        }
      };
      es.addEventListener('queue', (ev) => {
        const d = parse(ev);
        if (d && Array.isArray(d.stats)) {
          gotStats = true;
          setStats({ list: d.stats as QueueStat[], at: Date.now() });
        } else if (gotQueue || !d || !Array.isArray(d.calls)) {
          void refreshQueueStats(); // a stream without the stats (at its opening the fallback GET does it)
        }
        if (!d || !Array.isArray(d.calls)) return void refreshQueue(); // an event without the list
        gotQueue = true;
        setQueue(d.calls as CallView[]);
      });
      es.addEventListener('agents', (ev) => {
        const d = parse(ev);
        const myId = meRef.current?.agent.id;
        // Available agents follow presence: a stream without the stats has us read them again.
        if (!gotStats && (gotAgents || !d || !Array.isArray(d.agents))) void refreshQueueStats();
        if (d && Array.isArray(d.agents)) {
          gotAgents = true;
          setAgents(d.agents as Presence[]); // the stream opens with the full list (onopen refetches /me)
          return;
        }
        if (!d || !Array.isArray(d.changed)) return void refreshAgents(); // an event without the changes
        const changed = d.changed as Presence[];
        const removed = new Set(Array.isArray(d.removed) ? (d.removed as string[]) : []);
        setAgents((list) => {
          const byId = new Map(changed.map((a) => [a.id, a]));
          const next = list.filter((a) => !removed.has(a.id)).map((a) => {
            const c = byId.get(a.id);
            byId.delete(a.id);
            return c ?? a;
          });
          return byId.size ? [...next, ...byId.values()] : next; // someone new: at the end until the next full list
        });
        // Our own presence changed (another tab, a supervisor, a sweep): the stream sends our home;
        // one that carries no homes has us read it.
        if (!streamHomes.current && myId && changed.some((a) => a.id === myId)) void refreshMe();
      });
      es.addEventListener('me', (ev) => {
        streamHomes.current = true;
        const d = parse(ev);
        if (d && typeof d.readAt === 'string') applyMe(d as unknown as Me);
        else void refreshMe(); // null: the server could not read it for us
      });
      // One of our calls or transfers changed: the `me` that follows says how.
      es.addEventListener('call', () => void (streamHomes.current || refreshMe()));
      es.addEventListener('transfer', () => void (streamHomes.current || refreshMe()));
    };
    open();

    const mePoll = window.setInterval(() => {
      if (!streamHomes.current || Date.now() - meArrivedAt.current >= ME_QUIET_MS) void refreshMe();
    }, ME_POLL_MS);
    const onVisible = () => {
      // The stream stays open in a hidden tab and keeps the lists; /me may have been throttled.
      if (document.visibilityState === 'visible') void refreshMe();
    };
    document.addEventListener('visibilitychange', onVisible);

    return () => {
      closed = true;
      es?.close();
      if (retry !== null) window.clearTimeout(retry);
      if (snapshotCheck !== null) window.clearTimeout(snapshotCheck);
      window.clearInterval(mePoll);
      document.removeEventListener('visibilitychange', onVisible);
      setLive('connecting');
    };
  }, [signedInNow, refreshMe, refreshQueue, refreshAgents, refreshQueueStats, applyMe]);

  const signedIn = useCallback(() => {
    void refreshMe();
  }, [refreshMe]);

  const signedOut = useCallback(() => {
    setAuthBoth('signed_out');
    setMe(null);
    meReadAt.current = 0;
    setQueue([]);
    setAgents([]);
    setStats({ list: null, at: 0 });
  }, [setAuthBoth]);

  return {
    auth,
    me,
    meSentAt,
    queue,
    agents,
    queueStats: stats.list,
    queueStatsAt: stats.at,
    live,
    refreshMe,
    refreshQueue,
    refreshAgents,
    refreshAll,
    signedIn,
    signedOut,
  };
}
