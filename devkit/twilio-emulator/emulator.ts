// A local stand-in for Twilio Programmable Voice (development and tests only; the production
// server never imports it). One loopback HTTP port serves the REST API (point
// TWILIO_API_BASE_URL at `restBaseUrl`), the stand-in phone page at `/` and its socket.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { AppLink } from './app-link.js';
import type { PhoneSource } from './audio.js';
import { EmulatedCall, type CallEnv, type Decision } from './call.js';
import { twilioError } from './call-resource.js';
import { createOutbound, updateCall } from './calls-api.js';
import { attachPhoneRelay } from './phone-relay.js';
import { handleRest, type RestRequest } from './rest.js';
import { DEFAULT_BEHAVIOUR, type Behaviour } from './ring.js';

export type { Behaviour } from './ring.js';
export type { CallStatus, Decision, EmulatedCall } from './call.js';
export type { PhoneSource } from './audio.js';
export { PcmFeed, pcmFromWav } from './audio.js';
export { MediaHandshakeError, openMediaStream, type EchoedMark, type MediaStreamClient, type MediaStreamOptions, type PlayedFrame } from './media-client.js';
export { twilioSignature } from './signature.js';

export interface TwilioEmulatorOptions {
  /** Starts with AC (twilio-node refuses anything else). */
  accountSid: string;
  authToken: string;
  /** The https base Twilio believes it calls, e.g. https://warmline.test (what it signs). */
  publicUrl: string;
  /** Where requests to publicUrl really go, e.g. http://127.0.0.1:3000 (a tunnel). */
  appUrl: string;
  /** The Twilio number (E.164): the only accepted From, and what inbound calls dial. */
  phoneNumber: string;
  port?: number;
  /** API key SID (SK…) → secret, accepted for REST Basic auth. */
  apiKeys?: Record<string, string>;
  /** For numbers without behave(); default human. The playground uses manual. */
  defaultBehaviour?: Behaviour;
  /** The number's Voice URL path under publicUrl; default /twilio/voice. */
  voicePath?: string;
}

export interface InboundOptions {
  from: string;
  toneHz?: number;
  source?: PhoneSource;
  /** The number's status callback, if configured (default events: completed). */
  statusCallback?: string;
  statusCallbackEvents?: string[];
}

export interface TwilioEmulator {
  restBaseUrl: string;
  /** The phone page, http://127.0.0.1:N/. */
  phoneUrl: string;
  calls: EmulatedCall[];
  /** Every REST request seen, authorised or not (for "no REST call was made"). */
  requests: RestRequest[];
  behave(to: string, behaviour: Behaviour): void;
  waitForCall(match: ((c: EmulatedCall) => boolean) | { to?: string; direction?: EmulatedCall['direction'] }, timeoutMs?: number): Promise<EmulatedCall>;
  placeInbound(opts: InboundOptions): Promise<EmulatedCall>;
  /** Manual mode: answer or refuse a ringing call; false when it is not waiting for a decision. */
  decide(sid: string, decision: Decision): boolean;
  setOutOfOrderCallbacks(on: boolean): void;
  /**
   * Where requests to publicUrl go from now on (webhooks, <Connect action>, new Media Streams), as a
   * load balancer would send them to another instance; streams already open stay where they are.
   */
  setAppUrl(appUrl: string): void;
  /** Called with each new call. */
  onCall(cb: (call: EmulatedCall) => void): () => void;
  close(): Promise<void>;
}

