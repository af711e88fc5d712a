// The agent's side of supervision: the agent is always told when a supervisor monitors their
// call — listening included (a deliberate choice, docs/ARCHITECTURE.md "Supervision": this is a
// coaching tool, and a whisper must never surprise) — and hears a whisper through the coach
// room, which the caller is never in. The caller is told nothing.
import { useEffect, useState } from 'react';
import { Room, RoomEvent, Track, type RemoteTrack } from 'livekit-client';
import type { CallView } from '../shared/types';
import { supervisorApi } from './api';
import './supervisor.css';

const says = (mode: 'listen' | 'whisper' | 'barge', mine: boolean, agent: string | null) =>
  mode === 'listen'
    ? 'is listening'
    : mode === 'barge'
      ? 'is on the call'
      : mine
        ? 'is whispering to you (the caller cannot hear)'
        : `is whispering to ${agent ?? 'the agent'}`;

/** Everyone on the call in a console is told (B during a consultation too); only the call's agent hears a whisper. */
export function SupervisionNotice({ call, myId }: { call: CallView; myId: string | null }) {
  const monitors = call.monitors ?? [];
  const mine = call.agentId === myId;
  const whispering = mine && monitors.some((m) => m.mode === 'whisper');
  const status = useCoachAudio(whispering ? call.id : null);
  if (monitors.length === 0) return null;
  const top = monitors.find((m) => m.mode === 'barge') ?? monitors.find((m) => m.mode === 'whisper') ?? monitors[0]!;
  return (
    <div className={`supervision-notice sv-mode-${top.mode}`} role="status" data-testid="supervision-notice" data-mode={top.mode}>
      {monitors.map((m) => `Supervisor ${m.supervisorName} ${says(m.mode, mine, call.agentName)}`).join(' · ')}
      {whispering && status === 'failed' && ' — whisper audio not connected'}
    </div>
  );
}

/**
 * Joins the coach room while `callId` is set (a supervisor whispers to us): listen only, the
 * server grants nothing else. Its own Room, so the call's room (useAgentRoom) is untouched.
 */
export function useCoachAudio(callId: string | null): 'idle' | 'connecting' | 'connected' | 'failed' {
  const [status, setStatus] = useState<'idle' | 'connecting' | 'connected' | 'failed'>('idle');
  useEffect(() => {
    if (!callId) {
      setStatus('idle');
      return;
    }
    let stopped = false;
    let room: Room | null = null;
    let tries = 0;
    const host = document.createElement('div');
    host.id = 'warmline-coach-audio';
    host.hidden = true;
    document.body.appendChild(host);
    const connect = async () => {
      if (stopped) return;
      setStatus('connecting');
      try {
        const grant = await supervisorApi.coachJoin(callId);
        if (stopped) return;
        const r = new Room({ adaptiveStream: false, dynacast: false });
        room = r;
        r.on(RoomEvent.TrackSubscribed, (track: RemoteTrack) => {
          if (track.kind === Track.Kind.Audio) host.appendChild(track.attach());
        })
          .on(RoomEvent.TrackUnsubscribed, (track: RemoteTrack) => track.detach().forEach((el) => el.remove()))
          .on(RoomEvent.Disconnected, () => {
            if (stopped || room !== r) return;
            host.replaceChildren();
            retry();
          });
        await r.connect(grant.livekitUrl, grant.token, { autoSubscribe: true });
        if (stopped) await r.disconnect();
        else {
          tries = 0;
          setStatus('connected');
        }
      } catch {
        retry();
      }
    };
    const retry = () => {
      if (stopped) return;
      if (++tries > 5) {
        setStatus('failed');
        return;
      }
      window.setTimeout(() => void connect(), 1000 * tries);
    };
    void connect();
    return () => {
      stopped = true;
      const r = room;
      room = null;
      void r?.disconnect();
      host.remove();
    };
  }, [callId]);
  return status;
}
