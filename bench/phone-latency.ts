// Phone benchmark, part 1: one-way latency through a PhoneBridge, each direction, by tone onset, and
// what the bridge adds over a participant that needs no bridge.
//
//   room → phone  agent (rtc-node tone participant) switches 440 ↔ 660 Hz; the phone's first played
//                 20 ms frame of the new tone. Reference: a 48 kHz rtc-node listener in the same room
//                 hearing the same onset. Bridge adds = phone − listener, per onset.
//   phone → room  the phone (emulator) switches 1000 ↔ 880 Hz; the agent's first 10 ms frame of it.
//                 Reference: a direct publisher in another room, built like the bridge's (8 kHz
//                 AudioSource, 20 ms frames on a 20 ms clock) but fed in-process; its listener
//                 is the same kind of participant. Bridge adds = median(phone) − median(direct):
//                 the WebSocket hop, base64/μ-law decoding and the capture queue.
import { performance } from 'node:perf_hooks';
import { AccessToken } from 'livekit-server-sdk';
import { AudioFrame, AudioSource, LocalAudioTrack, Room, TrackPublishOptions, TrackSource } from '@livekit/rtc-node';
import { openMediaStream } from '../devkit/twilio-emulator/media-client.js';
import { sineFrame, toneDetector } from '../testkit/goertzel.js';
import { ToneParticipant } from '../testkit/tone-participant.js';
import { Pacer } from '../server/src/phone/pacer.js';
import { sleep } from './lib/report.js';

export interface LatencyHost {
  url: string;
  /** Depth/floor of the host's first live bridge, for the report. */
  describe(): Promise<string>;
}
type Keys = { url: string; apiKey: string; apiSecret: string };

const TONES = [440, 660, 880, 1000];
const detect = toneDetector({ sampleRate: 8000, targets: TONES });

/** An 8 kHz publisher shaped like the bridge's, fed by a local 20 ms clock instead of a phone. */
async function directPublisher(lk: Keys, token: string, hz: number) {
  const room = new Room();
  await room.connect(lk.url, token, { autoSubscribe: false, dynacast: false });
  const source = new AudioSource(8000, 1, 20);
  await room.localParticipant!.publishTrack(LocalAudioTrack.createAudioTrack('direct', source), new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE, dtx: false, red: false }));
  source.clearQueue();
  let n = 0;
  let busy = false;
  const state = { hz };
  const pacer = new Pacer(20, () => {
    const data = sineFrame(state.hz, 8000, 160, n);
    n += 160;
    if (busy) return; // a capture still pending: drop, as the bridge does with its backlog
    busy = true;
    source.captureFrame(new AudioFrame(data, 8000, 1, 160)).finally(() => (busy = false)).catch(() => {});
  }, 1);
  pacer.start();
  return {
    setTone: (f: number) => ((state.hz = f), (n = 0)),
    close: async () => (pacer.stop(), await room.disconnect(), await source.close()),
  };
}

export async function measureLatency(host: LatencyHost, lk: Keys, samples: number) {
  const token = (identity: string, room: string) => {
    const t = new AccessToken(lk.apiKey, lk.apiSecret, { identity, ttl: 3600 });
    t.addGrant({ roomJoin: true, room, canPublish: true, canSubscribe: true });
    return t.toJwt();
  };
  const join = async (label: string, room: string, freq: number | null) =>
    ToneParticipant.join({ url: lk.url, token: await token(label, room), label, freq, targets: TONES });
  const agent = await join('agent', 'lat', 440);
  const listener = await join('listener', 'lat', null);
  const refListener = await join('ref-listener', 'ref', null);
  const direct = await directPublisher(lk, await token('direct', 'ref'), 1000);
  const client = await openMediaStream({
    connectUrl: host.url,
    signedUrl: 'wss://bench.test/twilio/media',
    authToken: 'bench',
    accountSid: 'AC' + '0'.repeat(32),
    callSid: 'CA' + '9'.repeat(32),
    customParameters: { room: 'lat', identity: 'phone' },
    source: { kind: 'tone', hz: 1000 },
  });
  const played: { t: number; tone: number | null }[] = [];
  client.onPlayout((f) => played.push({ t: f.atMs, tone: detect(f.samples).tone }));
  const out = { down: [] as number[], downRef: [] as number[], downAdds: [] as number[], up: [] as number[], upRef: [] as number[], misses: 0, bridge: '' };
  const phoneHears = async (hz: number, since: number) => {
    for (let w = 0; w < 300; w++) {
      const hit = played.find((f) => f.t >= since && f.tone === hz);
      if (hit) return hit.t;
      await sleep(10);
    }
    return null;
  };
  try {
    const ready = await Promise.all([agent.waitFor(1000, 0, 15_000), listener.waitFor(440, 0, 15_000), refListener.waitFor(1000, 0, 15_000), phoneHears(440, 0)]);
    if (ready.includes(null)) throw new Error('latency setup: someone never heard the other side');
    await sleep(1000);
    for (let i = 0; i < samples + 3; i++) {
      const keep = i >= 3; // three warm-up rounds
      const roomHz = i % 2 ? 440 : 660;
      const t0 = performance.now();
      agent.setTone(roomHz);
      const [tPhone, tListener] = await Promise.all([phoneHears(roomHz, t0), listener.waitFor(roomHz, t0, 3000)]);
      await sleep(150);
      const phoneHz = i % 2 ? 1000 : 880;
      const t1 = performance.now();
      client.setSource({ kind: 'tone', hz: phoneHz });
      direct.setTone(phoneHz);
      const [tAgent, tRef] = await Promise.all([agent.waitFor(phoneHz, t1, 3000), refListener.waitFor(phoneHz, t1, 3000)]);
      if (tPhone === null || tListener === null || tAgent === null || tRef === null) out.misses++;
      else if (keep) {
        out.down.push(tPhone - t0);
        out.downRef.push(tListener - t0);
        out.downAdds.push(tPhone - tListener);
        out.up.push(tAgent - t1);
        out.upRef.push(tRef - t1);
      }
      await sleep(250);
    }
  } finally {
    out.bridge = `${await host.describe()}; emulator buffer ${client.bufferedBytes / 8} ms, ${client.underruns} underruns`;
    await client.hangUp();
    await Promise.all([agent.close(), listener.close(), refListener.close(), direct.close()]);
  }
  return out;
}
