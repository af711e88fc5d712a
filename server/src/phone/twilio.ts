// The Twilio adapter: REST (dial, hang up) through the official `twilio` package, the TwiML
// Twilio runs on each leg, and the X-Twilio-Signature check of every webhook. Twilio's errors
// become PhoneError here, mapped to AppError in one place (errors.ts), so nothing past this
// file knows a Twilio type. TWILIO_API_BASE_URL only changes where REST requests go (through a
// RequestClient), so a local emulator sees exactly what Twilio would.
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';

type RequestOptions<T> = RequestClient.RequestOptions<T>;
import type { PhoneConfig } from '../config.js';
import { timed, twilioRpc } from '../metrics/registry.js';

/** Twilio refused or could not be reached; `status` is Twilio's HTTP status when it answered. */
export class PhoneError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly twilioCode: number | null,
  ) {
    super(message);
    this.name = 'PhoneError';
  }
}

export interface DialRequest {
  /** Ours; it rides in the status callback URL so a report that outruns the REST answer finds its leg. */
  legId: string;
  to: string;
  /** Spoken to the specialist before the stream starts: who, why, and the summary. */
  whisper: string;
  /** The single-use token the Media Stream presents in its start message. */
  streamToken: string;
  ringTimeoutS: number;
}

/** Everything Warmline asks of the phone network; the Twilio implementation is below. */
export interface PhoneNetwork {
  readonly number: string;
  /** Phone transfers one agent may start per minute (PHONE_TRANSFERS_PER_MINUTE). */
  readonly limitPerMinute: number;
  dial(req: DialRequest): Promise<{ sid: string }>;
  /** Ends a leg: `canceled` while it rings, `completed` once answered. Already over is fine. */
  hangUp(sid: string, answered: boolean): Promise<void>;
  /**
   * TwiML for a customer who dialled our number: greeting, then the bridged stream. Its
   * `<Connect action>` is `/twilio/stream-ended?leg=<legId>`: when the stream ends with the call
   * still up (the instance holding the socket died), Twilio asks there what to do next.
   */
  inboundTwiml(streamToken: string, legId: string): string;
  /** The answer to that action: the same leg's stream again (fresh token), after `pauseS` seconds of silence if > 0. */
  reconnectTwiml(streamToken: string, legId: string, pauseS: number): string;
  /** The answer to that action when the record no longer wants the leg. */
  hangupTwiml(): string;
  /** Is this webhook from Twilio? `path` is ours with its query (e.g. /twilio/status?leg=…); params are the form body. */
  verify(signature: string | undefined, path: string, params: Record<string, string>): boolean;
  /** The same for the Media Streams upgrade: Twilio signs the wss:// URL with no params. */
  verifyStream(signature: string | undefined, path: string): boolean;
}

const STATUS_EVENTS = ['initiated', 'ringing', 'answered', 'completed'];
const MAX_TWIML = 4000; // Twilio's limit for inline TwiML
const CALL_NOT_IN_PROGRESS = 21220;

