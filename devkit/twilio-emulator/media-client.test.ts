// The emulated phone's Media Stream against a bare WebSocket server: Twilio's message shapes,
// the signed upgrade (checked with the real twilio package), 20 ms μ-law of a tone (Goertzel),
// real-time playout with mark echoes, clear, dtmf, stop, and a refused upgrade.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { toneDetector, sineFrame } from '../../testkit/goertzel.js';
import { decodeMulaw, encodePayload } from './audio.js';
import { startFakeApp, type FakeApp, type SeenSocket } from './fake-app.js';
import { MediaHandshakeError, openMediaStream, type MediaStreamClient } from './media-client.js';

const TOKEN = 'media-test-token';
const SIGNED = 'wss://warmline.test/twilio/media';
const detect = toneDetector({ sampleRate: 8000, targets: [440, 660, 1000] });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(get: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = get();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error('condition not met in time');
    await sleep(5);
  }
}

/** `ms` of a tone as one μ-law payload (Twilio: "the audio can be of any size"). */
function tonePayload(hz: number, ms: number): string {
  return encodePayload(sineFrame(hz, 8000, (ms * 8000) / 1000, 0));
}

describe('media stream client (the phone side of <Connect><Stream>)', () => {
  let app: FakeApp;
  let client: MediaStreamClient;
  let sock: SeenSocket;
  const serverSend = (msg: object) => sock.ws.send(JSON.stringify({ streamSid: client.streamSid, ...msg }));

  beforeAll(async () => {
    app = await startFakeApp();
    client = await openMediaStream({
      connectUrl: app.url.replace('http', 'ws') + '/twilio/media',
      signedUrl: SIGNED,
      authToken: TOKEN,
      accountSid: 'AC' + '1'.repeat(32),
      callSid: 'CA' + '2'.repeat(32),
      customParameters: { token: 'single-use-abc', leg: 'phone' },
      source: { kind: 'tone', hz: 440 },
    });
    sock = await app.waitForSocket();
  });
  afterAll(async () => {
    await client?.hangUp();
    await app?.close();
  });

  it('signs the upgrade over the wss:// URL with no params', () => {
    const sig = String(sock.headers['x-twilio-signature']);
    expect(twilio.validateRequest(TOKEN, sig, SIGNED, {})).toBe(true);
    expect(twilio.validateRequest('other-token', sig, SIGNED, {})).toBe(false);
  });

  it('sends connected, then start with the custom parameters, then 20 ms μ-law frames of the tone', async () => {
    await until(() => sock.messages.length >= 60);
    const [connected, start, ...rest] = sock.messages;
    expect(connected).toEqual({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    expect(start).toEqual({
      event: 'start',
      sequenceNumber: '1',
      start: {
        accountSid: 'AC' + '1'.repeat(32),
        streamSid: client.streamSid,
        callSid: 'CA' + '2'.repeat(32),
        tracks: ['inbound'],
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
        customParameters: { token: 'single-use-abc', leg: 'phone' },
      },
      streamSid: client.streamSid,
    });
    expect(client.streamSid).toMatch(/^MZ[0-9a-f]{32}$/);
    const media = rest.filter((m) => m.event === 'media').slice(0, 50);
    media.forEach((m, i) => {
      expect(m.sequenceNumber).toBe(String(i + 2));
      expect(m.media.chunk).toBe(String(i + 1));
      expect(m.media.track).toBe('inbound');
      expect(typeof m.media.timestamp).toBe('string');
      if (i > 0) expect(Number(m.media.timestamp) - Number(media[i - 1].media.timestamp)).toBe(20);
      const bytes = Buffer.from(m.media.payload, 'base64');
      expect(bytes.length).toBe(160);
      expect(detect(decodeMulaw(bytes)).tone).toBe(440);
    });
  });

  it('paces media in real time (about 50 frames a second)', async () => {
    const count = () => sock.messages.filter((m) => m.event === 'media').length;
    const n0 = count();
    await sleep(1000);
    // Loose bounds: a loaded CI machine stalls timers, and a stall beyond 200 ms skips frames.
    expect(count() - n0).toBeGreaterThanOrEqual(42);
    expect(count() - n0).toBeLessThanOrEqual(55);
  });

  it('plays server audio at 8000 bytes/s and echoes the mark when playout reaches it', async () => {
    const framesBefore = client.played.length;
    const t0 = performance.now();
    serverSend({ event: 'media', media: { payload: tonePayload(660, 1000) } });
    serverSend({ event: 'mark', mark: { name: 'after-1s' } });
    const echo = await until(() => sock.messages.find((m) => m.event === 'mark' && m.mark.name === 'after-1s'), 3000);
    const elapsed = performance.now() - t0;
    expect(echo).toMatchObject({ event: 'mark', streamSid: client.streamSid, mark: { name: 'after-1s' } });
    expect(Number(echo.sequenceNumber)).toBeGreaterThan(1);
    expect(elapsed).toBeGreaterThan(950); // played out in real time, not echoed on receipt
    expect(elapsed).toBeLessThan(2000);
    const frames = client.played.slice(framesBefore);
    expect(frames.length).toBe(50);
    expect(frames.filter((f) => detect(f.samples).tone === 660).length).toBeGreaterThanOrEqual(48);
    const span = frames[frames.length - 1]!.atMs - frames[0]!.atMs;
    expect(span).toBeGreaterThan(900);
    expect(span).toBeLessThan(1500);
    expect(client.marks.at(-1)).toMatchObject({ name: 'after-1s', cleared: false });
  });

  it('counts underruns when nothing is buffered, and echoes a mark at once', async () => {
    const u0 = client.underruns;
    await sleep(200);
    expect(client.underruns - u0).toBeGreaterThanOrEqual(5);
    const t0 = performance.now();
    serverSend({ event: 'mark', mark: { name: 'empty' } });
    await until(() => sock.messages.find((m) => m.event === 'mark' && m.mark.name === 'empty'), 1000);
    expect(performance.now() - t0).toBeLessThan(100);
  });

  it('clear drops buffered audio and echoes pending marks', async () => {
    serverSend({ event: 'media', media: { payload: tonePayload(1000, 2000) } });
    serverSend({ event: 'mark', mark: { name: 'never-played' } });
    await sleep(200);
    const t0 = performance.now();
    serverSend({ event: 'clear' });
    await until(() => sock.messages.find((m) => m.event === 'mark' && m.mark.name === 'never-played'), 1000);
    expect(performance.now() - t0).toBeLessThan(100);
    expect(client.clears).toBe(1);
    expect(client.bufferedBytes).toBe(0);
    expect(client.marks.at(-1)).toMatchObject({ name: 'never-played', cleared: true });
    const n = client.played.length;
    await sleep(150);
    expect(client.played.length - n).toBeLessThanOrEqual(1);
  });

  it('records messages Twilio would reject', async () => {
    sock.ws.send(Buffer.from([1, 2, 3]));
    serverSend({ event: 'start' });
    sock.ws.send(JSON.stringify({ event: 'media', streamSid: 'MZwrong', media: { payload: tonePayload(440, 20) } }));
    await until(() => client.protocolErrors.length >= 3);
    expect(client.protocolErrors.join('\n')).toMatch(/binary[\s\S]*unsupported event "start"[\s\S]*MZwrong/);
  });

  it('sends dtmf on the inbound track, then stop and a close when the phone hangs up', async () => {
    client.sendDtmf('5');
    const dtmf = await until(() => sock.messages.find((m) => m.event === 'dtmf'));
    expect(dtmf).toMatchObject({ event: 'dtmf', streamSid: client.streamSid, dtmf: { track: 'inbound_track', digit: '5' } });
    await client.hangUp();
    await sock.closed;
    const stop = sock.messages.at(-1);
    expect(stop).toEqual({ event: 'stop', sequenceNumber: stop.sequenceNumber, stop: { accountSid: 'AC' + '1'.repeat(32), callSid: 'CA' + '2'.repeat(32) }, streamSid: client.streamSid });
    const seqs = sock.messages.filter((m) => m.sequenceNumber).map((m) => Number(m.sequenceNumber));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(client.closedByPhone).toBe(true);
  });

  it('resolves closed when the server closes the socket', async () => {
    const c = await openMediaStream({ connectUrl: app.url.replace('http', 'ws') + '/twilio/media', signedUrl: SIGNED, authToken: TOKEN, accountSid: 'AC1', callSid: 'CA1', customParameters: {} });
    const s = await app.waitForSocket();
    s.ws.close(1000, 'bye');
    await expect(c.closed).resolves.toEqual({ code: 1000, reason: 'bye' });
    expect(c.closedByPhone).toBe(false);
  });

  it('rejects with the HTTP status when the upgrade is refused', async () => {
    app.refuseUpgrade = 403;
    try {
      const err = await openMediaStream({ connectUrl: app.url.replace('http', 'ws') + '/twilio/media', signedUrl: SIGNED, authToken: TOKEN, accountSid: 'AC1', callSid: 'CA1', customParameters: {} }).catch((e) => e);
      expect(err).toBeInstanceOf(MediaHandshakeError);
      expect(err.status).toBe(403);
    } finally {
      app.refuseUpgrade = null;
    }
  });
});
