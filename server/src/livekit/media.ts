// The LiveKit adapter: tokens with the least grants each role needs, and the
// server-side permission changes that enforce hold and consultation privacy.
import { AccessToken, RoomServiceClient, ServerError, TrackSource, WebhookReceiver } from 'livekit-server-sdk';

export interface MediaControl {
  /** URL browsers connect to. */
  readonly clientUrl: string;
  ensureRoom(room: string): Promise<void>;
  callerToken(room: string, identity: string, name: string): Promise<string>;
  agentToken(room: string, identity: string, name: string): Promise<string>;
  /** held: the caller hears nothing and publishes nothing, enforced by the SFU. */
  setCallerMedia(room: string, identity: string, mode: 'live' | 'held'): Promise<void>;
  removeParticipant(room: string, identity: string): Promise<void>;
  closeRoom(room: string): Promise<void>;
  ping(): Promise<void>;
}

export const TOKEN_TTL_S = 2 * 60 * 60;
export const callerIdentity = (callId: string) => `caller:${callId}`;
export const agentIdentity = (agentId: string) => `agent:${agentId}`;

export function parseIdentity(identity: string): { kind: 'caller'; callId: string } | { kind: 'agent'; agentId: string } | null {
  const [kind, id] = [identity.slice(0, identity.indexOf(':')), identity.slice(identity.indexOf(':') + 1)];
  if (!id) return null;
  if (kind === 'caller') return { kind, callId: id };
  if (kind === 'agent') return { kind, agentId: id };
  return null;
}

const isNotFound = (err: unknown) =>
  err instanceof ServerError && (err.status === 404 || err.code === 'not_found');

export function createLivekitMedia(opts: { url: string; apiKey: string; apiSecret: string }): MediaControl {
  const httpUrl = opts.url.replace(/^ws/, 'http');
  const rooms = new RoomServiceClient(httpUrl, opts.apiKey, opts.apiSecret, { requestTimeout: 5 });

  async function token(room: string, identity: string, name: string): Promise<string> {
    const at = new AccessToken(opts.apiKey, opts.apiSecret, { identity, name, ttl: TOKEN_TTL_S });
    at.addGrant({
      room,
      roomJoin: true,
      canPublish: true,
      canSubscribe: true,
      canPublishData: false,
      canPublishSources: [TrackSource.MICROPHONE],
      canUpdateOwnMetadata: false,
    });
    return at.toJwt();
  }

  return {
    clientUrl: opts.url.replace(/^http/, 'ws'),
    async ensureRoom(room) {
      // Created up front so tokens never need the roomCreate grant.
      await rooms.createRoom({ name: room, emptyTimeout: 10 * 60, departureTimeout: 20 });
    },
    callerToken: token,
    agentToken: token,
    async setCallerMedia(room, identity, mode) {
      const live = mode === 'live';
      try {
        await rooms.updateParticipant(room, identity, {
          permission: {
            canPublish: live,
            canSubscribe: live,
            canPublishData: false,
            canPublishSources: [TrackSource.MICROPHONE],
          },
        });
      } catch (err) {
        // Not in the room yet (or gone): the webhook re-applies the state when they join.
        if (!isNotFound(err)) throw err;
      }
    },
    async removeParticipant(room, identity) {
      try {
        await rooms.removeParticipant(room, identity);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    },
    async closeRoom(room) {
      try {
        await rooms.deleteRoom(room);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    },
    async ping() {
      await rooms.listRooms(['warmline-health-probe']);
    },
  };
}

export function createWebhookReceiver(apiKey: string, apiSecret: string) {
  return new WebhookReceiver(apiKey, apiSecret);
}