export async function startTwilioEmulator(opts: TwilioEmulatorOptions): Promise<TwilioEmulator> {
  if (!opts.accountSid.startsWith('AC')) throw new Error('accountSid must start with AC');
  const link: AppLink = { authToken: opts.authToken, publicUrl: opts.publicUrl, appUrl: opts.appUrl };
  const phoneNumberSid = 'PN' + randomBytes(16).toString('hex');
  const calls: EmulatedCall[] = [];
  const requests: RestRequest[] = [];
  const behaviours = new Map<string, Behaviour>();
  const newCall = new Set<(c: EmulatedCall) => void>();
  let outOfOrder = false;
  const env = (): CallEnv => ({ accountSid: opts.accountSid, link, outOfOrder });
  const register = (call: EmulatedCall) => {
    calls.push(call);
    for (const cb of newCall) cb(call);
  };
  const onCall = (cb: (c: EmulatedCall) => void) => (newCall.add(cb), () => void newCall.delete(cb));

  const backend = {
    accountSid: opts.accountSid,
    authToken: opts.authToken,
    apiKeys: opts.apiKeys ?? {},
    phoneNumberSid,
    find: (sid: string) => calls.find((c) => c.sid === sid),
    list: () => [...calls].reverse(),
    create: (form: Record<string, string | string[]>) =>
      createOutbound(form, { phoneNumber: opts.phoneNumber, env, register, behaviourFor: (to) => behaviours.get(to) ?? opts.defaultBehaviour ?? DEFAULT_BEHAVIOUR }),
    update: updateCall,
  };

  const pagePath = fileURLToPath(new URL('./phone.html', import.meta.url));
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path?.startsWith('/2010-04-01/')) {
      handleRest(req, res, backend, requests).catch((err) => {
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify(twilioError(500, 20500, String(err))));
      });
      return;
    }
    if (req.method === 'GET' && (path === '/' || path === '/phone.html')) {
      readFile(pagePath).then(
        (html) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html),
        () => res.writeHead(404).end('phone.html missing'),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify(twilioError(404, 20404, `The requested resource ${path} was not found`)));
  });

  const placeInbound = async (o: InboundOptions): Promise<EmulatedCall> => {
    const call = new EmulatedCall(
      'inbound',
      opts.phoneNumber,
      o.from,
      { statusCallback: o.statusCallback, statusCallbackEvents: o.statusCallbackEvents ?? ['completed'], asyncAmd: false, timeoutS: 60 },
      env(),
    );
    call.setSource(o.source ?? (o.toneHz ? { kind: 'tone', hz: o.toneHz } : { kind: 'silence' }));
    call.instructions = { url: opts.publicUrl.replace(/\/+$/, '') + (opts.voicePath ?? '/twilio/voice') };
    register(call);
    void (async () => {
      const doc = await call.loadDocument();
      if (!doc) return call.end('failed');
      // <Reject> first: the call is never answered (guess: busy for reason="busy", failed otherwise).
      const first = doc[0];
      if (first?.verb === 'Reject') return call.end(first.reason === 'busy' ? 'busy' : 'failed');
      await call.pickUp('human', 0, async () => doc);
    })();
    return call;
  };

  const closeRelay = attachPhoneRelay(server, { calls, onCall, placeInbound, decide: (sid, d) => decide(sid, d) });
  const decide = (sid: string, d: Decision) => {
    const call = calls.find((c) => c.sid === sid);
    if (!call?.decider) return false;
    call.decider(d);
    return true;
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;

  return {
    restBaseUrl: base,
    phoneUrl: `${base}/`,
    calls,
    requests,
    behave: (to, b) => void behaviours.set(to, b),
    waitForCall(match, timeoutMs = 10_000) {
      const pred = typeof match === 'function' ? match : (c: EmulatedCall) => (!match.to || c.to === match.to) && (!match.direction || c.direction === match.direction);
      const found = calls.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => (off(), reject(new Error(`no matching call within ${timeoutMs} ms (calls: ${calls.map((c) => c.to).join(', ') || 'none'})`))), timeoutMs);
        const off = onCall((c) => pred(c) && (clearTimeout(timer), off(), resolve(c)));
      });
    },
    placeInbound,
    decide,
    setOutOfOrderCallbacks: (on) => void (outOfOrder = on),
    setAppUrl: (appUrl) => void (link.appUrl = appUrl),
    onCall,
    async close() {
      await Promise.all(calls.map((c) => c.hangUp()));
      closeRelay();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
