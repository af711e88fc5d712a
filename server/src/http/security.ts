// Security headers on every response: the SPA, the API, errors, 404s (helmet, through
// @fastify/helmet's onRequest hook; router errors that come before any hook get the same
// headers from `applySecurityHeaders`).
//
// The Content-Security-Policy allows exactly what the console and caller page use, checked
// against web/src and the built bundle: scripts, styles and assets from our own origin (Vite
// emits no inline script; React's style props go through CSSOM, which CSP does not govern); the
// favicon is a data: URL; API calls and the event stream are same-origin; LiveKit is the one
// other host: its signalling WebSocket and the HTTP(S) endpoints livekit-client calls on
// failure (/rtc/validate) and, on LiveKit Cloud, region discovery. livekit-client starts no
// worker (only for end-to-end encryption, unused) and media arrives as MediaStreams, which CSP
// does not govern; hold music and ring tones are Web Audio. WebRTC's ICE/TURN is outside CSP.
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

/** ws(s):// and http(s):// origins of the LiveKit URL browsers connect to. */
export function livekitSources(clientUrl: string): string[] {
  let u: URL;
  try {
    u = new URL(clientUrl);
  } catch {
    return [];
  }
  const secure = u.protocol === 'wss:' || u.protocol === 'https:';
  const sources = [`${secure ? 'wss' : 'ws'}://${u.host}`, `${secure ? 'https' : 'http'}://${u.host}`];
  // LiveKit Cloud: the client may move to a region's own host under the same domain.
  for (const cloud of ['livekit.cloud', 'livekit.run']) {
    if (u.hostname.endsWith(`.${cloud}`)) sources.push(`wss://*.${cloud}`, `https://*.${cloud}`);
  }
  return sources;
}

export function helmetOptions(opts: { production: boolean; livekitClientUrl: string }): HelmetOptions {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'base-uri': ["'self'"],
        'script-src': ["'self'"],
        'script-src-attr': ["'none'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        'font-src': ["'self'"],
        'connect-src': ["'self'", ...livekitSources(opts.livekitClientUrl)],
        'object-src': ["'none'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
        // Behind TLS only: on plain http (development) it would rewrite our own asset URLs to https.
        ...(opts.production ? { 'upgrade-insecure-requests': [] } : {}),
      },
    },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // Production sits behind TLS; a browser ignores HSTS over plain http anyway, but a
    // development host name must never be pinned to https by accident.
    strictTransportSecurity: opts.production ? { maxAge: 180 * 24 * 3600, includeSubDomains: false } : false,
    crossOriginEmbedderPolicy: false,
  };
}

/** Swagger UI (/docs) alone: its bundle sets inline styles, so styles (only) may be inline there. */
export const DOCS_CSP =
  "default-src 'self'; base-uri 'self'; script-src 'self'; script-src-attr 'none'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; form-action 'self'; frame-ancestors 'none'";

/** The same headers for a response no hook sees (Fastify's frameworkErrors). */
export function securityHeadersFor(options: HelmetOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const middleware = helmet(options);
  return (req, res) => middleware(req, res, () => undefined);
}
