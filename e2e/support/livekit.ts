// A private, loopback-only livekit-server for an e2e test file, plus token/API helpers.
//
// Delegates to the project's devkit/dev-livekit.ts (free ports, media advertised
// on 127.0.0.1 only, watchdog so the server never outlives the test process).
//
//   const lk = await startTestLivekit();
//   const token = await lk.token('alice', 'room-1');
//   await lk.rooms.updateParticipant('room-1', 'alice', { permission: { canSubscribe: false } });
//   await lk.stop();

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessToken, RoomServiceClient, type VideoGrant } from 'livekit-server-sdk';
import { startDevLivekit, type DevLivekit, type DevLivekitOptions } from '../../devkit/dev-livekit.js';
import { findOrInstallLivekit } from '../../devkit/ensure-livekit.mjs';

export interface TestLivekit extends DevLivekit {
  rooms: RoomServiceClient;
  /** A join token for `identity` in `room` (publish + subscribe + data unless overridden). */
  token(identity: string, room: string, grant?: Partial<VideoGrant>, ttlSeconds?: number): Promise<string>;
}

/** The livekit-server binary, found as `npm test` finds it (no install here). */
export async function livekitBinary(): Promise<string> {
  return findOrInstallLivekit({ install: false, log: () => {} });
}

export async function startTestLivekit(opts: Partial<DevLivekitOptions> = {}): Promise<TestLivekit> {
  const binary = opts.binary ?? (await livekitBinary());
  // One shared log directory instead of a new temp dir per run (files are named by port).
  const logDir = opts.logDir ?? process.env.E2E_LIVEKIT_LOG_DIR ?? join(tmpdir(), 'warmline-e2e-livekit-logs');
  const lk = await startDevLivekit({ ...opts, binary, logDir });
  const rooms = new RoomServiceClient(lk.httpUrl, lk.apiKey, lk.apiSecret);
  return Object.assign(lk, {
    rooms,
    async token(identity: string, room: string, grant: Partial<VideoGrant> = {}, ttlSeconds = 600): Promise<string> {
      const t = new AccessToken(lk.apiKey, lk.apiSecret, { identity, ttl: ttlSeconds });
      t.addGrant({ room, roomJoin: true, canPublish: true, canSubscribe: true, canPublishData: true, ...grant });
      return t.toJwt();
    },
  });
}
