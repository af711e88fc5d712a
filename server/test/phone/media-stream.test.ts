// Twilio Media Streams messages: parsing Twilio's inbound shapes (examples from the facts note),
// building the outbound ones, and readStart() over a real WebSocket.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { clearMessage, markMessage, mediaMessage, parseMediaMessage, readStart } from '../../src/phone/media-stream.js';

const SID = 'MZ' + 'a'.repeat(32);
const connected = { event: 'connected', protocol: 'Call', version: '1.0.0' };
const start = {
  event: 'start',
  sequenceNumber: '1',
  start: {
    accountSid: 'AC' + '1'.repeat(32),
    streamSid: SID,
    callSid: 'CA' + '2'.repeat(32),
    tracks: ['inbound'],
    mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
    customParameters: { token: 'tok-123' },
  },
  streamSid: SID,
};
const media = { event: 'media', sequenceNumber: '4', media: { track: 'inbound', chunk: '2', timestamp: '5', payload: 'no+JhoaJjpzS' }, streamSid: SID };
const j = (v: unknown) => JSON.stringify(v);

describe('parseMediaMessage', () => {
  it("accepts each of Twilio's inbound messages", () => {
    expect(parseMediaMessage(j(connected))?.event).toBe('connected');
    expect(parseMediaMessage(j(start))).toEqual(start);
    expect(parseMediaMessage(j(media))).toEqual(media);
    const dtmf = { event: 'dtmf', streamSid: SID, sequenceNumber: '5', dtmf: { track: 'inbound_track', digit: '1' } };
    expect(parseMediaMessage(j(dtmf))).toEqual(dtmf);
    const mark = { event: 'mark', sequenceNumber: '4', streamSid: SID, mark: { name: 'my label' } };
    expect(parseMediaMessage(j(mark))).toEqual(mark);
    const stop = { event: 'stop', sequenceNumber: '5', stop: { accountSid: 'AC1', callSid: 'CA1' }, streamSid: SID };
    expect(parseMediaMessage(j(stop))).toEqual(stop);
  });

  it('fills in empty customParameters and accepts a UUID streamSid (2020 trace)', () => {
    const uuid = '77e8e4f4-6b55-4a43-9b9e-6a1c3d3f0f0e';
    const { customParameters: _, ...rest } = start.start;
    const m = parseMediaMessage(j({ ...start, streamSid: uuid, start: { ...rest, streamSid: uuid } }));
    expect(m?.event === 'start' && m.start.customParameters).toEqual({});
  });

  it('allows extra fields Twilio may add', () => {
    expect(parseMediaMessage(j({ ...media, extra: 1, media: { ...media.media, more: 'x' } }))?.event).toBe('media');
  });

  it('rejects malformed, unknown and wrongly typed messages', () => {
    expect(parseMediaMessage('not json')).toBeNull();
    expect(parseMediaMessage('null')).toBeNull();
    expect(parseMediaMessage('[1]')).toBeNull();
    expect(parseMediaMessage(j({ event: 'hello' }))).toBeNull();
    expect(parseMediaMessage(j({ event: 'toString' }))).toBeNull();
    expect(parseMediaMessage(j({ ...media, sequenceNumber: 4 }))).toBeNull(); // counters are strings
    expect(parseMediaMessage(j({ ...media, media: { ...media.media, chunk: 2 } }))).toBeNull();
    expect(parseMediaMessage(j({ ...media, media: { ...media.media, payload: 'not base64!' } }))).toBeNull();
    expect(parseMediaMessage(j({ ...start, start: { ...start.start, customParameters: { token: 5 } } }))).toBeNull();
    expect(parseMediaMessage(j({ event: 'stop', sequenceNumber: '5', streamSid: SID }))).toBeNull();
  });
});

describe('outbound messages', () => {
  it('media carries exactly the μ-law bytes given, base64, even from a view', () => {
    const bytes = new Uint8Array([1, 2, 3, 4, 5, 6]);
    const msg = JSON.parse(mediaMessage(SID, bytes.subarray(2, 5)));
    expect(msg).toEqual({ event: 'media', streamSid: SID, media: { payload: Buffer.from([3, 4, 5]).toString('base64') } });
  });

  it('mark and clear have the documented shapes', () => {
    expect(JSON.parse(markMessage(SID, 'm1'))).toEqual({ event: 'mark', streamSid: SID, mark: { name: 'm1' } });
    expect(JSON.parse(clearMessage(SID))).toEqual({ event: 'clear', streamSid: SID });
  });
});

describe('readStart', () => {
  let wss: WebSocketServer;
  let url: string;
  beforeAll(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(wss, 'listening');
    url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const c of wss.clients) c.terminate();
    await new Promise<void>((r) => wss.close(() => r()));
  });

  /** Connects a client that sends `frames`, and runs readStart on the server's side of it. */
  async function scenario(frames: (string | Buffer)[], opts: { timeoutMs?: number; closeAfter?: boolean } = {}) {
    const accepted = once(wss, 'connection') as Promise<[WebSocket]>;
    const client = new WebSocket(url);
    const [server] = await accepted;
    const baseline = { message: server.listenerCount('message'), close: server.listenerCount('close') };
    const result = readStart(server, opts.timeoutMs ?? 2000).then(
      (s) => ({ ok: true as const, s }),
      (e: Error) => ({ ok: false as const, e }),
    );
    await once(client, 'open');
    for (const f of frames) client.send(f);
    if (opts.closeAfter) client.close();
    const r = await result;
    return { r, server, client, baseline };
  }

  it('resolves with start after connected, and leaves no listener behind', async () => {
    const { r, server, client, baseline } = await scenario([j(connected), j(start)]);
    expect(r.ok && r.s.start.customParameters.token).toBe('tok-123');
    expect(server.listenerCount('message')).toBe(baseline.message);
    expect(server.listenerCount('close')).toBe(baseline.close);
    client.close();
  });

  it('rejects start without connected first, a malformed or binary first message, and media before start', async () => {
    for (const frames of [[j(start)], ['{oops'], [Buffer.from([1, 2, 3])], [j(connected), j(media)]]) {
      const { r, client } = await scenario(frames);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.e.message).not.toContain('tok-123');
      client.close();
    }
  });

  it('rejects on close before start and on timeout', async () => {
    const closed = await scenario([j(connected)], { closeAfter: true });
    expect(!closed.r.ok && closed.r.e.message).toMatch(/closed/);
    const slow = await scenario([j(connected)], { timeoutMs: 200 });
    expect(!slow.r.ok && slow.r.e.message).toMatch(/within 200 ms/);
    slow.client.close();
  });
});
