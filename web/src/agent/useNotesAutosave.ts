// Call notes: edited locally, saved ~800 ms after the last keystroke, flushed before a transfer
// (the handoff summary is built from them) and when the call card goes away.
//
// Nothing typed is lost: the latest text is kept in sessionStorage (per call) from the keystroke
// until the server has confirmed exactly that text, so a reload or a card that remounts (call →
// wrap-up, a reconnect) starts from the draft and saves it. A failed save retries by itself with
// backoff (1, 2, 4, 8, 15 s …), at once when the browser comes back online, and when the tab is
// shown again. Saves never overlap, so an older text cannot land after a newer one.
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api, errorMessage } from '../shared/api';

export type SaveStatus = 'idle' | 'dirty' | 'saving' | 'saved' | 'error';

export interface NotesAutosave {
  value: string;
  status: SaveStatus;
  error: string | null;
  /** When failed: seconds until the next automatic try (null: not retrying by itself). */
  retryInS: number | null;
  setValue(v: string): void;
  /** Save now if there are unsaved edits. */
  flush(): Promise<void>;
}

const DEBOUNCE_MS = 800;
const BACKOFF_MS = [1000, 2000, 4000, 8000, 15_000];

const draftKey = (callId: string) => `warmline.notes.${callId}`;
function loadDraft(callId: string): string | null {
  try {
    return sessionStorage.getItem(draftKey(callId));
  } catch {
    return null;
  }
}
function storeDraft(callId: string, v: string) {
  try {
    sessionStorage.setItem(draftKey(callId), v);
  } catch {
    /* storage full or off: the in-memory text and the retries remain */
  }
}
function clearDraft(callId: string, ifValue: string) {
  try {
    if (sessionStorage.getItem(draftKey(callId)) === ifValue) sessionStorage.removeItem(draftKey(callId));
  } catch {
    /* nothing to clear */
  }
}

/** A refusal that retrying cannot fix (the call is not ours any more, the text is invalid). */
const permanent = (err: unknown) => err instanceof ApiError && err.status >= 400 && err.status < 500 && err.status !== 408 && err.status !== 429;

export function useNotesAutosave(callId: string, serverNotes: string): NotesAutosave {
  const [value, setLocal] = useState(() => loadDraft(callId) ?? serverNotes);
  const [status, setStatus] = useState<SaveStatus>('idle');
  const [error, setError] = useState<string | null>(null);
  const [retryAt, setRetryAt] = useState<number | null>(null);
  const [, tick] = useState(0);
  const timer = useRef<number | null>(null);
  const latest = useRef({ callId, value: loadDraft(callId) ?? serverNotes, saved: serverNotes });
  const running = useRef<Promise<void> | null>(null);
  const again = useRef(false);
  const failures = useRef(0);

  const clearTimer = () => {
    if (timer.current !== null) window.clearTimeout(timer.current);
    timer.current = null;
  };

  const pump = useCallback(async (): Promise<void> => {
    do {
      again.current = false;
      const { callId: id, value: v, saved } = latest.current;
      if (v === saved) {
        clearDraft(id, v);
        return;
      }
      setStatus('saving');
      try {
        await api.saveNotes(id, v);
      } catch (err) {
        if (latest.current.callId !== id) return;
        setStatus('error');
        setError(errorMessage(err));
        if (permanent(err)) {
          setRetryAt(null);
          return;
        }
        const delay = BACKOFF_MS[Math.min(failures.current, BACKOFF_MS.length - 1)]!;
        failures.current++;
        setRetryAt(Date.now() + delay);
        clearTimer();
        timer.current = window.setTimeout(() => void flushRef.current(), delay);
        return;
      }
      if (latest.current.callId !== id) return;
      latest.current.saved = v;
      failures.current = 0;
      setError(null);
      setRetryAt(null);
      clearDraft(id, v);
      setStatus(latest.current.value === v ? 'saved' : 'dirty');
    } while (again.current);
  }, []);

  const flush = useCallback((): Promise<void> => {
    clearTimer();
    if (running.current) {
      again.current = true; // the running save loops once more with the latest text
      return running.current;
    }
    const p = pump().finally(() => {
      running.current = null;
    });
    running.current = p;
    return p;
  }, [pump]);
  const flushRef = useRef(flush);
  flushRef.current = flush;

  // A different call (or the first render): start from its draft if one was left unsaved.
  useEffect(() => {
    const draft = loadDraft(callId);
    latest.current = { callId, value: draft ?? serverNotes, saved: serverNotes };
    failures.current = 0;
    setLocal(draft ?? serverNotes);
    setError(null);
    setRetryAt(null);
    if (draft !== null && draft !== serverNotes) {
      setStatus('dirty');
      clearTimer();
      timer.current = window.setTimeout(() => void flushRef.current(), 0);
    } else setStatus('idle');
  }, [callId]);

  // The server's notes changed: confirmation of ours, or someone else's edit we follow when we
  // have nothing unsaved.
  useEffect(() => {
    const l = latest.current;
    if (serverNotes === l.value) {
      l.saved = serverNotes;
      clearDraft(l.callId, serverNotes);
    } else if (l.value === l.saved && serverNotes !== l.saved) {
      latest.current = { ...l, value: serverNotes, saved: serverNotes };
      setLocal(serverNotes);
    }
  }, [serverNotes]);

  const setValue = useCallback(
    (v: string) => {
      latest.current.value = v;
      storeDraft(latest.current.callId, v);
      setLocal(v);
      setStatus('dirty');
      clearTimer();
      timer.current = window.setTimeout(() => void flushRef.current(), DEBOUNCE_MS);
    },
    [],
  );

  // Back online, or the tab shown again: try now rather than at the end of the backoff.
  useEffect(() => {
    const retry = () => {
      if (document.visibilityState === 'visible' && latest.current.value !== latest.current.saved) void flushRef.current();
    };
    window.addEventListener('online', retry);
    document.addEventListener('visibilitychange', retry);
    return () => {
      window.removeEventListener('online', retry);
      document.removeEventListener('visibilitychange', retry);
    };
  }, []);

  // The countdown shown next to "Not saved".
  useEffect(() => {
    if (retryAt === null) return;
    const id = window.setInterval(() => tick((n) => n + 1), 1000);
    return () => window.clearInterval(id);
  }, [retryAt]);

  // Unmount / call change: one last try; the draft stays in sessionStorage until it lands.
  useEffect(
    () => () => {
      clearTimer();
      const { callId: id, value: v, saved } = latest.current;
      // After any save in flight, so an older text cannot land last.
      if (v !== saved) void (running.current ?? Promise.resolve()).then(() => api.saveNotes(id, v)).then(() => clearDraft(id, v), () => undefined);
    },
    [callId],
  );

  const retryInS = retryAt === null ? null : Math.max(0, Math.ceil((retryAt - Date.now()) / 1000));
  return { value, status, error, retryInS, setValue, flush };
}
