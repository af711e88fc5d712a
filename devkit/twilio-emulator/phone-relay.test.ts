// The playground's socket, driven the way phone.html drives it: a manual-mode call rings on
// the page, is answered there, the page's "microphone" (PCM frames) reaches the app as μ-law,
// what the app sends comes back to the page; the page places an inbound call; only the
// emulator's own origin may connect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { sineFrame, toneDetector } from '../../testkit/goertzel.js';
import { decodeMulaw, encodePayload } from './audio.js';
import { startTwilioEmulator, type TwilioEmulator } from './emulator.js';
import { startFakeApp, type FakeApp } from './fake-app.js';

const ACCOUNT = 'AC' + 'c3'.repeat(16);
const TOKEN = 'relay-token';
const NUMBER = '+15005550006';
const TWIML = '<Response><Say>Hello from Warmline</Say><Connect><Stream url="wss://warmline.test/twilio/media"><Parameter name="token" value="t"/></Stream></Connect></Response>';
const detect = toneDetector({ sampleRate: 8000, targets: [440, 660, 1000] });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(get: () => T | undefined | false | null, timeoutMs = 5000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = get();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error('condition not met in time');
    await sleep(10);
  }
}

describe('phone page relay (manual mode)', () => {
  let app: FakeApp;
  let emu: TwilioEmulator;
  let page: WebSocket;
  let calls: any[] = [];
  const heard: Int16Array[] = [];

  beforeAll(async () => {
    app = await startFakeApp();
    emu = await startTwilioEmulator({ accountSid: ACCOUNT, authToken: TOKEN, publicUrl: 'https://warmline.test', appUrl: app.url, phoneNumber: NUMBER, defaultBehaviour: { answer: 'manual' } });
    page = new WebSocket(emu.phoneUrl.replace('http', 'ws') + 'phone/ws', { origin: emu.restBaseUrl });
    page.on('message', (data, isBinary) => {
      if (isBinary) {
        const b = data as Buffer;
        heard.push(new Int16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)));
      } else calls = JSON.parse(String(data)).calls;
    });
    await new Promise((r) => page.once('open', r));
  });
  afterAll(async () => {
    page?.close();
    await emu?.close();
    await app?.close();
  });

  it('serves the page', async () => {
    const res = await fetch(emu.phoneUrl);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Call support');
  });

  it('rings on the page, is answered there, and carries the microphone and the app audio both ways', async () => {
    const auth = 'Basic ' + Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64');
    const res = await fetch(`${emu.restBaseUrl}/2010-04-01/Accounts/${ACCOUNT}/Calls.json`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ To: '+15550009999', From: NUMBER, Twiml: TWIML }),
    });
    expect(res.status).toBe(201);
    const ringing = await until(() => calls.find((c) => c.to === '+15550009999' && c.deciding));
    page.send(JSON.stringify({ type: 'source', sid: ringing.sid, source: { kind: 'mic' } }));
    page.send(JSON.stringify({ type: 'answer', sid: ringing.sid, as: 'human' }));
    const sock = await app.waitForSocket();
    await until(() => calls.find((c) => c.sid === ringing.sid && c.media && c.attached && c.said[0] === 'Hello from Warmline'));

    // The page's microphone: 660 Hz in 20 ms PCM frames, sent in real time.
    for (let i = 0; i < 25; i++) {
      page.send(Buffer.from(sineFrame(660, 8000, 160, i * 160).buffer));
      await sleep(20);
    }
    const media = sock.messages.filter((m) => m.event === 'media').map((m) => decodeMulaw(Buffer.from(m.media.payload, 'base64')));
    expect(media.filter((f) => detect(f).tone === 660).length).toBeGreaterThanOrEqual(10);

    const streamSid = sock.messages[1].streamSid;
    sock.ws.send(JSON.stringify({ event: 'media', streamSid, media: { payload: encodePayload(sineFrame(440, 8000, 4000, 0)) } }));
    await until(() => heard.filter((f) => detect(f).tone === 440).length >= 20, 3000);

    page.send(JSON.stringify({ type: 'hangup', sid: ringing.sid }));
    await sock.closed;
    await until(() => calls.find((c) => c.sid === ringing.sid && c.status === 'completed'));
  });

  it('refuses from the page: busy', async () => {
    const call = emu.waitForCall({ to: '+15550008888' });
    const auth = 'Basic ' + Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64');
    await fetch(`${emu.restBaseUrl}/2010-04-01/Accounts/${ACCOUNT}/Calls.json`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ To: '+15550008888', From: NUMBER, Twiml: TWIML }),
    });
    const c = await call;
    await until(() => calls.find((x) => x.sid === c.sid && x.deciding));
    page.send(JSON.stringify({ type: 'reject', sid: c.sid, how: 'busy' }));
    await c.waitForStatus('busy');
  });

  it('places an inbound call from the page', async () => {
    app.twiml = () => ({ body: TWIML });
    page.send(JSON.stringify({ type: 'inbound', from: '+15551112222', source: { kind: 'tone', hz: 1000 } }));
    const voice = await app.waitForRequest((r) => r.path === '/twilio/voice' && r.form.From === '+15551112222');
    expect(voice.form.To).toBe(NUMBER);
    const sock = await app.waitForSocket();
    await until(() => sock.messages.filter((m) => m.event === 'media').length >= 5);
    const last = sock.messages.filter((m) => m.event === 'media').at(-1);
    expect(detect(decodeMulaw(Buffer.from(last.media.payload, 'base64'))).tone).toBe(1000);
  });

  it('refuses a socket from another origin', async () => {
    const foreign = new WebSocket(emu.phoneUrl.replace('http', 'ws') + 'phone/ws', { origin: 'https://evil.example' });
    const outcome = await new Promise((r) => (foreign.once('open', () => r('open')), foreign.once('error', () => r('refused'))));
    expect(outcome).toBe('refused');
  });
});
