// Dismissible banners: transfer outcomes and failed actions.
import { useCallback, useState } from 'react';

export type NoticeKind = 'info' | 'success' | 'warn' | 'error';

export interface Notice {
  id: number;
  kind: NoticeKind;
  text: string;
  /** 'transfer-outcome' for transfer results (test hook), otherwise 'notice'. */
  testId: string;
  /** Extra data attribute, e.g. the transfer's final state. */
  outcome?: string;
}

export interface Notices {
  list: Notice[];
  push(n: Omit<Notice, 'id' | 'testId'> & { testId?: string }): void;
  dismiss(id: number): void;
  /** Remove every notice with this test id (e.g. stale transfer outcomes). */
  clear(testId: string): void;
}

let nextId = 1;

export function useNotices(): Notices {
  const [list, setList] = useState<Notice[]>([]);
  const push = useCallback((n: Omit<Notice, 'id' | 'testId'> & { testId?: string }) => {
    const notice: Notice = { testId: 'notice', ...n, id: nextId++ };
    // One banner per text: repeated failures do not stack up.
    // One banner per text, and only the latest transfer outcome: old ones are stale.
    setList((l) =>
      [
        ...l.filter((x) => x.text !== notice.text && !(notice.testId === 'transfer-outcome' && x.testId === 'transfer-outcome')),
        notice,
      ].slice(-4),
    );
    if (notice.kind === 'error' || notice.kind === 'info') {
      window.setTimeout(() => setList((l) => l.filter((x) => x.id !== notice.id)), 12000);
    }
  }, []);
  const dismiss = useCallback((id: number) => setList((l) => l.filter((x) => x.id !== id)), []);
  const clear = useCallback((testId: string) => setList((l) => l.filter((x) => x.testId !== testId)), []);
  return { list, push, dismiss, clear };
}
