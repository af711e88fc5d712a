// One emulated phone call: its status (with Twilio's status callbacks), how the far end
// answers, answering-machine detection, and the TwiML it runs once answered.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { postSigned, routeWs, type AppLink } from './app-link.js';
import type { PhoneSource } from './audio.js';
import { CallbackQueue, streamCallbackParams, type CallbackRecord } from './callbacks.js';
import { openMediaStream, type MediaStreamClient } from './media-client.js';
import { runTwiml, streamConnectError, type RunOutcome, type TwimlHost } from './run-twiml.js';
import { TwimlError, parseTwiml, type StreamSpec, type TwilioAppError, type Verb } from './twiml.js';
import { waitUntil } from './wait.js';

/** Webhook statuses; the REST resource shows `initiated` as `queued` (note §4). */
export type CallStatus = 'queued' | 'initiated' | 'ringing' | 'in-progress' | 'completed' | 'busy' | 'failed' | 'no-answer' | 'canceled';
export const TERMINAL: ReadonlySet<CallStatus> = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

/** Why a call ended, as the carrier reports it (SipResponseCode). */
const SIP_CODE: Record<string, string> = { completed: '200', busy: '486', 'no-answer': '487', canceled: '487', failed: '500' };

export interface CallSettings {
  statusCallback?: string;
  /** initiated | ringing | answered | completed; default completed only. */
  statusCallbackEvents: string[];
  machineDetection?: 'Enable' | 'DetectMessageEnd';
  asyncAmd: boolean;
  asyncAmdStatusCallback?: string;
  /** Ring timeout in seconds; only waited for in manual mode (behaviours ring ringMs). */
  timeoutS: number;
}

/** What the far end does with a ringing call. */
export type Decision = 'human' | 'machine' | 'busy' | 'no-answer' | 'failed';

export interface CallEnv {
  accountSid: string;
  link: AppLink;
  outOfOrder: boolean;
}

export class EmulatedCall implements TwimlHost {
  readonly sid = 'CA' + randomBytes(16).toString('hex');
  status: CallStatus;
  answeredBy: string | null = null;
  readonly said: string[] = [];
  readonly playedUrls: string[] = [];
  readonly errors: TwilioAppError[] = [];
  readonly callbacks: CallbackRecord[] = [];
  /** The open (or last) media stream; null until <Connect><Stream> connected. */
  media: MediaStreamClient | null = null;
  readonly streams: MediaStreamClient[] = [];
  readonly createdAt = new Date();
  updatedAt = new Date();
  startTime: Date | null = null;
  endTime: Date | null = null;
  /** What the phone says into any stream it opens. */
  source: PhoneSource = { kind: 'silence' };
  /** The document to run on answer: inline TwiML or a URL (REST `Twiml`/`Url`, replaceable while ringing). */
  instructions: { twiml?: string; url?: string } = {};
  /** Set while a manual-mode call rings: the phone page decides through it. */
  decider: ((d: Decision) => void) | null = null;
  private answeredAt: number | null = null;
  private endedAt: number | null = null;
  private seq = 0;
  private run = new AbortController();
  private readonly events = new EventEmitter();
  private readonly queue: CallbackQueue;

  constructor(
    readonly direction: 'outbound-api' | 'inbound',
    readonly to: string,
    readonly from: string,
    readonly settings: CallSettings,
    private readonly env: CallEnv,
  ) {
    this.status = direction === 'inbound' ? 'ringing' : 'queued';
    this.queue = new CallbackQueue(env.link, env.outOfOrder, (r) => this.callbacks.push(r));
    this.events.setMaxListeners(0);
  }

  get answered(): boolean {
    return this.answeredAt !== null;
  }

  get ended(): boolean {
    return TERMINAL.has(this.status);
  }

  /** Whole seconds from answer to end (or to now). */
  get durationS(): number {
    if (this.answeredAt === null) return 0;
    return Math.max(0, Math.round(((this.endedAt ?? performance.now()) - this.answeredAt) / 1000));
  }

