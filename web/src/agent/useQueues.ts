// GET /api/queues for the console: each queue's waiting count, longest wait and available agents.
// Read again whenever the queue or presence changes (the event stream already refetches those,
// so their new arrays are the signal) and every 10 s; the longest wait ticks locally in between.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../shared/api';
import type { QueueStat } from '../shared/types';

export interface Queues {
  list: QueueStat[];
  /** Date.now() when `list` was read: longest wait now = longestWaitS + (now - fetchedAt). */
  fetchedAt: number;
  /** false until the first answer (and when the server has no /api/queues). */
  loaded: boolean;
  refresh(): void;
}

const POLL_MS = 10_000;

export function useQueues(active: boolean, ...changes: unknown[]): Queues {
  const [state, setState] = useState<{ list: QueueStat[]; fetchedAt: number; loaded: boolean }>({ list: [], fetchedAt: 0, loaded: false });
  const seq = useRef(0);

  const refresh = useCallback(() => {
    const mine = ++seq.current;
    const sentAt = Date.now();
    api
      .queues()
      .then((list) => {
        // Answers applied in order: an older one never overwrites a newer one.
        if (mine === seq.current) setState({ list, fetchedAt: sentAt, loaded: true });
      })
      .catch(() => undefined);
  }, []);

  useEffect(() => {
    if (!active) return;
    refresh();
  }, [active, refresh, ...changes]);

  useEffect(() => {
    if (!active) return;
    const id = window.setInterval(refresh, POLL_MS);
    return () => window.clearInterval(id);
  }, [active, refresh]);

  return { ...state, refresh };
}
