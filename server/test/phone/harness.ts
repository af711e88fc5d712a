// A stand-in for Warmline's media route around PhoneBridge, for the bridge test and the phone
// benchmark: a private livekit-server, a bare `ws` server that does what the route will do
// (readStart, look the stream's token up, PhoneBridge.start), and the Twilio emulator's Media
// Streams client as the phone, with a Goertzel detector on everything the phone plays.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { AccessToken, RoomServiceClient } from 'livekit-server-sdk';
import { pino, type Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { startDevLivekit, type DevLivekit } from '../../../devkit/dev-livekit.js';
import { findOrInstallLivekit } from '../../../devkit/ensure-livekit.mjs';
import { openMediaStream, type MediaStreamClient } from '../../../devkit/twilio-emulator/media-client.js';
import { toneDetector } from '../../../testkit/goertzel.js';
import { PhoneBridge, type EndReason, type LegMode } from '../../src/phone/bridge.js';
import { readStart } from '../../src/phone/media-stream.js';

export const TONES = [440, 660, 880, 1000] as const;
const detect = toneDetector({ sampleRate: 8000, targets: TONES });
/** Lower bar, for frames holding two tones at once (mixing). */
const detectMix = toneDetector({ sampleRate: 8000, targets: TONES, minFraction: 0.2 });

export interface PhoneFrame {
  t: number;
  rms: number;
  tone: number | null;
  /** Tones holding ≥ 20 % of the frame's energy each. */
  present: number[];
}

export interface PhoneLeg {
  identity: string;
  room: string;
  client: MediaStreamClient;
  bridge: PhoneBridge;
  ends: EndReason[];
  dtmf: string[];
  frames: PhoneFrame[];
  /** Frames played in [from, to), and those with `freq` (dominant, or present when `mixed`). */
  count(freq: number | null, from: number, to: number, mixed?: boolean): number;
}

export interface Harness {
  livekit: DevLivekit;
  rooms: RoomServiceClient;
  token(identity: string, room: string, canPublish?: boolean): Promise<string>;
  /** `rejoin`: the bridge's PhoneBridgeOptions.rejoin (a fresh token, or null: the leg is over). */
  openPhone(o: { room: string; identity: string; mode: LegMode; hz: number | null; canPublish?: boolean; rejoin?: () => Promise<string | null> }): Promise<PhoneLeg>;
  stop(): Promise<void>;
}

type Pending = { room: string; identity: string; mode: LegMode; canPublish: boolean; rejoin?: () => Promise<string | null>; resolve: (b: PhoneBridge) => void; reject: (e: Error) => void; ends: EndReason[]; dtmf: string[] };

export async function startHarness(opts: { log?: Logger } = {}): Promise<Harness> {
  const log = opts.log ?? pino({ level: process.env.PHONE_TEST_LOG ?? 'silent' });
  const binary: string = await findOrInstallLivekit({ log: () => {} });
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warmline-phone-'));
  const livekit = await startDevLivekit({ binary, logDir });
  const rooms = new RoomServiceClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
  const token = (identity: string, room: string, canPublish = true) => {
    const t = new AccessToken(livekit.apiKey, livekit.apiSecret, { identity, ttl: 600 });
    t.addGrant({ roomJoin: true, room, canPublish, canSubscribe: true, canPublishData: true });
    return t.toJwt();
  };

  const pending = new Map<string, Pending>();
  let seq = 0;
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/twilio/media`;
  // What the lead's route does: read `start`, find the leg by its single-use token, bridge it.
  wss.on('connection', (socket) => {
    void (async () => {
      const start = await readStart(socket, 5000);
      const p = pending.get(start.start.customParameters.token ?? '');
      if (!p) return socket.close(1008);
      pending.delete(start.start.customParameters.token!);
      const bridge = await PhoneBridge.start({
        socket,
        start,
        livekitUrl: livekit.url,
        token: await token(p.identity, p.room, p.canPublish),
        mode: p.mode,
        log: log.child({ leg: p.identity }),
        onEnd: (r) => p.ends.push(r),
        onDtmf: (d) => p.dtmf.push(d),
        rejoin: p.rejoin,
        rejoinBackoffMs: [100, 200, 400],
      });
      p.resolve(bridge);
    })().catch((err: Error) => {
      for (const p of pending.values()) p.reject(err);
    });
  });

  return {
    livekit,
    rooms,
    token,
    async openPhone(o) {
      const key = `stream-token-${++seq}`;
      const ends: EndReason[] = [];
      const dtmf: string[] = [];
      const bridged = new Promise<PhoneBridge>((resolve, reject) =>
        pending.set(key, { room: o.room, identity: o.identity, mode: o.mode, canPublish: o.canPublish ?? true, rejoin: o.rejoin, resolve, reject, ends, dtmf }),
      );
      const client = await openMediaStream({
        connectUrl: url,
        signedUrl: 'wss://warmline.test/twilio/media',
        authToken: 'test-auth-token',
        accountSid: 'AC' + '0'.repeat(32),
        callSid: 'CA' + String(seq).padStart(32, '0'),
        customParameters: { token: key },
        source: o.hz === null ? { kind: 'silence' } : { kind: 'tone', hz: o.hz },
      });
      const frames: PhoneFrame[] = [];
      client.onPlayout((f) => {
        const a = detect(f.samples);
        const m = detectMix(f.samples);
        frames.push({ t: f.atMs, rms: a.rms, tone: a.tone, present: m.rms >= 0.01 ? TONES.filter((_, i) => m.fractions[i]! >= 0.2) : [] });
      });
      const bridge = await bridged;
      return {
        identity: o.identity,
        room: o.room,
        client,
        bridge,
        ends,
        dtmf,
        frames,
        count(freq, from, to, mixed = false) {
          return frames.filter(
            (f) => f.t >= from && f.t < to && (freq === null || (mixed ? f.present.includes(freq) : f.tone === freq)),
          ).length;
        },
      };
    },
    async stop() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await livekit.stop();
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `get` returns something truthy, or returns null after `timeoutMs`. */
export async function until<T>(
  get: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  timeoutMs: number,
  everyMs = 20,
): Promise<T | null> {
  const t0 = Date.now();
  for (;;) {
    const v = await get();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) return null;
    await sleep(everyMs);
  }
}
