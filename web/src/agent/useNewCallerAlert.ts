// A caller who joins the queue: a chime, a desktop notification (when allowed and the console is
// not in front) and words for screen readers. Callers already waiting at sign-in ring nothing.
import { useEffect, useRef, useState } from 'react';
import { speakable } from '../shared/phone';
import type { CallView } from '../shared/types';
import { chime, notifyDesktop } from './alerts';

/** Returns the sentence to announce (in a role=alert region) for the newest caller, or ''. */
export function useNewCallerAlert(queue: CallView[]): string {
  const seen = useRef<Set<string> | null>(null);
  const [said, setSaid] = useState('');
  useEffect(() => {
    const ids = new Set(queue.map((c) => c.id));
    if (seen.current === null) {
      seen.current = ids; // the queue as it was when the console opened
      return;
    }
    const fresh = queue.filter((c) => !seen.current!.has(c.id));
    seen.current = ids;
    if (fresh.length === 0) return;
    const names = fresh.map((c) => speakable(c.callerName)).join(', ');
    const text = `New caller in the queue: ${names}${fresh.length === 1 && fresh[0]!.reason ? ` — ${fresh[0]!.reason}` : ''}. ${queue.length} waiting.`;
    setSaid(text);
    chime();
    notifyDesktop(fresh.length === 1 ? `New caller: ${names}` : `${fresh.length} new callers`, fresh[0]?.reason || `${queue.length} waiting`, 'warmline-queue');
  }, [queue]);
  return said;
}
