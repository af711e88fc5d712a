// Child process of the phone benchmark (bench/phone-bridge.ts): hosts PhoneBridges behind a bare
// `ws` server, as the API's media route will, so the bridges get their own event loop and their
// CPU is measured apart from the emulated phones and the room participants in the parent.
// The stream's custom parameters name the room and identity (a benchmark needs no stream token).
import { once } from 'node:events';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { AccessToken } from 'livekit-server-sdk';
import pino from 'pino';
import { WebSocketServer } from 'ws';
import { PhoneBridge } from '../server/src/phone/bridge.js';
import { readStart } from '../server/src/phone/media-stream.js';

export type HostRequest = { op: 'sample' } | { op: 'stop' };
export interface HostSample {
  op: 'sample';
  legs: number;
  /** process.cpuUsage() since start, µs. */
  cpuUs: number;
  /** Of which the main (JavaScript) thread, from /proc (Linux; 0 elsewhere): the rest is rtc-node's native threads. */
  mainThreadCpuUs: number;
  /** Summed over live bridges. */
  pacerTicks: number;
  pacerLate: number;
  pacerSkipped: number;
  pacerMaxLateMs: number;
  trackUnderruns: number;
  trackFramesDropped: number;
  captureDropped: number;
  published: number;
  ended: number;
  /** Per live bridge: Twilio-side depth and floor (frames) from marks, frames skipped to shrink it, probe round trip. */
  playout: { depth: number; floor: number; skipped: number; rttMs: number; backlogsCleared: number }[];
  /** Event-loop delay since the previous sample, ms. */
  eld: { p99: number; max: number };
}
export type HostReply = { op: 'ready'; url: string } | HostSample | { op: 'error'; message: string };

const send = (m: HostReply) => process.send?.(m);

async function main() {
  const lk = JSON.parse(process.env.PHONE_BENCH_LIVEKIT ?? '{}') as { url: string; apiKey: string; apiSecret: string };
  const log = pino({ level: 'warn' });
  const bridges = new Set<PhoneBridge>();
  let ended = 0;
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await once(wss, 'listening');
  wss.on('connection', (socket) => {
    void (async () => {
      const start = await readStart(socket, 5000);
      const { room, identity } = start.start.customParameters;
      const t = new AccessToken(lk.apiKey, lk.apiSecret, { identity: identity!, ttl: 3600 });
      t.addGrant({ roomJoin: true, room: room!, canPublish: true, canSubscribe: true });
      let bridge: PhoneBridge | null = null; // onEnd may run before start() resolves (or instead)
      bridge = await PhoneBridge.start({
        socket,
        start,
        livekitUrl: lk.url,
        token: await t.toJwt(),
        mode: 'live',
        log,
        onEnd: () => {
          ended++;
          if (bridge) bridges.delete(bridge);
        },
      });
      bridges.add(bridge);
    })().catch((err: Error) => log.warn({ err: err.message }, 'bench host: leg failed'));
  });

  const eld = monitorEventLoopDelay({ resolution: 5 });
  eld.enable();
  process.on('message', (raw) => {
    const m = raw as HostRequest;
    if (m.op === 'stop') {
      void Promise.all([...bridges].map((b) => b.close('shutdown'))).finally(() => process.exit(0));
      return;
    }
    const s: HostSample = {
      op: 'sample', legs: bridges.size, cpuUs: 0, mainThreadCpuUs: mainThreadCpuUs(), pacerTicks: 0, pacerLate: 0, pacerSkipped: 0, pacerMaxLateMs: 0,
      trackUnderruns: 0, trackFramesDropped: 0, captureDropped: 0, published: 0, ended, playout: [],
      eld: { p99: eld.percentile(99) / 1e6, max: eld.max / 1e6 },
    };
    const cpu = process.cpuUsage();
    s.cpuUs = cpu.user + cpu.system;
    for (const b of bridges) {
      const st = b.stats();
      s.pacerTicks += st.pacer.ticks;
      s.pacerLate += st.pacer.late;
      s.pacerSkipped += st.pacer.skipped;
      s.pacerMaxLateMs = Math.max(s.pacerMaxLateMs, st.pacer.maxLateMs);
      s.trackUnderruns += st.trackUnderruns;
      s.trackFramesDropped += st.trackFramesDropped;
      s.captureDropped += st.framesDropped;
      if (st.published) s.published++;
      s.playout.push({ depth: st.playout.depthFrames, floor: st.playout.floorFrames, skipped: st.playout.framesSkipped, rttMs: st.playout.roundTripMs, backlogsCleared: st.backlogsCleared });
    }
    eld.reset();
    send(s);
  });
  send({ op: 'ready', url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/twilio/media` });
}

/** utime + stime of this process's main thread (clock ticks of 10 ms). */
function mainThreadCpuUs(): number {
  try {
    const st = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10_000;
  } catch {
    return 0;
  }
}

main().catch((err: Error) => {
  send({ op: 'error', message: err.stack ?? err.message });
  process.exit(1);
});