  /** Params Twilio sends with every request about this call (note §4). */
  baseParams(): Record<string, string> {
    const p: Record<string, string> = {
      CallSid: this.sid,
      AccountSid: this.env.accountSid,
      From: this.from,
      To: this.to,
      Caller: this.from,
      Called: this.to,
      CallStatus: this.status,
      ApiVersion: '2010-04-01',
      Direction: this.direction,
    };
    if (this.answeredBy) p.AnsweredBy = this.answeredBy;
    return p;
  }

  setStatus(status: CallStatus): void {
    if (this.ended || this.status === status) return;
    this.status = status;
    this.updatedAt = new Date();
    if (status === 'initiated') this.startTime = new Date();
    if (status === 'in-progress') this.answeredAt = performance.now();
    const event = status === 'in-progress' ? 'answered' : TERMINAL.has(status) ? 'completed' : status;
    if (TERMINAL.has(status)) {
      this.endTime = new Date();
      this.endedAt = performance.now();
    }
    if (this.settings.statusCallback && this.settings.statusCallbackEvents.includes(event)) {
      const p: Record<string, string> = { ...this.baseParams(), Timestamp: rfc2822(new Date()), CallbackSource: 'call-progress-events', SequenceNumber: String(this.seq++) };
      if (TERMINAL.has(status)) {
        p.CallDuration = String(this.durationS);
        p.SipResponseCode = SIP_CODE[status]!;
        if (status === 'completed') p.Duration = String(Math.ceil(this.durationS / 60) || 1);
      }
      this.queue.status(this.settings.statusCallback, p);
    }
    this.events.emit('change');
  }

  /** Ends the call once: the stream (if any) gets `stop` and is closed, then the terminal callback. */
  async end(status: CallStatus): Promise<void> {
    if (this.ended) return;
    this.run.abort();
    const media = this.media;
    this.setStatus(status);
    this.queue.finish();
    await media?.hangUp();
  }

  appError(e: TwilioAppError): void {
    this.errors.push(e);
    this.events.emit('change');
  }

  /** Answered: AMD (if asked for), then the document. */
  async pickUp(as: 'human' | 'machine', amdMs: number, verbs = () => this.loadDocument()): Promise<void> {
    if (this.ended) return;
    this.setStatus('in-progress');
    const md = this.settings.machineDetection;
    if (md) {
      const answeredBy = as === 'human' ? 'human' : md === 'DetectMessageEnd' ? 'machine_end_beep' : 'machine_start';
      const detect = async () => {
        const t0 = performance.now();
        await delay(amdMs);
        if (this.ended) return;
        this.answeredBy = answeredBy;
        const url = this.settings.asyncAmdStatusCallback;
        if (this.settings.asyncAmd && url) {
          const p = { CallSid: this.sid, AccountSid: this.env.accountSid, AnsweredBy: answeredBy, MachineDetectionDuration: String(Math.round(performance.now() - t0)) };
          this.queue.other('amd', url, p);
        }
        this.events.emit('change');
      };
      // Synchronous AMD holds the TwiML until detection is done (note §8.3).
      if (this.settings.asyncAmd) void detect();
      else await detect();
      if (this.ended) return;
    }
    const doc = await verbs();
    if (!doc) return void this.end('failed');
    await this.execute(doc);
  }

  /** Runs a document, replacing whatever runs now (REST update with new TwiML). */
  async execute(doc: Verb[]): Promise<void> {
    this.run.abort();
    const run = (this.run = new AbortController());
    const media = this.media;
    if (media) await media.hangUp(); // a redirect ends the stream
    const outcome: RunOutcome = await runTwiml(this, doc, run.signal);
    if (!run.signal.aborted) await this.end(outcome);
  }

