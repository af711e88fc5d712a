// The phone's side of a bidirectional Media Stream (<Connect><Stream>), speaking Twilio's
// WebSocket messages (note §1.2–1.3, checklist §1.6): a signed upgrade, `connected`, `start`,
// a `media` frame every 20 ms of what the phone says, `dtmf`, `stop` on hang-up; and an
// "ear" that plays what the server sends in real time, echoing marks and honouring `clear`.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { FRAME_MS, SourceReader, encodePayload, type PhoneSource } from './audio.js';
import { startPacer } from './pacer.js';
import { Playout, type EchoedMark, type PlayedFrame } from './playout.js';
import { twilioSignature } from './signature.js';

export type { EchoedMark, PlayedFrame } from './playout.js';

export interface MediaStreamOptions {
  /** Where the socket really goes, e.g. ws://127.0.0.1:PORT/twilio/media. */
  connectUrl: string;
  /** The wss:// URL from the TwiML: what Twilio signs (no params, note §1.5). */
  signedUrl: string;
  authToken: string;
  accountSid: string;
  callSid: string;
  customParameters: Record<string, string>;
  streamName?: string;
  source?: PhoneSource;
  /** Played frames kept in `played` (oldest dropped). Default 15 000 (5 min). */
  keepFrames?: number;
}

export interface MediaStreamClient {
  readonly streamSid: string;
  readonly streamName: string;
  /** What the phone heard, one 20 ms frame per entry; nothing is recorded for gaps. */
  readonly played: PlayedFrame[];
  readonly marks: EchoedMark[];
  readonly clears: number;
  /** 20 ms ticks with nothing to play after the first audio arrived. */
  readonly underruns: number;
  readonly sentFrames: number;
  /** 20 ms ticks this process was too stalled to run (so neither sent nor played): emulator-side gaps. */
  readonly skippedTicks: number;
  /** Audio queued for playout, in bytes (8 bytes per ms). */
  readonly bufferedBytes: number;
  /** Messages from the server that Twilio would reject or ignore (error 31924 territory). */
  readonly protocolErrors: string[];
  /** Settles when the socket is gone, whoever closed it. */
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly closedByPhone: boolean;
  setSource(source: PhoneSource): void;
  onPlayout(cb: (frame: PlayedFrame) => void): () => void;
  sendDtmf(digit: string): void;
  /** The phone hangs up: `stop`, then close. */
  hangUp(): Promise<void>;
}

/** The upgrade was refused (`status`, e.g. 403) or the connection failed (`code`). */
export class MediaHandshakeError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'MediaHandshakeError';
  }
}

export function openMediaStream(opts: MediaStreamOptions): Promise<MediaStreamClient> {
  const signature = twilioSignature(opts.authToken, opts.signedUrl, {});
  const ws = new WebSocket(opts.connectUrl, {
    headers: { 'X-Twilio-Signature': signature },
    perMessageDeflate: false,
    handshakeTimeout: 10_000,
  });
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (err: MediaHandshakeError) => {
      if (settled) return;
      settled = true;
      ws.terminate();
      reject(err);
    };
    ws.on('unexpected-response', (_req, res) => {
      res.resume();
      fail(new MediaHandshakeError(`media upgrade refused: HTTP ${res.statusCode}`, res.statusCode));
    });
    ws.on('error', (err: NodeJS.ErrnoException) => fail(new MediaHandshakeError(`media socket failed: ${err.message}`, undefined, err.code)));
    ws.once('open', () => {
      if (settled) return;
      settled = true;
      resolve(startSession(ws, opts));
    });
  });
}

function startSession(ws: WebSocket, opts: MediaStreamOptions): MediaStreamClient {
  const streamSid = 'MZ' + randomBytes(16).toString('hex');
  const streamName = opts.streamName ?? streamSid;
  const reader = new SourceReader();
  reader.set(opts.source ?? { kind: 'silence' });
  let seq = 0;
  let chunk = 0;
  let sentFrames = 0;
  let closedByPhone = false;
  const protocolErrors: string[] = [];
  const startedAt = performance.now();

  const send = (msg: Record<string, unknown>) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg));
  };
  const nextSeq = () => String(++seq);
  const echoMark = (name: string) => send({ event: 'mark', sequenceNumber: nextSeq(), streamSid, mark: { name } });
  const playout = new Playout(echoMark, opts.keepFrames ?? 15_000);

  send({ event: 'connected', protocol: 'Call', version: '1.0.0' });
  send({
    event: 'start',
    sequenceNumber: nextSeq(),
    start: {
      accountSid: opts.accountSid,
      streamSid,
      callSid: opts.callSid,
      tracks: ['inbound'],
      mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      customParameters: opts.customParameters,
    },
    streamSid,
  });

  // One clock for both directions: what the phone says goes out, what it hears plays.
  const pacer = startPacer(FRAME_MS, (_k, dueMs) => {
    chunk += 1;
    sentFrames += 1;
    send({
      event: 'media',
      sequenceNumber: nextSeq(),
      media: { track: 'inbound', chunk: String(chunk), timestamp: String(Math.round(dueMs - startedAt)), payload: encodePayload(reader.next()) },
      streamSid,
    });
    playout.tick();
  });

  ws.on('message', (data, isBinary) => {
    if (isBinary) return void protocolErrors.push('binary frame (not part of the protocol)');
    let msg: any;
    try {
      msg = JSON.parse(String(data));
    } catch {
      return void protocolErrors.push(`not JSON: ${String(data).slice(0, 80)}`);
    }
    if (msg?.streamSid !== streamSid) protocolErrors.push(`${msg?.event}: streamSid ${JSON.stringify(msg?.streamSid)} is not ${streamSid}`);
    const problem = playout.accept(msg);
    if (problem) protocolErrors.push(problem);
  });

  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.once('close', (code, reason) => {
      pacer.stop();
      playout.close();
      resolve({ code, reason: reason.toString() });
    });
  });

  return {
    streamSid,
    streamName,
    get played() {
      return playout.played;
    },
    get marks() {
      return playout.marks;
    },
    get clears() {
      return playout.clears;
    },
    get underruns() {
      return playout.underruns;
    },
    get sentFrames() {
      return sentFrames;
    },
    get skippedTicks() {
      return pacer.skipped;
    },
    get bufferedBytes() {
      return playout.bufferedBytes;
    },
    protocolErrors,
    closed,
    get closedByPhone() {
      return closedByPhone;
    },
    setSource: (source) => reader.set(source),
    onPlayout: (cb) => playout.listen(cb),
    sendDtmf(digit) {
      if (!/^[0-9*#A-D]$/.test(digit)) throw new Error(`not a DTMF digit: ${digit}`);
      send({ event: 'dtmf', streamSid, sequenceNumber: nextSeq(), dtmf: { track: 'inbound_track', digit } });
    },
    async hangUp() {
      if (ws.readyState === WebSocket.OPEN) {
        closedByPhone = true;
        send({ event: 'stop', sequenceNumber: nextSeq(), stop: { accountSid: opts.accountSid, callSid: opts.callSid }, streamSid });
        ws.close(1000);
      } else if (ws.readyState === WebSocket.CONNECTING) {
        ws.terminate();
      }
      // A server that never answers the close handshake must not keep the call alive.
      const timer = setTimeout(() => ws.terminate(), 2000);
      await closed;
      clearTimeout(timer);
    },
  };
}
