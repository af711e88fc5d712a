// The caller's side of a call: create it, join its LiveKit room, poll its state every second,
// play hold music while waiting or on hold, and clean up when it ends.
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api, errorMessage } from '../shared/api';
import { audioContext } from '../shared/audioContext';
import { holdMusic } from '../shared/holdMusic';
import { callRoom, useCallRoom } from '../shared/livekit';
import type { CallerCallView } from '../shared/types';
import { type CallerSession, clearSession, loadSession, rememberName, saveSession } from './callerSession';

export type CallerPhase = 'idle' | 'connecting' | 'in_call' | 'ended';

const POLL_MS = 1000;

export interface CallerCall {
  phase: CallerPhase;
  call: CallerCallView | null;
  error: string | null;
  /** Last name/reason used, to prefill "Call again". */
  lastName: string;
  lastReason: string;
  /** The topic (queue) chosen last time; '' for none. */
  lastQueueId: string;
  musicPlaying: boolean;
  hangingUp: boolean;
  /** queueId: the topic chosen (GET /api/topics); omitted: the server's default queue. */
  start(name: string, reason: string, queueId?: string): void;
  hangup(): void;
  reset(): void;
}

export function useCallerCall(): CallerCall {
  const [phase, setPhase] = useState<CallerPhase>('idle');
  const [call, setCall] = useState<CallerCallView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [hangingUp, setHangingUp] = useState(false);
  const [musicPlaying, setMusicPlaying] = useState(false);
  const [last, setLast] = useState({ name: '', reason: '', queueId: '' });
  const session = useRef<CallerSession | null>(null);
  const phaseRef = useRef<CallerPhase>('idle');
  const rejoinTried = useRef(false);
  const room = useCallRoom();

  const go = useCallback((p: CallerPhase) => {
    phaseRef.current = p;
    setPhase(p);
  }, []);

  const finish = useCallback(
    (final: CallerCallView | null) => {
      if (final) setCall(final);
      session.current = null;
      clearSession();
      void callRoom.leave();
      go('ended');
    },
    [go],
  );

  const poll = useCallback(async () => {
    const s = session.current;
    if (!s) return;
    try {
      const view = await api.getCallAsCaller(s.id, s.callerKey);
      if (session.current !== s) return;
      setCall(view);
      if (view.state === 'ended') finish(view);
    } catch (err) {
      if (session.current !== s) return;
      if (err instanceof ApiError && (err.status === 404 || err.status === 403)) finish(null);
      // Network hiccups: keep polling; the next tick will catch up.
    }
  }, [finish]);

  const connect = useCallback(
    async (s: CallerSession) => {
      session.current = s;
      rejoinTried.current = false;
      go('connecting');
      void poll();
      try {
        await callRoom.join(s.id, s.livekitUrl, s.token);
        if (session.current === s && phaseRef.current === 'connecting') go('in_call');
      } catch (err) {
        if (session.current !== s) return;
        setError(`Could not connect the audio: ${errorMessage(err)}`);
        // Do not leave a ghost call in the queue.
        await api.hangupAsCaller(s.id, s.callerKey).catch(() => undefined);
        session.current = null;
        clearSession();
        go('idle');
      }
    },
    [go, poll],
  );

  const start = useCallback(
    (name: string, reason: string, queueId?: string) => {
      audioContext(); // unlock WebAudio inside the click for the hold music
      setError(null);
      setCall(null);
      setLast({ name, reason, queueId: queueId ?? '' });
      rememberName(name);
      go('connecting');
      void (async () => {
        try {
          const created = await api.createCall(name, reason, queueId);
          const s: CallerSession = { ...created, name, reason };
          saveSession(s);
          await connect(s);
        } catch (err) {
          setError(errorMessage(err));
          go('idle');
        }
      })();
    },
    [connect, go],
  );

  const hangup = useCallback(() => {
    const s = session.current;
    if (!s) {
      finish(null);
      return;
    }
    setHangingUp(true);
    void (async () => {
      try {
        const view = await api.hangupAsCaller(s.id, s.callerKey);
        finish(view);
      } catch {
        // The server will notice we left the room; end locally regardless.
        finish(null);
      } finally {
        setHangingUp(false);
      }
    })();
  }, [finish]);

  const reset = useCallback(() => {
    setCall(null);
    setError(null);
    go('idle');
  }, [go]);

  // Resume a call after a reload of this tab.
  useEffect(() => {
    const s = loadSession();
    if (!s) return;
    setLast((l) => ({ ...l, name: s.name, reason: s.reason }));
    void (async () => {
      try {
        const view = await api.getCallAsCaller(s.id, s.callerKey);
        if (view.state === 'ended') {
          clearSession();
          return;
        }
        setCall(view);
        audioContext();
        // The saved token may have expired (they live a minute): ask for the same call again.
        const grant = await api.rejoinAsCaller(s.id, s.callerKey);
        const fresh = { ...s, token: grant.token, livekitUrl: grant.livekitUrl };
        saveSession(fresh);
        await connect(fresh);
      } catch {
        clearSession();
      }
    })();
  }, [connect]);

  // Poll while a call is open.
  const live = phase === 'connecting' || phase === 'in_call';
  useEffect(() => {
    if (!live) return;
    const id = window.setInterval(() => void poll(), POLL_MS);
    return () => window.clearInterval(id);
  }, [live, poll]);

  // The room dropped without us asking: the call may have ended (server closed the room),
  // or the network failed. Check at once; if the call is still open, rejoin once.
  const dropped = room.droppedCount;
  useEffect(() => {
    if (dropped === 0 || phaseRef.current !== 'in_call') return;
    const s = session.current;
    if (!s) return;
    void (async () => {
      await poll();
      if (session.current !== s || phaseRef.current !== 'in_call' || rejoinTried.current) return;
      rejoinTried.current = true;
      try {
        const grant = await api.rejoinAsCaller(s.id, s.callerKey);
        await callRoom.join(s.id, grant.livekitUrl, grant.token);
      } catch {
        setError('The connection was lost.');
      }
    })();
  }, [dropped, poll]);

  // Hold music whenever the caller is waiting for a human.
  const state = call?.state;
  const wantMusic = live && (state === undefined || state === 'waiting' || state === 'on_hold' || call?.agentReconnecting === true);
  useEffect(() => {
    if (wantMusic) holdMusic.start();
    else holdMusic.stop();
    setMusicPlaying(holdMusic.playing);
  }, [wantMusic]);
  useEffect(() => () => holdMusic.stop(), []);

  return {
    phase,
    call,
    error,
    lastName: last.name,
    lastReason: last.reason,
    lastQueueId: last.queueId,
    musicPlaying,
    hangingUp,
    start,
    hangup,
    reset,
  };
}
