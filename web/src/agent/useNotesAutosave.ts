// Call notes: edited locally, saved ~800 ms after the last keystroke, flushed before a transfer
// (the handoff summary is built from them) and when the call card goes away.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, errorMessage } from '../shared/api';

export type SaveStatus = 'idle' | 'dirty' | 'saving' | 'saved' | 'error';

export interface NotesAutosave {
  value: string;
  status: SaveStatus;
  error: string | null;
  setValue(v: string): void;
  /** Save now if there are unsaved edits. */
  flush(): Promise<void>;
}

const DEBOUNCE_MS = 800;

export function useNotesAutosave(callId: string, serverNotes: string): NotesAutosave {
  const [value, setLocal] = useState(serverNotes);
  const [status, setStatus] = useState<SaveStatus>('idle');
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<number | null>(null);
  const latest = useRef({ callId, value: serverNotes, saved: serverNotes });

  // A different call: start from the server's notes.
  useEffect(() => {
    latest.current = { callId, value: serverNotes, saved: serverNotes };
    setLocal(serverNotes);
    setStatus('idle');
    setError(null);
  }, [callId]);

  // Someone else (e.g. after a reload) changed the notes and we have no local edits: follow them.
  useEffect(() => {
    const l = latest.current;
    if (l.value === l.saved && serverNotes !== l.saved) {
      latest.current = { ...l, value: serverNotes, saved: serverNotes };
      setLocal(serverNotes);
    }
  }, [serverNotes]);

  const save = useCallback(async () => {
    if (timer.current !== null) {
      window.clearTimeout(timer.current);
      timer.current = null;
    }
    const { callId: id, value: v, saved } = latest.current;
    if (v === saved) return;
    setStatus('saving');
    try {
      await api.saveNotes(id, v);
      if (latest.current.callId !== id) return;
      latest.current.saved = v;
      setError(null);
      setStatus(latest.current.value === v ? 'saved' : 'dirty');
    } catch (err) {
      if (latest.current.callId !== id) return;
      setStatus('error');
      setError(errorMessage(err));
    }
  }, []);

  const setValue = useCallback(
    (v: string) => {
      latest.current.value = v;
      setLocal(v);
      setStatus('dirty');
      if (timer.current !== null) window.clearTimeout(timer.current);
      timer.current = window.setTimeout(() => void save(), DEBOUNCE_MS);
    },
    [save],
  );

  // Flush on unmount / call change.
  useEffect(
    () => () => {
      if (timer.current !== null) void save();
    },
    [callId, save],
  );

  return { value, status, error, setValue, flush: save };
}
