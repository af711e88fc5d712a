// The Twilio emulator against a tiny stand-in app, driven by the real twilio package (REST
// through a custom RequestClient, TwiML from its builder, signatures checked with its
// validateRequest): call lifecycles and their signed callbacks, AMD, TwiML execution, the
// media stream, errors Twilio-shaped, out-of-order delivery, inbound calls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import twilio from 'twilio';
import type BaseRequestClient from 'twilio/lib/base/RequestClient.js';
import { toneDetector } from '../../testkit/goertzel.js';
import { decodeMulaw } from './audio.js';
import type { EmulatedCall } from './call.js';
import { startTwilioEmulator, type TwilioEmulator } from './emulator.js';
import { startFakeApp, type FakeApp, type SeenRequest } from './fake-app.js';
import { twilioSignature, urlAsSigned } from './signature.js';
import { routeHttp, routeWs } from './app-link.js';

const ACCOUNT = 'AC' + 'a1'.repeat(16);
const TOKEN = 'emulator-test-auth-token';
const PUBLIC = 'https://warmline.test';
const NUMBER = '+15005550006';
const STATUS_URL = `${PUBLIC}/twilio/status`;
const ALL_EVENTS = ['initiated', 'ringing', 'answered', 'completed'];
const detect = toneDetector({ sampleRate: 8000, targets: [440, 660, 1000] });

class EmulatorRequestClient extends twilio.RequestClient {
  constructor(private readonly base: string) {
    super();
  }
  override request<T>(opts: BaseRequestClient.RequestOptions<T>) {
    return super.request<T>({ ...opts, uri: opts.uri.replace('https://api.twilio.com', this.base) });
  }
}

function streamTwiml(params: Record<string, string>, opts: { say?: string; url?: string; after?: string } = {}): string {
  const r = new twilio.twiml.VoiceResponse();
  if (opts.say) r.say(opts.say);
  const stream = r.connect().stream({ url: opts.url ?? `wss://warmline.test/twilio/media` });
  for (const [name, value] of Object.entries(params)) stream.parameter({ name, value });
  if (opts.after) r.say(opts.after);
  return r.toString();
}

const signedOk = (r: SeenRequest) => twilio.validateRequest(TOKEN, String(r.headers['x-twilio-signature']), PUBLIC + r.path, r.form as Record<string, string>);