  async openStream(spec: StreamSpec): Promise<MediaStreamClient | null> {
    const params = (event: string, streamSid: string, error?: string) => streamCallbackParams(this.env.accountSid, this.sid, spec.name, event, streamSid, error);
    try {
      const media = await openMediaStream({
        connectUrl: routeWs(this.env.link, spec.url),
        signedUrl: spec.url,
        authToken: this.env.link.authToken,
        accountSid: this.env.accountSid,
        callSid: this.sid,
        customParameters: spec.parameters,
        streamName: spec.name,
        source: this.source,
      });
      if (this.ended) {
        await media.hangUp();
        return null;
      }
      this.media = media;
      this.streams.push(media);
      if (spec.statusCallback) this.queue.other('stream', spec.statusCallback, params('stream-started', media.streamSid));
      void media.closed.then(() => spec.statusCallback && this.queue.other('stream', spec.statusCallback, params('stream-stopped', media.streamSid)));
      this.events.emit('change');
      return media;
    } catch (err) {
      const e = streamConnectError(err, spec.url);
      this.appError(e);
      if (spec.statusCallback) this.queue.other('stream', spec.statusCallback, params('stream-error', '', e.message));
      return null;
    }
  }

  /** The document `instructions` name; with both, the URL wins ("twiml parameter will be ignored", note §2). */
  loadDocument(): Promise<Verb[] | null> {
    const { twiml, url } = this.instructions;
    if (url) return this.fetchDocument(url);
    return Promise.resolve(this.parse(twiml ?? ''));
  }

  async fetchDocument(url: string): Promise<Verb[] | null> {
    const res = await postSigned(this.env.link, url, this.baseParams());
    if (res.status < 200 || res.status > 299) {
      this.appError({ code: 11200, message: `HTTP retrieval failure: ${url} answered ${res.status || res.error}` });
      return null;
    }
    if (!/\b(text|application)\/xml\b/i.test(res.contentType)) {
      this.appError({ code: 12300, message: `Invalid Content-Type: ${JSON.stringify(res.contentType)} from ${url}` });
      return null;
    }
    return this.parse(res.body);
  }

  parse(xml: string): Verb[] | null {
    try {
      return parseTwiml(xml);
    } catch (err) {
      if (!(err instanceof TwimlError)) throw err;
      this.appError(err.appError);
      return null;
    }
  }

  setSource(source: PhoneSource): void {
    this.source = source;
    this.media?.setSource(source);
  }

  /** The phone hangs up: after answer `stop` + completed; before it, declined (busy) or, inbound, canceled. */
  async hangUp(): Promise<void> {
    if (this.ended) return;
    if (this.answered) await this.end('completed');
    else await this.end(this.direction === 'inbound' ? 'canceled' : 'busy');
  }

  waitForStatus(wanted: CallStatus | CallStatus[], timeoutMs = 10_000): Promise<void> {
    const set = new Set(Array.isArray(wanted) ? wanted : [wanted]);
    return waitUntil(this.onChange.bind(this), () => {
      if (set.has(this.status)) return true;
      if (this.ended) throw new Error(`call ${this.sid} ended ${this.status}, never ${[...set].join('|')} (errors: ${JSON.stringify(this.errors)})`);
      return false;
    }, timeoutMs, () => `call ${this.sid} is ${this.status}, not ${[...set].join('|')}`);
  }

  async waitForMedia(timeoutMs = 10_000): Promise<MediaStreamClient> {
    await waitUntil(this.onChange.bind(this), () => {
      if (this.media) return true;
      if (this.ended) throw new Error(`call ${this.sid} ended ${this.status} without a media stream (errors: ${JSON.stringify(this.errors)})`);
      return false;
    }, timeoutMs, () => `call ${this.sid} has no media stream (status ${this.status})`);
    return this.media!;
  }

  /** Settles when every status callback queued so far has been answered. */
  callbacksDelivered(): Promise<void> {
    return this.queue.idle();
  }

  onChange(cb: () => void): () => void {
    this.events.on('change', cb);
    return () => this.events.off('change', cb);
  }
}

/** Twilio's date format: "Tue, 10 Aug 2010 08:02:17 +0000". */
export function rfc2822(d: Date): string {
  return d.toUTCString().replace('GMT', '+0000');
}
