// The private livekit-server used by dev, tests and benchmarks: starts on free loopback
// ports, carries real audio between two @livekit/rtc-node participants (each hears the
// other's tone, measured with Goertzel), relays signed webhooks, and frees its ports on stop().
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AudioFrame,
  AudioSource,
  AudioStream,
  LocalAudioTrack,
  Room,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
  dispose,
  type RemoteTrack,
} from '@livekit/rtc-node';
import { AccessToken, WebhookReceiver, type WebhookEvent } from 'livekit-server-sdk';
import { startDevLivekit, type DevLivekit } from './dev-livekit.js';
import { findOrInstallLivekit } from './ensure-livekit.mjs';
import { toneDetector } from '../testkit/goertzel.js';


const SR = 48_000;
const FRAME = 480; // 10 ms
const AMP = 8000;

const detect = toneDetector({ sampleRate: SR, targets: [440, 880] });

interface Heard {
  frames: number;
  /** frames in which each frequency was clearly present */
  tone: Record<number, number>;
}

class TonePeer {
  readonly room = new Room();
  readonly source = new AudioSource(SR, 1, 40);
  readonly heard: Heard = { frames: 0, tone: { 440: 0, 880: 0 } };
  private running = true;

  constructor(
    readonly identity: string,
    readonly freq: number,
  ) {}

  async join(lk: DevLivekit, roomName: string): Promise<void> {
    const at = new AccessToken(lk.apiKey, lk.apiSecret, { identity: this.identity, ttl: '5m' });
    at.addGrant({ roomJoin: true, room: roomName, canPublish: true, canSubscribe: true });
    this.room.on(RoomEvent.TrackSubscribed, (track: RemoteTrack) => {
      if (track.kind === TrackKind.KIND_AUDIO) void this.listen(track);
    });
    await this.room.connect(lk.url, await at.toJwt(), { autoSubscribe: true, dynacast: false });
    void this.sing();
    const track = LocalAudioTrack.createAudioTrack('tone', this.source);
    await this.room.localParticipant!.publishTrack(track, new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE }));
  }

  private async sing(): Promise<void> {
    let phase = 0;
    const w = (2 * Math.PI * this.freq) / SR;
    while (this.running) {
      const frame = AudioFrame.create(SR, 1, FRAME);
      for (let i = 0; i < FRAME; i++) {
        frame.data[i] = Math.round(AMP * Math.sin(phase));
        phase += w;
      }
      phase %= 2 * Math.PI;
      try {
        await this.source.captureFrame(frame);
      } catch {
        return;
      }
    }
  }

  private async listen(track: RemoteTrack): Promise<void> {
    for await (const frame of new AudioStream(track, { sampleRate: SR, numChannels: 1 })) {
      this.heard.frames++;
      const f = detect(frame.data).tone;
      if (f !== null) this.heard.tone[f] = (this.heard.tone[f] ?? 0) + 1;
    }
  }

  async leave(): Promise<void> {
    this.running = false;
    await this.room.disconnect();
    await this.source.close();
  }
}

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createNetServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

describe('dev livekit-server (real binary, loopback only)', () => {
  let lk: DevLivekit;
  let binary = '';
  const webhooks: WebhookEvent[] = [];
  const hookServer = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      new WebhookReceiver('devkey', 'secret')
        .receive(Buffer.concat(chunks).toString('utf8'), req.headers.authorization)
        .then((ev) => {
          webhooks.push(ev);
          res.writeHead(200).end();
        })
        .catch(() => res.writeHead(401).end());
    });
  });

  beforeAll(async () => {
    binary = await findOrInstallLivekit({ log: () => {} });
    lk = await startDevLivekit({
      binary,
      logDir: mkdtempSync(join(tmpdir(), 'warmline-lk-test-')),
      webhookRelay: true, // webhook target set after start (see below)
    });
    await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', () => r()));
    const addr = hookServer.address();
    lk.setWebhookTarget(`http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/hook`);
  }, 60_000);

  afterAll(async () => {
    await lk?.stop();
    hookServer.close();
    await dispose();
  });

  it('answers GET / with OK on free ports and advertises only 127.0.0.1', async () => {
    const res = await fetch(`${lk.httpUrl}/`);
    expect(res.status).toBe(200);
    expect((await res.text()).trim()).toBe('OK');
    expect(lk.url).toBe(`ws://127.0.0.1:${lk.ports.http}`);
    const ports = [lk.ports.http, lk.ports.rtcTcp, lk.ports.rtcUdp];
    expect(new Set(ports).size).toBe(3);
    expect(ports).not.toContain(7880);
    expect(lk.configYaml).toContain('node_ip: 127.0.0.1');
    expect(lk.configYaml).toContain('use_external_ip: false');
    expect(lk.configYaml).toMatch(/stun_servers:\n {4}- 127\.0\.0\.1:\d+/);
  });

  it('carries audio both ways: each participant hears the other tone, not its own', async () => {
    const caller = new TonePeer('caller', 440);
    const agent = new TonePeer('agent', 880);
    try {
      await caller.join(lk, 'dev-server-test');
      await agent.join(lk, 'dev-server-test');
      await until(() => (caller.heard.tone[880] ?? 0) >= 20 && (agent.heard.tone[440] ?? 0) >= 20, 15_000, 'two-way tones');
      expect(caller.heard.tone[440]).toBe(0);
      expect(agent.heard.tone[880]).toBe(0);
      await until(
        () => webhooks.some((w) => w.event === 'participant_joined' && w.participant?.identity === 'agent' && w.room?.name === 'dev-server-test'),
        5_000,
        'signed participant_joined webhook through the relay',
      );
    } finally {
      await caller.leave();
      await agent.leave();
    }
  }, 45_000);

  it('stop() frees the signal port', async () => {
    const other = await startDevLivekit({ binary, logDir: mkdtempSync(join(tmpdir(), 'warmline-lk-test-')) });
    const port = other.ports.http;
    expect(other.ports.http).not.toBe(lk.ports.http);
    expect(await canListen(port)).toBe(false);
    await other.stop();
    expect(await canListen(port)).toBe(true);
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
    // the first instance is unaffected
    expect((await fetch(`${lk.httpUrl}/`)).status).toBe(200);
  }, 30_000);
});
