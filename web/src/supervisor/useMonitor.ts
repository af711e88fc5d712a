// The supervisor's own audio while monitoring: the call's room (hear it; speak when barging) and,
// while whispering, the coach room (speak to the agent only). What each may do is the server's
// decision (LiveKit permissions from the record): a CallRoom publishes the microphone only when
// the server grants canPublish, so listening never sends a sound even if this page misbehaved.
import type { MonitorMode } from '@warmline/contract';
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { errorMessage } from '../shared/api';
import { CallRoom } from '../shared/livekit';
import { supervisorApi, type Board } from './api';

const callRoom = new CallRoom();
const coachRoom = new CallRoom();

export interface Monitoring {
  callId: string;
  mode: MonitorMode;
}

export function useMonitor(board: Board | null, myId: string | null) {
  const [current, setCurrent] = useState<Monitoring | null>(null);
  const currentRef = useRef<Monitoring | null>(null);
  currentRef.current = current;
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const room = useSyncExternalStore(callRoom.subscribe, callRoom.getSnapshot);
  const coach = useSyncExternalStore(coachRoom.subscribe, coachRoom.getSnapshot);

  const leaveAll = useCallback(async () => {
    await Promise.all([callRoom.leave(), coachRoom.leave()]);
  }, []);

  const start = useCallback(async (callId: string, mode: MonitorMode) => {
    setPending(`${callId}:${mode}`);
    setError(null);
    try {
      const was = currentRef.current;
      const grant = await supervisorApi.monitor(callId, mode);
      const snap = callRoom.getSnapshot();
      // From barge back to listen or whisper the server takes us out of the call room (everyone had
      // seen us; we come back hidden with the new token), so join again rather than wait to be dropped.
      const rehide = was?.callId === callId && was.mode === 'barge' && grant.mode !== 'barge';
      // Another call, or not connected: join (any previous call's room is left first).
      if (rehide || snap.key !== callId || snap.status === 'disconnected' || snap.status === 'idle') {
        await callRoom.join(callId, grant.call.livekitUrl, grant.call.token);
      }
      if (grant.coach) {
        const c = coachRoom.getSnapshot();
        if (c.key !== callId || c.status === 'disconnected' || c.status === 'idle') await coachRoom.join(callId, grant.coach.livekitUrl, grant.coach.token);
      } else {
        await coachRoom.leave();
      }
      setCurrent({ callId, mode: grant.mode });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setPending(null);
    }
  }, []);

  const stop = useCallback(async () => {
    const c = current;
    if (!c) return;
    setPending(`${c.callId}:stop`);
    setError(null);
    try {
      await supervisorApi.stop(c.callId);
      await leaveAll();
      setCurrent(null);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setPending(null);
    }
  }, [current, leaveAll]);

  // The record is the truth: a monitor the board no longer shows (the call ended or moved on) is over here too.
  useEffect(() => {
    if (!board || !myId || !current || pending) return;
    const mine = board.calls.find((c) => c.id === current.callId)?.monitors.find((m) => m.supervisorId === myId);
    if (!mine) {
      setCurrent(null);
      void leaveAll();
    } else if (mine.mode !== current.mode) setCurrent({ callId: current.callId, mode: mine.mode });
  }, [board, myId, current, pending, leaveAll]);

  // A page that reloads while monitoring shows the monitor on record and offers to reconnect.
  useEffect(() => {
    if (!board || !myId || current || pending) return;
    const on = board.calls.find((c) => c.monitors.some((m) => m.supervisorId === myId));
    const mine = on?.monitors.find((m) => m.supervisorId === myId);
    if (on && mine) setCurrent({ callId: on.id, mode: mine.mode });
  }, [board, myId, current, pending]);

  useEffect(() => () => void leaveAll(), [leaveAll]);

  return { current, pending, error, room, coach, start, stop };
}
