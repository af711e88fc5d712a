// The supervisor board, kept fresh by the event stream (/api/events says what changed; we read
// the board again) with a slow poll as a safety net. Timers tick from the server's clock.
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../shared/api';
import { supervisorApi, type Board } from './api';

export type BoardState =
  | { kind: 'loading' }
  | { kind: 'signed_out' }
  | { kind: 'forbidden' }
  | { kind: 'ready'; board: Board; /** server clock − local clock, ms */ skewMs: number; live: boolean }
  | { kind: 'error'; message: string };

const POLL_MS = 10_000;
const DEBOUNCE_MS = 150;

export function useBoard(): { state: BoardState; refresh(): Promise<void> } {
  const [state, setState] = useState<BoardState>({ kind: 'loading' });
  const [live, setLive] = useState(false);
  const inFlight = useRef<Promise<void> | null>(null);
  const again = useRef(false);

  const refresh = useCallback(async () => {
    if (inFlight.current) {
      again.current = true; // one more read after this one: never miss a change
      return inFlight.current;
    }
    const run = (async () => {
      do {
        again.current = false;
        const asked = Date.now();
        try {
          const board = await supervisorApi.board();
          const skewMs = Date.parse(board.at) - (asked + Date.now()) / 2;
          setState((s) => ({ kind: 'ready', board, skewMs, live: s.kind === 'ready' ? s.live : false }));
        } catch (err) {
          if (err instanceof ApiError && err.status === 401) setState({ kind: 'signed_out' });
          else if (err instanceof ApiError && err.status === 403) setState({ kind: 'forbidden' });
          else setState((s) => (s.kind === 'ready' ? s : { kind: 'error', message: err instanceof Error ? err.message : String(err) }));
        }
      } while (again.current);
    })();
    inFlight.current = run;
    try {
      await run;
    } finally {
      inFlight.current = null;
    }
  }, []);

  const ready = state.kind === 'ready';
  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(() => {
    if (!ready) return;
    let timer: number | undefined;
    const soon = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => void refresh(), DEBOUNCE_MS);
    };
    const es = new EventSource('/api/events', { withCredentials: true });
    es.onopen = () => {
      setLive(true);
      soon(); // anything missed while the stream was down
    };
    es.onerror = () => setLive(false); // EventSource reconnects by itself (retry: 2000)
    for (const type of ['queue', 'agents', 'call', 'transfer']) es.addEventListener(type, soon);
    const poll = window.setInterval(() => void refresh(), POLL_MS);
    return () => {
      es.close();
      window.clearTimeout(timer);
      window.clearInterval(poll);
      setLive(false);
    };
  }, [ready, refresh]);

  return { state: state.kind === 'ready' ? { ...state, live } : state, refresh };
}
