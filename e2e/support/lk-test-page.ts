// A bare LiveKit page, independent of the Warmline UI, for harness tests and for measuring
// LiveKit server behaviour (permission changes, subscription updates, …) with real audio.
//
//   const site = await startTestPageServer();
//   await browser.page.goto(site.pageUrl({ url: lk.url, token }));
//   await waitForTestPage(browser.page);          // connected and mic published
//
// The page loads livekit-client's UMD bundle from node_modules, connects with the token from
// the URL, publishes the microphone, and attaches every remote audio track to an <audio>
// element (like a real UI would). When the server revokes canPublish, livekit-client
// unpublishes (and stops) the local mic track; the page republishes it as soon as canPublish
// comes back (ParticipantPermissionsChanged), as a real UI must.
//
// Query parameters: url, token, mic=0 (don't publish), apm=0 (disable echo cancellation,
// noise suppression and auto gain control on the mic), attach=0 (don't attach remote tracks).
// State for tests: window.__lk = { state, error, events[], room }.

import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);

/** node_modules/livekit-client/dist/livekit-client.umd.js (the package's "require" export). */
export function livekitClientUmdPath(): string {
  const main = require.resolve('livekit-client');
  return main.endsWith('.umd.js') ? main : join(dirname(main), 'livekit-client.umd.js');
}

const PAGE_HTML = String.raw`<!doctype html>
<html><head><meta charset="utf-8"><title>warmline lk test page</title></head>
<body>
<pre id="status">loading</pre>
<script src="/livekit-client.umd.js"></script>
<script>
(() => {
  const q = new URLSearchParams(location.search);
  const LK = window.LivekitClient;
  const st = (window.__lk = { state: 'init', error: null, events: [], room: null });
  const ev = (type, data) => {
    st.events.push(Object.assign({ t: Date.now(), type }, data || {}));
    document.getElementById('status').textContent = st.state + '\n' + st.events.map((e) => JSON.stringify(e)).join('\n');
  };
  const micOptions = q.get('apm') === '0'
    ? { echoCancellation: false, noiseSuppression: false, autoGainControl: false, voiceIsolation: false }
    : undefined;
  const wantMic = q.get('mic') !== '0';
  const room = new LK.Room({ adaptiveStream: false, dynacast: false });
  st.room = room;
  const R = LK.RoomEvent;
  room
    .on(R.TrackSubscribed, (track, pub, p) => {
      ev('subscribed', { kind: track.kind, from: p.identity, sid: pub.trackSid });
      if (track.kind === 'audio' && q.get('attach') !== '0') {
        const el = track.attach();
        document.body.appendChild(el);
      }
    })
    .on(R.TrackUnsubscribed, (track, pub, p) => {
      ev('unsubscribed', { kind: track.kind, from: p.identity, sid: pub.trackSid });
      track.detach().forEach((el) => el.remove());
    })
    .on(R.LocalTrackPublished, (pub) => ev('localPublished', { kind: pub.kind, sid: pub.trackSid }))
    .on(R.LocalTrackUnpublished, (pub) => ev('localUnpublished', { kind: pub.kind, sid: pub.trackSid }))
    .on(R.ParticipantPermissionsChanged, (prev, p) => {
      const perm = p.permissions || {};
      ev('permissions', { who: p.identity, canPublish: perm.canPublish, canSubscribe: perm.canSubscribe });
      if (p === room.localParticipant && wantMic && perm.canPublish && !room.localParticipant.isMicrophoneEnabled) {
        room.localParticipant.setMicrophoneEnabled(true, micOptions)
          .then(() => ev('republished'))
          .catch((e) => ev('republishFailed', { error: String(e && e.message || e) }));
      }
    })
    .on(R.Disconnected, (reason) => { st.state = 'disconnected'; ev('disconnected', { reason }); });
  (async () => {
    try {
      st.state = 'connecting';
      await room.connect(q.get('url'), q.get('token'), { autoSubscribe: true });
      ev('connected', { identity: room.localParticipant.identity });
      if (wantMic) {
        await room.localParticipant.setMicrophoneEnabled(true, micOptions);
      }
      st.state = 'ready';
      ev('ready');
    } catch (e) {
      st.state = 'error';
      st.error = String(e && e.stack || e);
      ev('error', { error: st.error });
    }
  })();
})();
</script>
</body></html>`;

export interface TestPageServer {
  /** http://127.0.0.1:PORT */
  origin: string;
  pageUrl(p: { url: string; token: string; mic?: boolean; apm?: boolean; attach?: boolean }): string;
  close(): Promise<void>;
}

export async function startTestPageServer(): Promise<TestPageServer> {
  const umd = await readFile(livekitClientUmdPath());
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(PAGE_HTML);
    } else if (path === '/favicon.ico') {
      res.writeHead(204).end();
    } else if (path === '/livekit-client.umd.js') {
      res.writeHead(200, { 'content-type': 'application/javascript', 'cache-control': 'max-age=3600' }).end(umd);
    } else {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const origin = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  return {
    origin,
    pageUrl({ url, token, mic = true, apm = true, attach = true }) {
      const q = new URLSearchParams({ url, token });
      if (!mic) q.set('mic', '0');
      if (!apm) q.set('apm', '0');
      if (!attach) q.set('attach', '0');
      return `${origin}/?${q.toString()}`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Waits until the test page is connected (and has published its mic unless mic=0). */
export async function waitForTestPage(page: Page, timeoutMs = 20_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const s = (window as unknown as { __lk?: { state: string; error: string | null } }).__lk;
      if (s?.state === 'error') throw new Error('test page error: ' + s.error);
      return s?.state === 'ready';
    },
    undefined,
    { timeout: timeoutMs, polling: 100 },
  );
}

/** Events the test page recorded (subscribed, permissions, republished, …). */
export function testPageEvents(page: Page): Promise<Array<Record<string, unknown> & { t: number; type: string }>> {
  return page.evaluate(() => (window as unknown as { __lk: { events: Array<Record<string, unknown> & { t: number; type: string }> } }).__lk.events);
}
