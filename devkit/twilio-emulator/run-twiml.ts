// Runs a parsed TwiML document on an answered call, verb by verb. While <Connect><Stream>
// runs nothing else does; when the server closes the socket, the document continues (or
// <Connect action> is fetched); with nothing left, the call ends (note §1.1).
import { setTimeout as delay } from 'node:timers/promises';
import { MediaHandshakeError, type MediaStreamClient } from './media-client.js';
import type { StreamSpec, TwilioAppError, Verb } from './twiml.js';

/** How a document ended: the terminal status the call takes. */
export type RunOutcome = 'completed' | 'busy' | 'failed';

/** What the runner needs from the call; EmulatedCall implements it. */
export interface TwimlHost {
  readonly answered: boolean;
  readonly said: string[];
  readonly playedUrls: string[];
  appError(e: TwilioAppError): void;
  /** Opens the call's media stream for a <Stream>; null when it could not connect. */
  openStream(spec: StreamSpec): Promise<MediaStreamClient | null>;
  /** Fetches a TwiML document from the app (e.g. <Connect action>); null after an error. */
  fetchDocument(url: string): Promise<Verb[] | null>;
}

/** A <Say> takes about 60 ms per word (capped), so it is not instant, like speech. */
export const SAY_MS_PER_WORD = 60;
export const SAY_MAX_MS = 4000;
/** An emulated <Play> "lasts" this long: the emulator does not fetch the audio. */
export const PLAY_MS = 300;

export async function runTwiml(host: TwimlHost, verbs: Verb[], signal: AbortSignal): Promise<RunOutcome> {
  let doc = verbs;
  for (let i = 0; i < doc.length; i++) {
    if (signal.aborted) return 'completed';
    const verb = doc[i]!;
    switch (verb.verb) {
      case 'Say': {
        host.said.push(verb.text);
        const words = verb.text.split(/\s+/).filter(Boolean).length;
        await pause(Math.min(SAY_MAX_MS, Math.max(1, words) * SAY_MS_PER_WORD) * Math.max(1, Math.min(verb.loop, 10)), signal);
        break;
      }
      case 'Pause':
        await pause(verb.length * 1000, signal);
        break;
      case 'Play':
        host.playedUrls.push(verb.url);
        await pause(PLAY_MS * Math.max(1, Math.min(verb.loop, 10)), signal);
        break;
      case 'Hangup':
        return 'completed';
      case 'Reject':
        // Only meaningful before answer (inbound); the caller handles that case.
        return host.answered ? 'completed' : verb.reason === 'busy' ? 'busy' : 'failed';
      case 'Connect': {
        const media = await host.openStream(verb.stream);
        if (media) await Promise.race([media.closed, aborted(signal)]);
        if (signal.aborted) return 'completed';
        if (verb.action) {
          const next = await host.fetchDocument(verb.action);
          if (!next) return 'failed';
          doc = next;
          i = -1;
        }
        break;
      }
    }
  }
  return 'completed';
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal }).catch(() => undefined);
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
}

/** The Twilio error for a stream that could not connect (error pages 31920, 31901, 31902). */
export function streamConnectError(err: unknown, url: string): TwilioAppError {
  if (err instanceof MediaHandshakeError && err.status) return { code: 31920, message: `Stream - WebSocket - Handshake Error: ${url} answered HTTP ${err.status}` };
  if (err instanceof MediaHandshakeError && err.code === 'ECONNREFUSED') return { code: 31902, message: `Stream - WebSocket - Connection Refused: ${url}` };
  const detail = err instanceof Error ? err.message : String(err);
  return { code: 31901, message: `Stream - WebSocket - Connection failed: ${url}: ${detail}` };
}
