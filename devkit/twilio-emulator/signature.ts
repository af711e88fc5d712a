// X-Twilio-Signature, written from Twilio's published algorithm (facts note §3) and not
// taken from the twilio package, so the server's validation is checked by an independent
// implementation.
import { createHmac } from 'node:crypto';

export type SignedParams = Record<string, string | string[]>;

/**
 * base64(HMAC-SHA1(authToken, url + Σ name+value)), names sorted by code unit
 * ("Unix-style case-sensitive"). A repeated name contributes name+value once per distinct
 * value, values sorted (what twilio-node's validator expects). GET requests and the
 * WebSocket upgrade pass `{}`: their parameters are in the URL or absent.
 */
export function twilioSignature(authToken: string, url: string, params: SignedParams): string {
  let data = url;
  for (const name of Object.keys(params).sort(byCodeUnit)) {
    const value = params[name]!;
    const values = Array.isArray(value) ? [...new Set(value)].sort(byCodeUnit) : [value];
    for (const v of values) data += name + v;
  }
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

/**
 * The URL exactly as Twilio signs it (note §3): credentials are always dropped; over
 * https (and wss) the port is dropped too, over http it is kept.
 */
export function urlAsSigned(raw: string): string {
  const u = new URL(raw);
  const scheme = u.protocol; // "https:"
  const keepPort = scheme === 'http:' || scheme === 'ws:';
  const host = keepPort && u.port ? `${u.hostname}:${u.port}` : u.hostname;
  // Keep path and query byte for byte: URL.toString() would re-encode them.
  const authority = raw.indexOf('//') + 2;
  const tail = raw.slice(authority).search(/[/?#]/);
  const rest = tail === -1 ? '' : raw.slice(authority + tail);
  return `${scheme}//${host}${rest}`;
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
