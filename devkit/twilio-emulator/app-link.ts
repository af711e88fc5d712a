// How the emulator reaches the app: Twilio calls the public URL (what it signs), the request
// really goes to the app's local address (what a tunnel such as ngrok does).
import { twilioSignature, urlAsSigned } from './signature.js';

export interface AppLink {
  authToken: string;
  /** e.g. https://warmline.test: the host Twilio believes it calls. */
  publicUrl: string;
  /** e.g. http://127.0.0.1:3000: where requests to publicUrl really go. */
  appUrl: string;
}

export interface AppResponse {
  /** 0 when the request never got an answer (refused, timed out). */
  status: number;
  contentType: string;
  body: string;
  error?: string;
}

const strip = (u: string) => u.replace(/\/+$/, '');

/** The local address for a URL under publicUrl; any other URL is used as it is. */
export function routeHttp(link: AppLink, url: string): string {
  const pub = strip(link.publicUrl);
  return url.startsWith(pub) && /^($|[/?#])/.test(url.slice(pub.length)) ? strip(link.appUrl) + url.slice(pub.length) : url;
}

/** wss://<public host>/path → ws://<app host>/path, the same route as https (wss when the app is https). */
export function routeWs(link: AppLink, wssUrl: string): string {
  const asHttps = 'https://' + wssUrl.slice('wss://'.length);
  const routed = routeHttp(link, asHttps);
  return routed === asHttps ? wssUrl : routed.replace(/^http/, 'ws');
}

/** POSTs form params the way Twilio does: form-encoded and signed over the public URL. */
export async function postSigned(link: AppLink, url: string, params: Record<string, string>, timeoutMs = 15_000): Promise<AppResponse> {
  const body = new URLSearchParams(params).toString();
  const signature = twilioSignature(link.authToken, urlAsSigned(url), params);
  try {
    const res = await fetch(routeHttp(link, url), {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        'x-twilio-signature': signature,
        'user-agent': 'TwilioProxy/1.1',
        accept: '*/*',
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.text() };
  } catch (err) {
    return { status: 0, contentType: '', body: '', error: err instanceof Error ? err.message : String(err) };
  }
}
