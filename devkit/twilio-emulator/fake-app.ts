// A tiny stand-in for the app, for the emulator's own tests: records every webhook and media
// socket exactly as received (headers, form, messages) and answers with what the test says.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { parseForm, type Form } from './rest.js';

export interface SeenRequest {
  path: string;
  headers: IncomingHttpHeaders;
  form: Form;
  at: number;
}

export interface SeenSocket {
  path: string;
  headers: IncomingHttpHeaders;
  ws: WebSocket;
  messages: any[];
  closed: Promise<void>;
}

export interface FakeApp {
  url: string;
  requests: SeenRequest[];
  sockets: SeenSocket[];
  /** TwiML answered on /twilio/voice and other TwiML paths (default: empty <Response/>). */
  twiml: (req: SeenRequest) => { status?: number; contentType?: string; body: string };
  /** HTTP status for callbacks (/twilio/status, /twilio/amd, /twilio/stream). */
  callbackStatus: number;
  /** When set, media upgrades are refused with this status. */
  refuseUpgrade: number | null;
  waitForSocket(timeoutMs?: number): Promise<SeenSocket>;
  waitForRequest(pred: (r: SeenRequest) => boolean, timeoutMs?: number): Promise<SeenRequest>;
  close(): Promise<void>;
}

export async function startFakeApp(): Promise<FakeApp> {
  const requests: SeenRequest[] = [];
  const sockets: SeenSocket[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen: SeenRequest = { path: req.url ?? '/', headers: req.headers, form: parseForm(Buffer.concat(chunks).toString('utf8')), at: performance.now() };
      requests.push(seen);
      if (/^\/twilio\/(status|amd|stream)/.test(seen.path)) return void res.writeHead(app.callbackStatus).end();
      const t = app.twiml(seen);
      res.writeHead(t.status ?? 200, { 'content-type': t.contentType ?? 'text/xml' }).end(t.body);
    });
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (app.refuseUpgrade) {
      socket.end(`HTTP/1.1 ${app.refuseUpgrade} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const messages: any[] = [];
      ws.on('message', (d) => messages.push(JSON.parse(String(d))));
      const closed = new Promise<void>((r) => ws.once('close', () => r()));
      sockets.push({ path: req.url ?? '/', headers: req.headers, ws, messages, closed });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  let taken = 0;

  const poll = <T>(get: () => T | undefined, timeoutMs: number, what: string) =>
    new Promise<T>((resolve, reject) => {
      const t0 = Date.now();
      const check = () => {
        const v = get();
        if (v !== undefined) return resolve(v);
        if (Date.now() - t0 > timeoutMs) return reject(new Error(`fake app: no ${what} within ${timeoutMs} ms`));
        setTimeout(check, 10);
      };
      check();
    });

  const app: FakeApp = {
    url: `http://127.0.0.1:${port}`,
    requests,
    sockets,
    twiml: () => ({ body: '<?xml version="1.0" encoding="UTF-8"?><Response/>' }),
    callbackStatus: 204,
    refuseUpgrade: null,
    // Each call hands out the next socket not handed out before, however early it connected.
    waitForSocket: (timeoutMs = 5000) => {
      const n = taken++;
      return poll(() => sockets[n], timeoutMs, 'media socket');
    },
    waitForRequest: (pred, timeoutMs = 5000) => poll(() => requests.find(pred), timeoutMs, 'matching request'),
    async close() {
      for (const ws of wss.clients) ws.terminate();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  return app;
}