describe('Twilio emulator', () => {
  let app: FakeApp;
  let emu: TwilioEmulator;
  let client: ReturnType<typeof twilio>;
  let n = 0;
  const nextNumber = () => `+1555123${String(1000 + n++)}`;
  const callbacksOf = (sid: string, path = '/twilio/status') => app.requests.filter((r) => r.path.startsWith(path) && r.form.CallSid === sid);

  beforeAll(async () => {
    app = await startFakeApp();
    emu = await startTwilioEmulator({ accountSid: ACCOUNT, authToken: TOKEN, publicUrl: PUBLIC, appUrl: app.url, phoneNumber: NUMBER, apiKeys: { ['SK' + 'b2'.repeat(16)]: 'key-secret' } });
    client = twilio(ACCOUNT, TOKEN, { httpClient: new EmulatorRequestClient(emu.restBaseUrl) });
  });
  afterAll(async () => {
    await emu?.close();
    await app?.close();
  });

  async function dial(behaviour: Parameters<TwilioEmulator['behave']>[1], twiml: string, extra: Record<string, unknown> = {}) {
    const to = nextNumber();
    emu.behave(to, behaviour);
    const created = await client.calls.create({ to, from: NUMBER, twiml, statusCallback: STATUS_URL, statusCallbackEvent: ALL_EVENTS, ...extra });
    const call = await emu.waitForCall({ to });
    return { created, call };
  }

  async function settled(call: EmulatedCall) {
    await call.waitForStatus(['completed', 'busy', 'failed', 'no-answer', 'canceled']);
    await call.callbacksDelivered();
    return callbacksOf(call.sid);
  }

  it('signs exactly as Twilio documents (worked example) and as twilio-node checks repeated params', () => {
    const params = { CallSid: 'CA1234567890ABCDE', Caller: '+14158675310', Digits: '1234', From: '+14158675310', To: '+18005551212' };
    expect(twilioSignature('12345', 'https://example.com/myapp.php?foo=1&bar=2', params)).toBe('L/OH5YylLD5NRKLltdqwSvS0BnU=');
    expect(urlAsSigned('https://user:pw@warmline.test:8443/twilio/status?x=1')).toBe('https://warmline.test/twilio/status?x=1');
    expect(urlAsSigned('http://user:pw@127.0.0.1:3000/twilio/status')).toBe('http://127.0.0.1:3000/twilio/status');
    const repeated = { StatusCallbackEvent: ['ringing', 'answered'], a: 'é', B: '1' };
    expect(twilio.validateRequest(TOKEN, twilioSignature(TOKEN, 'https://x.test/p?q=1', repeated), 'https://x.test/p?q=1', repeated)).toBe(true);
  });

  it('routes what Twilio calls at the public URL to the app, path prefix included', () => {
    const link = { authToken: TOKEN, publicUrl: 'https://x.test/wl/', appUrl: 'http://127.0.0.1:9/' };
    expect(routeHttp(link, 'https://x.test/wl/twilio/status?a=1')).toBe('http://127.0.0.1:9/twilio/status?a=1');
    expect(routeWs(link, 'wss://x.test/wl/twilio/media')).toBe('ws://127.0.0.1:9/twilio/media');
    expect(routeWs(link, 'wss://elsewhere.test/twilio/media')).toBe('wss://elsewhere.test/twilio/media');
    expect(routeHttp(link, 'https://x.test/wlx/status')).toBe('https://x.test/wlx/status');
  });

  it('answers as a human: signed callbacks in order, <Say>, a signed stream with its parameters, the tone, completed when the app closes', async () => {
    const { created, call } = await dial({ answer: 'human', toneHz: 1000 }, streamTwiml({ token: 'tok-1' }, { say: 'Transfer from Alice about a billing question' }));
    expect(created.sid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(created).toMatchObject({ status: 'queued', direction: 'outbound-api', to: call.to, from: NUMBER, accountSid: ACCOUNT, apiVersion: '2010-04-01' });
    expect(created.dateCreated).toBeInstanceOf(Date);
    expect(Number.isNaN(created.dateCreated.getTime())).toBe(false);

    const sock = await app.waitForSocket();
    expect(call.said).toEqual(['Transfer from Alice about a billing question']);
    expect(twilio.validateRequest(TOKEN, String(sock.headers['x-twilio-signature']), 'wss://warmline.test/twilio/media', {})).toBe(true);
    expect(sock.path).toBe('/twilio/media');
    const media = await call.waitForMedia();
    await new Promise((r) => setTimeout(r, 300));
    expect(sock.messages[1]).toMatchObject({ event: 'start', start: { callSid: call.sid, accountSid: ACCOUNT, customParameters: { token: 'tok-1' } } });
    const frames = sock.messages.filter((m) => m.event === 'media').map((m) => decodeMulaw(Buffer.from(m.media.payload, 'base64')));
    expect(frames.length).toBeGreaterThanOrEqual(10);
    expect(frames.filter((f) => detect(f).tone === 1000).length).toBeGreaterThanOrEqual(frames.length - 1);
    expect((await client.calls(call.sid).fetch()).status).toBe('in-progress');

    sock.ws.close(1000);
    const cbs = await settled(call);
    expect(call.status).toBe('completed');
    expect(media.closedByPhone).toBe(false);
    expect(cbs.map((r) => r.form.CallStatus)).toEqual(['initiated', 'ringing', 'in-progress', 'completed']);
    expect(cbs.map((r) => r.form.SequenceNumber)).toEqual(['0', '1', '2', '3']);
    expect(cbs.every(signedOk)).toBe(true);
    expect(cbs[3]!.form).toMatchObject({ AccountSid: ACCOUNT, From: NUMBER, To: call.to, Direction: 'outbound-api', ApiVersion: '2010-04-01', CallbackSource: 'call-progress-events', SipResponseCode: '200' });
    expect(cbs[3]!.form.CallDuration).toMatch(/^\d+$/);
    expect(cbs[3]!.form.Timestamp).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
    expect(call.callbacks.map((c) => c.status)).toEqual([204, 204, 204, 204]);
    const fetched = await client.calls(call.sid).fetch();
    expect(fetched).toMatchObject({ status: 'completed' });
    expect(fetched.duration).toMatch(/^\d+$/);
  });

  it('calls(sid).update({status: "completed"}) ends an answered call: stop on the stream, then the completed callback', async () => {
    const { call } = await dial({ answer: 'human' }, streamTwiml({ token: 'tok-2' }));
    const sock = await app.waitForSocket();
    await call.waitForMedia();
    const canceled = await client.calls(call.sid).update({ status: 'canceled' });
    expect(canceled.status).toBe('in-progress'); // canceled leaves an answered call alone
    const updated = await client.calls(call.sid).update({ status: 'completed' });
    expect(updated.status).toBe('completed');
    await sock.closed;
    expect(sock.messages.at(-1)).toMatchObject({ event: 'stop', stop: { callSid: call.sid, accountSid: ACCOUNT } });
    const cbs = await settled(call);
    expect(cbs.at(-1)!.form.CallStatus).toBe('completed');
    const again = await client.calls(call.sid).update({ status: 'completed' }).catch((e) => e);
    expect(again).toMatchObject({ status: 400, code: 21220 });
  });

  it('calls(sid).update({status: "canceled"}) stops a ringing call', async () => {
    const { call } = await dial({ answer: 'human', ringMs: 10_000 }, streamTwiml({}));
    await call.waitForStatus('ringing');
    expect((await client.calls(call.sid).update({ status: 'canceled' })).status).toBe('canceled');
    const cbs = await settled(call);
    expect(cbs.map((r) => r.form.CallStatus)).toEqual(['initiated', 'ringing', 'canceled']);
    expect(cbs.at(-1)!.form.SipResponseCode).toBe('487');
    expect(call.media).toBeNull();
  });

  it.each([
    ['busy', ['initiated', 'ringing', 'busy'], '486'],
    ['no-answer', ['initiated', 'ringing', 'no-answer'], '487'],
    ['failed', ['initiated', 'failed'], '500'],
  ] as const)('answers %s with that callback sequence and no stream', async (answer, sequence, sip) => {
    const sockets = app.sockets.length;
    const { call } = await dial({ answer, ringMs: 50 }, streamTwiml({}));
    const cbs = await settled(call);
    expect(cbs.map((r) => r.form.CallStatus)).toEqual(sequence);
    expect(cbs.at(-1)!.form).toMatchObject({ SipResponseCode: sip, CallDuration: '0' });
    expect(cbs.every(signedOk)).toBe(true);
    expect(app.sockets.length).toBe(sockets);
    expect((await client.calls(call.sid).fetch()).status).toBe(answer);
  });

  it.each([
    ['human', 'Enable', 'human'],
    ['machine', 'Enable', 'machine_start'],
    ['machine', 'DetectMessageEnd', 'machine_end_beep'],
  ] as const)('async AMD: %s with %s posts AnsweredBy=%s to the AMD callback', async (answer, machineDetection, answeredBy) => {
    const { call } = await dial({ answer, amdMs: 100 }, '<Response><Pause length="1"/></Response>', {
      machineDetection,
      asyncAmd: 'true',
      asyncAmdStatusCallback: `${PUBLIC}/twilio/amd`,
    });
    const amd = await app.waitForRequest((r) => r.path === '/twilio/amd' && r.form.CallSid === call.sid);
    expect(amd.form).toMatchObject({ CallSid: call.sid, AccountSid: ACCOUNT, AnsweredBy: answeredBy });
    expect(Number(amd.form.MachineDetectionDuration)).toBeGreaterThanOrEqual(90);
    expect(signedOk(amd)).toBe(true);
    expect((await client.calls(call.sid).fetch()).answeredBy).toBe(answeredBy);
    await client.calls(call.sid).update({ status: 'completed' });
  });

  it('answers errors the way twilio-node turns them into RestException', async () => {
    const missing = await client.calls('CA' + '0'.repeat(32)).fetch().catch((e) => e);
    expect(missing).toBeInstanceOf(twilio.RestException);
    expect(missing).toMatchObject({ status: 404, code: 20404 });
    const badAuth = await twilio(ACCOUNT, 'wrong', { httpClient: new EmulatorRequestClient(emu.restBaseUrl) }).calls.create({ to: '+15550000001', from: NUMBER, twiml: '<Response/>' }).catch((e) => e);
    expect(badAuth).toMatchObject({ status: 401, code: 20003 });
    const notOurs = await client.calls.create({ to: '+15550000001', from: '+15550000002', twiml: '<Response/>' }).catch((e) => e);
    expect(notOurs).toMatchObject({ status: 400, code: 21210 });
    const badTo = await client.calls.create({ to: '555-1234', from: NUMBER, twiml: '<Response/>' }).catch((e) => e);
    expect(badTo).toMatchObject({ status: 400, code: 21211 });
    const long = await client.calls.create({ to: '+15550000001', from: NUMBER, twiml: `<Response><Say>${'a'.repeat(4000)}</Say></Response>` }).catch((e) => e);
    expect(long).toMatchObject({ status: 400 });
    expect(emu.calls.some((c) => c.to === '+15550000001')).toBe(false);
    expect(emu.requests.filter((r) => r.method === 'POST' && r.form.To === '+15550000001').length).toBe(3);
  });

  it('accepts an API key (SK…) with its secret', async () => {
    const keyed = twilio('SK' + 'b2'.repeat(16), 'key-secret', { accountSid: ACCOUNT, httpClient: new EmulatorRequestClient(emu.restBaseUrl) });
    const { call } = await dial({ answer: 'busy', ringMs: 10 }, '<Response/>');
    expect((await keyed.calls(call.sid).fetch()).sid).toBe(call.sid);
  });

  it('delivers callbacks out of order, with a late duplicate, when asked to', async () => {
    emu.setOutOfOrderCallbacks(true);
    try {
      const { call } = await dial({ answer: 'human' }, '<Response><Say>Hello</Say><Hangup/></Response>');
      const seqs = (await settled(call)).map((r) => Number(r.form.SequenceNumber));
      expect(seqs.length).toBe(5);
      expect(new Set(seqs)).toEqual(new Set([0, 1, 2, 3]));
      expect(seqs).not.toEqual([...seqs].sort((a, b) => a - b));
      expect(call.callbacks.filter((c) => c.duplicate).length).toBe(1);
    } finally {
      emu.setOutOfOrderCallbacks(false);
    }
  });

  it('places an inbound call: signed voice webhook, TwiML run, stream with the caller tone, hang-up sends stop', async () => {
    app.twiml = () => ({ body: streamTwiml({ callToken: 'in-1' }, { say: 'Welcome to support' }) });
    const call = await emu.placeInbound({ from: '+15557654321', toneHz: 440 });
    const voice = await app.waitForRequest((r) => r.path === '/twilio/voice' && r.form.CallSid === call.sid);
    expect(voice.form).toMatchObject({ AccountSid: ACCOUNT, From: '+15557654321', To: NUMBER, Caller: '+15557654321', Called: NUMBER, CallStatus: 'ringing', Direction: 'inbound', ApiVersion: '2010-04-01' });
    expect(signedOk(voice)).toBe(true);
    const sock = await app.waitForSocket();
    await call.waitForMedia();
    expect(call.said).toEqual(['Welcome to support']);
    await new Promise((r) => setTimeout(r, 200));
    expect(sock.messages[1].start.customParameters).toEqual({ callToken: 'in-1' });
    const frame = sock.messages.filter((m) => m.event === 'media').at(-1);
    expect(detect(decodeMulaw(Buffer.from(frame.media.payload, 'base64'))).tone).toBe(440);
    await call.hangUp();
    await sock.closed;
    expect(sock.messages.at(-1).event).toBe('stop');
    expect(call.status).toBe('completed');
  });

  it.each([
    ['a 500 from the voice webhook', { status: 500, body: 'oops' }, 11200],
    ['JSON instead of TwiML', { contentType: 'application/json', body: '{}' }, 12300],
    ['malformed XML', { body: '<Response><Say>hi</Response>' }, 12100],
    ['an unimplemented verb', { body: '<Response><Dial>+15550001111</Dial></Response>' }, 12100],
    ['a stream URL with a query string', { body: streamTwiml({}, { url: 'wss://warmline.test/twilio/media?token=x' }) }, 31923],
    ['a ws:// stream URL', { body: streamTwiml({}, { url: 'ws://warmline.test/twilio/media' }) }, 31922],
  ])('fails an inbound call on %s', async (_what, answer, code) => {
    app.twiml = () => answer;
    const call = await emu.placeInbound({ from: '+15557654321' });
    await call.waitForStatus('failed');
    expect(call.errors.map((e) => e.code)).toEqual([code]);
    expect(call.media).toBeNull();
  });

  it('records a refused upgrade (31920), then runs what follows <Connect>', async () => {
    app.refuseUpgrade = 403;
    try {
      const { call } = await dial({ answer: 'human' }, streamTwiml({}, { after: 'Goodbye' }));
      await settled(call);
      expect(call.errors.map((e) => e.code)).toEqual([31920]);
      expect(call.said).toEqual(['Goodbye']);
      expect(call.status).toBe('completed');
    } finally {
      app.refuseUpgrade = null;
    }
  });

  it('replaces a running stream when the call is updated with new TwiML', async () => {
    const { call } = await dial({ answer: 'human' }, streamTwiml({ token: 'first' }));
    const sock = await app.waitForSocket();
    await call.waitForMedia();
    await client.calls(call.sid).update({ twiml: '<Response><Say>Moved</Say></Response>' });
    await sock.closed;
    expect(sock.messages.at(-1).event).toBe('stop');
    await settled(call);
    expect(call.said).toEqual(['Moved']);
    expect(call.status).toBe('completed');
  });
});
