// The LiveKit adapter: join tokens minted from the record's entitlement, the server-side
// permission changes that enforce hold and consultation privacy, and LiveKit's view of a
// room for the reconciler. Every RPC is bounded (MEDIA_TIMEOUT_MS) and every failure becomes a
// MediaError here, so no LiveKit error type leaks past this file (errors.ts maps it to
// `503 media_unavailable`, next to the other adapters' errors).
import { AccessToken, RoomServiceClient, ServerError, TrackSource, WebhookReceiver } from 'livekit-server-sdk';
import type { Permission } from '../domain/room-policy.js';
import { livekitRpc, timed } from '../metrics/registry.js';

export interface RoomParticipant {
  identity: string;
  sid: string;
  permission: Permission;
  attributes: Record<string, string>;
}

export interface TokenRequest {
  room: string;
  identity: string;
  name: string;
  permission: Permission;
  /** Stored on the participant; the join webhook carries them back (e.g. which console tab). */
  attributes?: Record<string, string>;
}

export interface MediaControl {
  /** URL browsers connect to. */
  readonly clientUrl: string;
  ensureRoom(room: string): Promise<void>;
  token(req: TokenRequest): Promise<string>;
  setPermission(room: string, identity: string, permission: Permission): Promise<void>;
  removeParticipant(room: string, identity: string): Promise<void>;
  closeRoom(room: string): Promise<void>;
  listParticipants(room: string): Promise<RoomParticipant[]>;
  /** Every room with its participant count (a room nobody is in needs no closer look). */
  listRooms(): Promise<Array<{ name: string; participants: number }>>;
  /**
   * Whether a node still hosts `identity`'s connection: `gone` when none does. In a LiveKit
   * cluster, ListParticipants reads LiveKit's shared store (Redis), which keeps listing the
   * participants of a node that died (killed, crashed) for as long as their room lives; only a
   * request routed to the participant's node tells (a no-op UpdateParticipant: no node claims it).
   * `unknown`: no answer either way in time.
   */
  probeParticipant(room: string, identity: string): Promise<'hosted' | 'gone' | 'unknown'>;
  ping(): Promise<void>;
}

export const callerIdentity = (callId: string) => `caller:${callId}`;
export const agentIdentity = (agentId: string) => `agent:${agentId}`;
/** A phone specialist's bridge in the room: one per phone transfer. (A phone caller is the call's caller.) */
export const phoneIdentity = (transferId: string) => `phone:${transferId}`;
/** A supervisor monitoring a call (in its room, and in its coach room while whispering). */
export const supervisorIdentity = (agentId: string) => `supervisor:${agentId}`;

export type ParsedIdentity =
  | { kind: 'caller'; callId: string }
  | { kind: 'agent'; agentId: string }
  | { kind: 'phone'; transferId: string }
  | { kind: 'supervisor'; agentId: string };

export function parseIdentity(identity: string): ParsedIdentity | null {
  const [kind, id] = [identity.slice(0, identity.indexOf(':')), identity.slice(identity.indexOf(':') + 1)];
  if (!id) return null;
  if (kind === 'caller') return { kind, callId: id };
  if (kind === 'agent') return { kind, agentId: id };
  if (kind === 'phone') return { kind, transferId: id };
  if (kind === 'supervisor') return { kind, agentId: id };
  return null;
}

const isNotFound = (err: unknown) => err instanceof ServerError && (err.status === 404 || err.code === 'not_found');
/** LiveKit's internal RPC (psrpc ErrNoResponse): no node claimed a request routed to a participant or room. */
const isUnclaimed = (err: unknown) => err instanceof ServerError && err.code === 'unavailable' && /no response from servers/.test(err.message);

/** LiveKit refused (4xx other than not-found), failed or could not be reached in time. The LiveKit adapter's one error. */
export class MediaError extends Error {
  override readonly name = 'MediaError';
}

function translate(err: unknown, what: string): never {
  const detail = err instanceof ServerError ? `${err.status} ${err.code ?? ''}`.trim() : (err as Error)?.name ?? 'error';
  throw new MediaError(`LiveKit did not ${what} (${detail}); the call record is kept and media will follow when LiveKit answers.`, { cause: err });
}

export interface LivekitMediaOptions {
  url: string;
  apiKey: string;
  apiSecret: string;
  /** Upper bound for every RPC. */
  timeoutMs?: number;
  /** Join token lifetime; LiveKit refreshes the token of a connected participant. */
  tokenTtlS?: number;
  /** How long an empty room lives on after its last participant left. */
  departureTimeoutS?: number;
}

