// Keeps this agent's LiveKit connection in line with what the server says:
// - explicit joins (accept a call / accept a transfer) connect with the returned grant;
// - after a reload, or when the connection is lost, the engaged call is re-joined by itself
//   with a fresh short-lived token (POST /api/calls/:id/join): the server keeps the call for
//   the reconnect grace period, so a reload never sends the caller back to the queue;
// - one tab holds the audio: a second tab is told "in another tab" and offers "Use this tab"
//   (a manual rejoin takes the audio over; the other tab then shows the same offer);
// - when /me no longer shows an engagement (call ended, transfer completed), leave the room;
// - when the server removes us (Disconnected), /me is refreshed right away.
import { useCallback, useEffect, useRef } from 'react';
import { ApiError, api } from '../shared/api';
import { callRoom, useCallRoom } from '../shared/livekit';
import type { Me, RoomGrant } from '../shared/types';
import { engagedCall } from './engagement';

interface Session {
  callId: string;
  /** Date.now() when the server confirmed the grant; /me answers sent before that are stale. */
  since: number;
  pending: boolean;
}

export interface AgentRoom {
  /** Join the call room with a grant obtained by `getGrant` (accept call / accept transfer). */
  join(callId: string, getGrant: () => Promise<RoomGrant>): Promise<void>;
  /** "Reconnect audio" / "Use this tab": join the engaged call here, taking it from another tab. */
  rejoin(): Promise<void>;
  leave(): Promise<void>;
}

export function useAgentRoom(me: Me | null, meSentAt: number, refreshMe: () => Promise<void>): AgentRoom {
  const session = useRef<Session | null>(null);
  const attempted = useRef(new Set<string>());
  const room = useCallRoom();

  const leave = useCallback(async () => {
    session.current = null;
    await callRoom.leave();
  }, []);

  const join = useCallback(async (callId: string, getGrant: () => Promise<RoomGrant>) => {
    attempted.current.add(callId);
    const s: Session = { callId, since: Number.POSITIVE_INFINITY, pending: true };
    session.current = s;
    try {
      const grant = await getGrant();
      // A home read after the grant knows the change that allowed the join (both server clock).
      s.since = grant.issuedAt ? Date.parse(grant.issuedAt) : Date.now();
      if (session.current !== s) return;
      await callRoom.join(callId, grant.livekitUrl, grant.token);
    } catch (err) {
      if (session.current === s) session.current = null;
      if (err instanceof ApiError && err.code === 'in_use_elsewhere') callRoom.markElsewhere();
      throw err;
    } finally {
      s.pending = false;
    }
  }, []);

  const engagedCallId = engagedCall(me)?.id ?? null;
  const engagedRef = useRef(engagedCallId);
  engagedRef.current = engagedCallId;

  const rejoin = useCallback(async () => {
    const callId = engagedRef.current;
    if (callId) await join(callId, () => api.rejoinAsAgent(callId, true));
  }, [join]);

  useEffect(() => {
    if (!me) return;
    const s = session.current;
    if (!engagedCallId) {
      if (s && !s.pending && meSentAt > s.since) void leave();
      return;
    }
    if (s && s.callId === engagedCallId) return;
    if (s && (s.pending || meSentAt <= s.since)) return; // /me has not caught up with our join yet
    if (attempted.current.has(engagedCallId)) return;
    // A reload (or a call handed to us while this tab had none): rejoin without taking the
    // audio from another tab of ours.
    void join(engagedCallId, () => api.rejoinAsAgent(engagedCallId)).catch(() => undefined);
  }, [me, meSentAt, engagedCallId, join, leave]);

  // The connection went away without us asking.
  const dropped = room.droppedCount;
  const dropReason = room.dropReason;
  useEffect(() => {
    if (dropped === 0) return;
    if (dropReason === 'lost' && session.current) {
      // Network lost (not removed by the server, not taken by another tab): rejoin by itself
      // while /me still shows the call; the server holds it for the grace period.
      const callId = session.current.callId;
      session.current = null;
      attempted.current.delete(callId);
    }
    if (dropReason === 'elsewhere') session.current = null; // stay out until "Use this tab"
    void refreshMe();
  }, [dropped, dropReason, refreshMe]);

  return { join, rejoin, leave };
}
