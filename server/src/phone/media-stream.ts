// Twilio bidirectional Media Streams: the JSON text messages on the `<Connect><Stream>` WebSocket.
// Shapes follow Twilio's "WebSocket messages" page (see shared notes, twilio-phone-facts §1.2–1.3).
// Every counter (sequenceNumber, chunk, timestamp) is a string; streamSid is not checked for an `MZ`
// prefix (Twilio's own sample trace has UUIDs). Extra fields are allowed: Twilio may add some.
import type { WebSocket, RawData } from 'ws';
import { Type, type Static, type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';

const Counter = Type.String({ pattern: '^[0-9]+$' });
const Sid = Type.String({ minLength: 1, maxLength: 64 });

export const ConnectedSchema = Type.Object({
  event: Type.Literal('connected'),
  protocol: Type.String(),
  version: Type.String(),
});

export const StartSchema = Type.Object({
  event: Type.Literal('start'),
  sequenceNumber: Counter,
  streamSid: Sid,
  start: Type.Object({
    accountSid: Sid,
    streamSid: Sid,
    callSid: Sid,
    tracks: Type.Array(Type.String()),
    mediaFormat: Type.Object({ encoding: Type.String(), sampleRate: Type.Number(), channels: Type.Number() }),
    // Absent when the TwiML has no <Parameter>; parseMediaMessage fills in {}.
    customParameters: Type.Optional(Type.Record(Type.String(), Type.String())),
  }),
});

export const MediaSchema = Type.Object({
  event: Type.Literal('media'),
  sequenceNumber: Counter,
  streamSid: Sid,
  media: Type.Object({
    track: Type.String(),
    chunk: Counter,
    timestamp: Counter,
    payload: Type.String({ pattern: '^[A-Za-z0-9+/]*={0,2}$' }),
  }),
});

export const DtmfSchema = Type.Object({
  event: Type.Literal('dtmf'),
  sequenceNumber: Counter,
  streamSid: Sid,
  dtmf: Type.Object({ track: Type.String(), digit: Type.String({ minLength: 1, maxLength: 1 }) }),
});

export const MarkSchema = Type.Object({
  event: Type.Literal('mark'),
  sequenceNumber: Counter,
  streamSid: Sid,
  mark: Type.Object({ name: Type.String() }),
});

export const StopSchema = Type.Object({
  event: Type.Literal('stop'),
  sequenceNumber: Counter,
  streamSid: Sid,
  stop: Type.Object({ accountSid: Sid, callSid: Sid }),
});

export type ConnectedMessage = Static<typeof ConnectedSchema>;
type RawStart = Static<typeof StartSchema>;
/** `start` with customParameters always present (possibly empty). */
export type StartMessage = Omit<RawStart, 'start'> & {
  start: Omit<RawStart['start'], 'customParameters'> & { customParameters: Record<string, string> };
};
export type MediaMessage = Static<typeof MediaSchema>;
export type DtmfMessage = Static<typeof DtmfSchema>;
export type MarkMessage = Static<typeof MarkSchema>;
export type StopMessage = Static<typeof StopSchema>;
export type InboundMessage = ConnectedMessage | StartMessage | MediaMessage | DtmfMessage | MarkMessage | StopMessage;

// Compiled once: media messages arrive 50 times a second per leg.
const check = (schema: TSchema) => {
  const validator = Compile(schema);
  return (v: unknown) => validator.Check(v);
};
const validators: Record<InboundMessage['event'], (v: unknown) => boolean> = {
  connected: check(ConnectedSchema),
  start: check(StartSchema),
  media: check(MediaSchema),
  dtmf: check(DtmfSchema),
  mark: check(MarkSchema),
  stop: check(StopSchema),
};

/** One inbound text frame → a typed message, or null for anything malformed or unknown. */
export function parseMediaMessage(text: string): InboundMessage | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const event = (v as { event?: unknown }).event;
  if (typeof event !== 'string' || !Object.hasOwn(validators, event)) return null;
  if (!validators[event as InboundMessage['event']](v)) return null;
  const msg = v as InboundMessage;
  if (msg.event === 'start') msg.start.customParameters ??= {};
  return msg;
}

/** Outbound `media`: raw μ-law/8000 bytes, base64, no header. Any length is allowed by Twilio. */
export const mediaMessage = (streamSid: string, mulaw: Uint8Array): string =>
  JSON.stringify({
    event: 'media',
    streamSid,
    media: { payload: Buffer.from(mulaw.buffer, mulaw.byteOffset, mulaw.byteLength).toString('base64') },
  });

/** Outbound `mark`: Twilio echoes it when the audio sent before it has played (or was cleared). */
export const markMessage = (streamSid: string, name: string): string => JSON.stringify({ event: 'mark', streamSid, mark: { name } });

/** Outbound `clear`: Twilio drops everything it has buffered for playout. */
export const clearMessage = (streamSid: string): string => JSON.stringify({ event: 'clear', streamSid });

/** A text frame's content; binary frames are not part of the protocol. */
export function frameText(data: RawData, isBinary: boolean): string | null {
  if (isBinary) return null;
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

/**
 * Waits for `connected` then `start`, the first two messages of every stream. Rejects on timeout,
 * on close, or when either is malformed or out of order. Messages after `start` are not consumed:
 * hand the socket to the bridge right away (it also checks whether the socket closed meanwhile).
 */
export function readStart(socket: WebSocket, timeoutMs: number): Promise<StartMessage> {
  return new Promise((resolve, reject) => {
    let seen: 'nothing' | 'connected' = 'nothing';
    const done = (err: Error | null, start?: StartMessage) => {
      clearTimeout(timer);
      socket.off('message', onMessage);
      socket.off('close', onClose);
      socket.off('error', onError);
      if (err) reject(err);
      else resolve(start!);
    };
    const onMessage = (data: RawData, isBinary: boolean) => {
      const text = frameText(data, isBinary);
      const msg = text === null ? null : parseMediaMessage(text);
      if (seen === 'nothing') {
        if (msg?.event === 'connected') seen = 'connected';
        else done(new Error(`media stream: expected "connected" first, got ${describe(msg, text)}`));
      } else if (msg?.event === 'start') {
        done(null, msg);
      } else {
        done(new Error(`media stream: expected "start" after "connected", got ${describe(msg, text)}`));
      }
    };
    const onClose = (code: number) => done(new Error(`media stream: socket closed (${code}) before "start"`));
    const onError = (err: Error) => done(new Error(`media stream: socket error before "start": ${err.message}`));
    const timer = setTimeout(() => done(new Error(`media stream: no "start" within ${timeoutMs} ms`)), timeoutMs);
    if (socket.readyState !== socket.OPEN) {
      done(new Error('media stream: socket is not open'));
      return;
    }
    socket.on('message', onMessage);
    socket.on('close', onClose);
    socket.on('error', onError);
  });
}

// Never echo a raw frame into a log line: it may carry the stream's token.
const describe = (msg: InboundMessage | null, text: string | null) =>
  msg ? `"${msg.event}"` : text === null ? 'a binary frame' : 'a malformed message';
