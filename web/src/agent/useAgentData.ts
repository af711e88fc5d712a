// Agent console data: /api/agents/me, /api/queue, /api/agents, kept fresh by the SSE stream
// (/api/events) with a 5 s safety-net poll of /me. A 401 anywhere means "show the sign-in form".
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api } from '../shared/api';
import type { CallView, Me, Presence } from '../shared/types';

export type AuthState = 'checking' | 'signed_out' | 'signed_in';
export type LiveState = 'connecting' | 'live' | 'reconnecting';

export interface AgentData {
  auth: AuthState;
  me: Me | null;
  /** Date.now() when the request that produced `me` was sent. */
  meSentAt: number;
  queue: CallView[];
  agents: Presence[];
  live: LiveState;
  refreshMe(): Promise<void>;
  refreshQueue(): Promise<void>;
  refreshAgents(): Promise<void>;
  refreshAll(): void;
  signedIn(): void;
  signedOut(): void;
}

const ME_POLL_MS = 5000;
const LISTS_POLL_MS = 15000;
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
  const [live, setLive] = useState<LiveState>('connecting');
  const authRef = useRef<AuthState>('checking');

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
    const sentAt = Date.now();
    try {
      const m = await api.me();
      setMe(m);
      setMeSentAt(sentAt);
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
    void refreshQueue();
    void refreshAgents();

    let es: EventSource | null = null;
    let retry: number | null = null;
    let closed = false;
    const open = () => {
      if (closed) return;
      setLive((l) => (l === 'live' ? 'reconnecting' : l));
      es = new EventSource('/api/events', { withCredentials: true });
      es.onopen = () => {
        setLive('live');
        // Catch up on anything missed while disconnected.
        void refreshMe();
        void refreshQueue();
        void refreshAgents();
      };
      es.onerror = () => {
        setLive('reconnecting');
        if (es && es.readyState === EventSource.CLOSED) {
          // The browser gave up (e.g. 401 or 5xx): find out why and try again later.
          es = null;
          void refreshMe();
          retry = window.setTimeout(open, SSE_RETRY_MS);
        }
      };
      es.addEventListener('queue', () => void refreshQueue());
      es.addEventListener('agents', () => void refreshAgents());
      es.addEventListener('call', () => void refreshMe());
      es.addEventListener('transfer', () => void refreshMe());
    };
    open();

    const mePoll = window.setInterval(() => void refreshMe(), ME_POLL_MS);
    const listPoll = window.setInterval(() => {
      void refreshQueue();
      void refreshAgents();
    }, LISTS_POLL_MS);
    const onVisible = () => {
      if (document.visibilityState === 'visible') {
        void refreshMe();
        void refreshQueue();
        void refreshAgents();
      }
    };
    document.addEventListener('visibilitychange', onVisible);

    return () => {
      closed = true;
      es?.close();
      if (retry !== null) window.clearTimeout(retry);
      window.clearInterval(mePoll);
      window.clearInterval(listPoll);
      document.removeEventListener('visibilitychange', onVisible);
      setLive('connecting');
    };
  }, [signedInNow, refreshMe, refreshQueue, refreshAgents]);

  const signedIn = useCallback(() => {
    void refreshMe();
  }, [refreshMe]);

  const signedOut = useCallback(() => {
    setAuthBoth('signed_out');
    setMe(null);
    setQueue([]);
    setAgents([]);
  }, [setAuthBoth]);

  return {
    auth,
    me,
    meSentAt,
    queue,
    agents,
    live,
    refreshMe,
    refreshQueue,
    refreshAgents,
    refreshAll,
    signedIn,
    signedOut,
  };
}