export function createTwilioNetwork(cfg: PhoneConfig, timeoutMs: number): PhoneNetwork {
  const httpClient = cfg.apiBaseUrl ? new BaseUrlClient(cfg.apiBaseUrl, timeoutMs) : new twilio.RequestClient({ timeout: timeoutMs });
  const client = cfg.apiKey
    ? twilio(cfg.apiKey.sid, cfg.apiKey.secret, { accountSid: cfg.accountSid, httpClient })
    : twilio(cfg.accountSid, cfg.authToken, { httpClient });
  const base = new URL(cfg.publicUrl);
  const httpsUrl = (path: string) => new URL(path, base).toString();
  const wssUrl = (path: string) => httpsUrl(path).replace(/^http/, 'ws');

  const streamTwiml = (r: InstanceType<typeof twilio.twiml.VoiceResponse>, token: string, legId?: string) => {
    // With an action, Twilio asks it what to do when the stream ends while the call is up
    // (https://twilio.com/docs/voice/twiml/connect); without one, it hangs up.
    const connect = legId ? r.connect({ action: httpsUrl(`/twilio/stream-ended?leg=${encodeURIComponent(legId)}`), method: 'POST' }) : r.connect();
    // The token goes in a <Parameter>, never in the URL: Twilio forbids query strings there.
    connect.stream({ url: wssUrl('/twilio/media') }).parameter({ name: 'token', value: token });
    return r.toString();
  };

  return {
    number: cfg.number,
    limitPerMinute: cfg.transfersPerMinute,
    async dial(req) {
      const r = new twilio.twiml.VoiceResponse();
      r.say(req.whisper.slice(0, 1500));
      const twiml = streamTwiml(r, req.streamToken);
      if (twiml.length > MAX_TWIML) throw new PhoneError('the whisper makes the TwiML too long', null, null);
      try {
        const call = await timed(twilioRpc, 'dial', () => client.calls.create({
          to: req.to,
          from: cfg.number,
          twiml,
          timeout: req.ringTimeoutS,
          statusCallback: httpsUrl(`/twilio/status?leg=${encodeURIComponent(req.legId)}`),
          statusCallbackEvent: STATUS_EVENTS,
          statusCallbackMethod: 'POST',
          machineDetection: 'Enable',
          asyncAmd: 'true',
          asyncAmdStatusCallback: httpsUrl(`/twilio/status?leg=${encodeURIComponent(req.legId)}`),
          asyncAmdStatusCallbackMethod: 'POST',
        }), rpcOutcome);
        return { sid: call.sid };
      } catch (err) {
        throw translate(err, 'place the call');
      }
    },
    async hangUp(sid, answered) {
      try {
        await timed(twilioRpc, 'hang_up', () => client.calls(sid).update({ status: answered ? 'completed' : 'canceled' }), rpcOutcome);
      } catch (err) {
        const e = translate(err, 'hang up');
        // 404: no such call any more; 21220: not in progress (over already); 400 on cancel: answered meanwhile.
        if (e.status === 404 || e.twilioCode === CALL_NOT_IN_PROGRESS) return;
        if (e.status === 400 && !answered) {
          await this.hangUp(sid, true);
          return;
        }
        throw e;
      }
    },
    inboundTwiml(streamToken, legId) {
      const r = new twilio.twiml.VoiceResponse();
      r.say('Thank you for calling. Please hold while we connect you to an agent.');
      return streamTwiml(r, streamToken, legId);
    },
    reconnectTwiml(streamToken, legId, pauseS) {
      const r = new twilio.twiml.VoiceResponse();
      if (pauseS > 0) r.pause({ length: pauseS });
      return streamTwiml(r, streamToken, legId);
    },
    hangupTwiml() {
      const r = new twilio.twiml.VoiceResponse();
      r.hangup();
      return r.toString();
    },
    verify(signature, path, params) {
      return !!signature && twilio.validateRequest(cfg.authToken, signature, httpsUrl(path), params);
    },
    verifyStream(signature, path) {
      if (!signature) return false;
      // Twilio's own advice for WebSocket handshakes: try the URL with a trailing slash too.
      const url = wssUrl(path);
      return twilio.validateRequest(cfg.authToken, signature, url, {}) || twilio.validateRequest(cfg.authToken, signature, `${url}/`, {});
    },
  };
}

/** Sends REST requests to TWILIO_API_BASE_URL instead of https://api.twilio.com (same paths, same auth). */
class BaseUrlClient extends twilio.RequestClient {
  constructor(
    private readonly baseUrl: string,
    timeoutMs: number,
  ) {
    super({ timeout: timeoutMs });
  }
  override request<T>(opts: RequestOptions<T>) {
    return super.request<T>({ ...opts, uri: opts.uri.replace(/^https:\/\/api\.twilio\.com/, this.baseUrl) });
  }
}

/** For warmline_twilio_rpc_duration_seconds: did Twilio answer, and how. */
function rpcOutcome(err: unknown): string {
  const status = (err as { status?: unknown })?.status;
  if (typeof status !== 'number') return 'unreachable';
  return status >= 500 ? 'server_error' : 'client_error';
}

function translate(err: unknown, what: string): PhoneError {
  if (err instanceof PhoneError) return err;
  const e = err as { status?: number; code?: number; message?: string };
  if (typeof e?.status === 'number') {
    return new PhoneError(`Twilio did not ${what}: ${e.status} ${e.code ?? ''} ${e.message ?? ''}`.trim(), e.status, e.code ?? null);
  }
  return new PhoneError(`Twilio could not be reached to ${what} (${(err as Error)?.message ?? 'error'})`, null, null);
}