export function createLivekitMedia(opts: LivekitMediaOptions): MediaControl {
  const httpUrl = opts.url.replace(/^ws/, 'http');
  const rooms = new RoomServiceClient(httpUrl, opts.apiKey, opts.apiSecret, { requestTimeout: (opts.timeoutMs ?? 2000) / 1000 });
  // A probe waits for LiveKit's own verdict: its internal RPC gives up on an unclaimed request
  // after 3 s (measured, livekit-server 1.13.5), later than MEDIA_TIMEOUT_MS. Probes never run on
  // a request's path (services/media-sync.ts).
  const probes = new RoomServiceClient(httpUrl, opts.apiKey, opts.apiSecret, { requestTimeout: ((opts.timeoutMs ?? 2000) + 3000) / 1000 });
  const ttl = opts.tokenTtlS ?? 60;

  // `method` names the RoomService RPC in warmline_livekit_rpc_duration_seconds.
  // `unclaimed`: a participant whose node is gone counts as not in the room (nothing to change or remove).
  async function run<T>(method: string, what: string, fn: () => Promise<T>, notFound?: () => T, unclaimed = false): Promise<T> {
    const absent = (err: unknown) => isNotFound(err) || (unclaimed && isUnclaimed(err));
    try {
      return await timed(livekitRpc, method, fn, (err) => (absent(err) ? 'not_found' : 'error'));
    } catch (err) {
      if (notFound && absent(err)) return notFound();
      translate(err, what);
    }
  }

  return {
    clientUrl: opts.url.replace(/^http/, 'ws'),
    async ensureRoom(room) {
      // Created up front so tokens never need the roomCreate grant.
      await run('CreateRoom', 'create the room', () =>
        rooms.createRoom({ name: room, emptyTimeout: 10 * 60, departureTimeout: opts.departureTimeoutS ?? 60 }),
      );
    },
    async token(req) {
      const at = new AccessToken(opts.apiKey, opts.apiSecret, { identity: req.identity, name: req.name, ttl, attributes: req.attributes });
      at.addGrant({
        room: req.room,
        roomJoin: true,
        canPublish: req.permission.canPublish,
        canSubscribe: req.permission.canSubscribe,
        canPublishData: false,
        canPublishSources: [TrackSource.MICROPHONE],
        canUpdateOwnMetadata: false,
        // Hidden from the first moment (a listening supervisor): a later update could not take back a join already announced.
        ...(req.permission.hidden ? { hidden: true } : {}),
      });
      return at.toJwt();
    },
    async setPermission(room, identity, permission) {
      // Not in the room (yet, or any more): the join webhook applies the record when they come.
      await run(
        'UpdateParticipant',
        'update permissions',
        async () => {
          await rooms.updateParticipant(room, identity, {
            // The whole set is replaced: `hidden` absent is false (everyone but a listening supervisor).
            permission: { ...permission, canPublishData: false, canPublishSources: [TrackSource.MICROPHONE] },
          });
        },
        () => undefined,
        true,
      );
    },
    async removeParticipant(room, identity) {
      await run('RemoveParticipant', 'remove the participant', () => rooms.removeParticipant(room, identity), () => undefined, true);
    },
    async closeRoom(room) {
      await run('DeleteRoom', 'close the room', () => rooms.deleteRoom(room), () => undefined);
    },
    async listParticipants(room) {
      const list = await run('ListParticipants', 'list participants', () => rooms.listParticipants(room), () => []);
      return list.map((p) => ({
        identity: p.identity,
        sid: p.sid,
        permission: { canPublish: p.permission?.canPublish ?? false, canSubscribe: p.permission?.canSubscribe ?? false, hidden: p.permission?.hidden ?? false },
        attributes: { ...(p.attributes ?? {}) },
      }));
    },
    async listRooms() {
      return (await run('ListRooms', 'list rooms', () => rooms.listRooms())).map((r) => ({ name: r.name, participants: r.numParticipants }));
    },
    async probeParticipant(room, identity) {
      try {
        // No name, metadata, attributes or permission: changes nothing, sends nothing to anyone.
        // Its own method label: a dead connection's 3 s must not read as UpdateParticipant latency.
        await timed(livekitRpc, 'ProbeParticipant', () => probes.updateParticipant(room, identity, {}), (err) =>
          isNotFound(err) || isUnclaimed(err) ? 'not_found' : 'error',
        );
        return 'hosted';
      } catch (err) {
        if (isNotFound(err) || isUnclaimed(err)) return 'gone';
        if (err instanceof ServerError) translate(err, 'answer for the participant');
        return 'unknown'; // timed out or unreachable: no conclusion
      }
    },
    async ping() {
      await run('Ping', 'answer', () => rooms.listRooms(['warmline-health-probe']));
    },
  };
}

export function createWebhookReceiver(apiKey: string, apiSecret: string) {
  return new WebhookReceiver(apiKey, apiSecret);
}
