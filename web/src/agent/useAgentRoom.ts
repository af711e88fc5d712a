// Keeps this agent's LiveKit connection in line with what the server says:
// - explicit joins (accept a call / accept a transfer) connect with the returned grant;
// - after a reload, an engaged call is re-joined once (accept again = fresh token);
// - when /me no longer shows an engagement (call ended, transfer completed), leave the room;
// - when the server removes us (Disconnected), /me is refreshed right away.
import { useCallback, useEffect, useRef } from 'react';
import { api } from '../shared/api';
import { callRoom, useCallRoom } from '../shared/livekit';
import type { Me, RoomGrant } from '../shared/types';
import { type Engagement, engagementOf } from './engagement';

interface Session {
  callId: string;
  /** Date.now() when the server confirmed the grant; /me answers sent before that are stale. */
  since: number;
  pending: boolean;
}

export interface AgentRoom {
  /** Join the call room with a grant obtained by `getGrant` (accept call / accept transfer). */
  join(callId: string, getGrant: () => Promise<RoomGrant>): Promise<void>;
  /** Rejoin the currently engaged call (manual "Reconnect audio"). */
  rejoin(): Promise<void>;
  leave(): Promise<void>;
}

function grantFor(e: Engagement): (() => Promise<RoomGrant>) | null {
  switch (e.kind) {
    case 'call':
      return () => api.acceptCall(e.callId);
    case 'consult':
      return () => api.acceptTransfer(e.transfer.id);
    case 'introducing':
      return null; // A no longer owns the call; nothing to re-accept.
  }
}

export function useAgentRoom(me: Me | null, meSentAt: number, refreshMe: () => Promise<void>): AgentRoom {
  const session = useRef<Session | null>(null);
  const attempted = useRef(new Set<string>());
  const room = useCallRoom();

  const leave = useCallback(async () => {
    session.current = null;
    await callRoom.leave();
  }, []);

  const join = useCallback(
    async (callId: string, getGrant: () => Promise<RoomGrant>) => {
      attempted.current.add(callId);
      const s: Session = { callId, since: Number.POSITIVE_INFINITY, pending: true };
      session.current = s;
      try {
        const grant = await getGrant();
        s.since = Date.now();
        if (session.current !== s) return;
        await callRoom.join(callId, grant.livekitUrl, grant.token);
      } catch (err) {
        if (session.current === s) session.current = null;
        throw err;
      } finally {
        s.pending = false;
      }
    },
    [],
  );

  const engagement = engagementOf(me);
  const engagedCallId = engagement?.callId ?? null;
  const engagementRef = useRef(engagement);
  engagementRef.current = engagement;

  const rejoin = useCallback(async () => {
    const e = engagementRef.current;
    if (!e) return;
    const g = grantFor(e);
    if (g) await join(e.callId, g);
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
    const e = engagementRef.current;
    const g = e && grantFor(e);
    if (!g) return;
    void join(engagedCallId, g).catch(() => undefined);
  }, [me, meSentAt, engagedCallId, join, leave]);

  // The server took us out of the room (completed transfer, call ended): check /me now.
  const dropped = room.droppedCount;
  useEffect(() => {
    if (dropped > 0) void refreshMe();
  }, [dropped, refreshMe]);

  return { join, rejoin, leave };
}
