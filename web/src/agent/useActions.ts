// Run a button's async action once at a time, show a spinner while it runs, and turn
// failures into an error banner with the server's human sentence.
import { useCallback, useRef, useState } from 'react';
import { errorMessage } from '../shared/api';
import type { Notices } from './useNotices';

export interface Actions {
  pending: ReadonlySet<string>;
  isPending(key: string): boolean;
  /** Resolves true on success, false when it failed (already reported) or was already running. */
  run(key: string, fn: () => Promise<unknown>, failPrefix?: string): Promise<boolean>;
}

export function useActions(notices: Notices, after?: () => void): Actions {
  const [pending, setPending] = useState<ReadonlySet<string>>(new Set());
  const running = useRef(new Set<string>());
  const afterRef = useRef(after);
  afterRef.current = after;

  const run = useCallback(
    async (key: string, fn: () => Promise<unknown>, failPrefix?: string) => {
      if (running.current.has(key)) return false;
      running.current.add(key);
      setPending(new Set(running.current));
      try {
        await fn();
        return true;
      } catch (err) {
        notices.push({ kind: 'error', text: failPrefix ? `${failPrefix}: ${errorMessage(err)}` : errorMessage(err) });
        return false;
      } finally {
        running.current.delete(key);
        setPending(new Set(running.current));
        afterRef.current?.();
      }
    },
    [notices],
  );

  const isPending = useCallback((key: string) => pending.has(key), [pending]);
  return { pending, isPending, run };
}
