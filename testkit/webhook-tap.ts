// A recorder between livekit-server and the API: every webhook LiveKit really sent (body and
// signature, byte for byte) is kept, then forwarded. Tests replay them to prove a replayed or
// late webhook changes nothing.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TappedWebhook {
  body: string;
  authorization: string;
  event: string;
  identity: string | null;
  receivedAt: number;
}

export interface WebhookTap {
  url: string;
  seen: TappedWebhook[];
  /** Posts a recorded webhook to the API again, exactly as LiveKit signed it. */
  replay(w: TappedWebhook): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export async function startWebhookTap(targetUrl: () => string): Promise<WebhookTap> {
  const seen: TappedWebhook[] = [];
  const post = async (body: string, authorization: string, contentType = 'application/webhook+json') => {
    const res = await fetch(targetUrl(), { method: 'POST', headers: { 'content-type': contentType, authorization }, body });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const authorization = String(req.headers.authorization ?? '');
      let parsed: { event?: string; participant?: { identity?: string } } = {};
      try {
        parsed = JSON.parse(body);
      } catch {
        /* forwarded as is */
      }
      seen.push({ body, authorization, event: parsed.event ?? '', identity: parsed.participant?.identity ?? null, receivedAt: Date.now() });
      post(body, authorization, String(req.headers['content-type'] ?? 'application/webhook+json'))
        .then((r) => res.writeHead(r.status).end())
        .catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/livekit/webhook`,
    seen,
    replay: (w) => post(w.body, w.authorization),
    close: () => new Promise((r) => server.close(() => r())),
  };
}
