// The phone page's socket (/phone/ws): the page sees every call, answers or refuses ringing
// ones (manual mode), places inbound calls, and talks: its microphone arrives here as 8 kHz
// 16-bit PCM (binary frames) and feeds the call's Media Stream; what the phone hears goes
// back to the page the same way.
import type { Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { PcmFeed, type PhoneSource } from './audio.js';
import type { Decision, EmulatedCall } from './call.js';
import type { MediaStreamClient } from './media-client.js';

export interface RelayDeps {
  calls: EmulatedCall[];
  onCall(cb: (c: EmulatedCall) => void): () => void;
  placeInbound(o: { from: string; source?: PhoneSource }): Promise<EmulatedCall>;
  decide(sid: string, d: Decision): boolean;
}

type PageSource = { kind: 'tone'; hz: number } | { kind: 'silence' } | { kind: 'mic' };
type PageMessage =
  | { type: 'answer'; sid: string; as: 'human' | 'machine' }
  | { type: 'reject'; sid: string; how: 'busy' | 'no-answer' | 'failed' }
  | { type: 'hangup'; sid: string }
  | { type: 'attach'; sid: string }
  | { type: 'source'; sid: string; source: PageSource }
  | { type: 'dtmf'; sid: string; digit: string }
  | { type: 'inbound'; from: string; source: PageSource };

export function attachPhoneRelay(server: Server, deps: RelayDeps): () => void {
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const host = req.headers.host ?? '';
    // Only our own page may drive the phone (any other site could reach a loopback port).
    const originOk = !req.headers.origin || req.headers.origin === `http://${host}`;
    if (req.url !== '/phone/ws' || !originOk) return void socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws, deps));
  });
  return () => {
    for (const ws of wss.clients) ws.terminate();
    wss.close();
  };
}

function serve(ws: WebSocket, deps: RelayDeps): void {
  let attached: EmulatedCall | null = null;
  let feed: PcmFeed | null = null;
  let heard: MediaStreamClient | null = null;
  let offPlayout: (() => void) | null = null;
  const offs: (() => void)[] = [];
  let pending: NodeJS.Timeout | null = null;

  const snapshot = () => {
    pending = null;
    if (ws.readyState !== ws.OPEN) return;
    const calls = deps.calls.map((c) => ({
      sid: c.sid,
      direction: c.direction,
      from: c.from,
      to: c.to,
      status: c.status,
      answeredBy: c.answeredBy,
      said: c.said,
      errors: c.errors,
      media: c.media !== null,
      deciding: c.decider !== null,
      attached: c === attached,
    }));
    ws.send(JSON.stringify({ type: 'calls', calls }));
  };
  const changed = () => {
    follow();
    pending ??= setTimeout(snapshot, 50);
  };
  // Route what the attached call's phone hears to the page, following stream changes.
  const follow = () => {
    const media = attached?.media ?? null;
    if (media === heard) return;
    offPlayout?.();
    heard = media;
    offPlayout = media ? media.onPlayout((f) => ws.readyState === ws.OPEN && ws.send(Buffer.from(f.samples.buffer, f.samples.byteOffset, f.samples.byteLength))) : null;
  };
  const watch = (c: EmulatedCall) => offs.push(c.onChange(changed));
  deps.calls.forEach(watch);
  offs.push(deps.onCall((c) => (watch(c), changed())));
  const attach = (c: EmulatedCall | undefined) => {
    if (!c) return;
    attached = c;
    changed();
  };
  const sourceFor = (s: PageSource): PhoneSource => {
    if (s.kind !== 'mic') return s;
    feed = new PcmFeed(1600); // ≤ 200 ms queued: a live voice must not lag
    return { kind: 'feed', feed };
  };
  const find = (sid: string) => deps.calls.find((c) => c.sid === sid);

  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      const buf = data as Buffer;
      if (feed && buf.length >= 2) feed.push(new Int16Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + (buf.length & ~1))));
      return;
    }
    let msg: PageMessage;
    try {
      msg = JSON.parse(String(data));
    } catch {
      return;
    }
    const call = 'sid' in msg ? find(msg.sid) : undefined;
    switch (msg.type) {
      case 'answer':
        if (deps.decide(msg.sid, msg.as)) attach(call);
        break;
      case 'reject':
        deps.decide(msg.sid, msg.how);
        break;
      case 'hangup':
        void call?.hangUp();
        break;
      case 'attach':
        attach(call);
        break;
      case 'source':
        call?.setSource(sourceFor(msg.source));
        break;
      case 'dtmf':
        call?.media?.sendDtmf(msg.digit);
        break;
      case 'inbound':
        void deps.placeInbound({ from: msg.from, source: sourceFor(msg.source) }).then(attach);
        break;
    }
  });
  ws.on('close', () => {
    offPlayout?.();
    for (const off of offs) off();
    if (pending) clearTimeout(pending);
  });
  snapshot();
}
