/**
 * Starts a private, loopback-only livekit-server (open source, pinned 1.13.5) for
 * development, tests and benchmarks.
 *
 * - Every port is picked free at start (signal/HTTP, RTC TCP, RTC UDP), so tests never
 *   collide with a developer's instance on 7880 or with each other.
 * - Media is advertised on 127.0.0.1 only: `rtc.node_ip: 127.0.0.1` (NAT 1:1 rewrite of
 *   every host candidate), `use_external_ip: false`, `rtc.interfaces.includes: [lo]`
 *   (the UDP mux binds loopback only), `enable_loopback_candidate: true`, and
 *   `stun_servers: [127.0.0.1:9]` (a dead loopback port) so that clients are never handed
 *   Google's default STUN servers (the server adds them when none are configured).
 *   The only socket not bound to loopback is the RTC TCP listener: 1.13.5 always listens
 *   on `:tcp_port` (all interfaces). Pass `rtcTcp: false` to disable ICE/TCP entirely.
 * - Server logs go to a file (logDir), never to our stdout.
 * - The server runs under a tiny Node watchdog whose stdin is a pipe from this process:
 *   when this process dies for any reason (even SIGKILL), the pipe closes and the watchdog
 *   terminates livekit-server. No orphaned servers holding ports.
 *
 * Webhooks and start order: livekit-server reads its webhook URL once, at start. Either
 * start the API first and pass its URL as `webhookUrl`, or pass `webhookRelay: true`:
 * then LiveKit posts to a small relay on a free loopback port and the target can be set
 * (or changed) later with `setWebhookTarget(url)`. The relay forwards body and headers
 * (including the signed `Authorization` JWT) byte for byte, so `WebhookReceiver`
 * verification works unchanged; it answers 503 while no target is set (LiveKit retries).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';

export interface DevLivekitOptions {
  /** Path of the livekit-server binary (see ./ensure-livekit.mjs). */
  binary: string;
  /** Webhook target (LiveKit posts JSON, signed with apiKey). */
  webhookUrl?: string;
  /** Put a loopback relay in front of the webhook so the target can be set after start. */
  webhookRelay?: boolean;
  /** Directory for the server log file (created if missing). Default: a fresh temp dir. */
  logDir?: string;
  /** Our own progress messages (not the server's log). */
  log?: (msg: string) => void;
  /** Default devkey / secret (livekit-server --dev's keys). */
  apiKey?: string;
  apiSecret?: string;
  /** Server log level. Default "info" ("debug" is very chatty). */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Room defaults (seconds). LiveKit defaults: empty_timeout 300, departure_timeout 20. */
  room?: { autoCreate?: boolean; emptyTimeout?: number; departureTimeout?: number; enableRemoteUnmute?: boolean };
  /** Enable ICE/TCP on a free port (listens on all interfaces, advertised as 127.0.0.1). Default true. */
  rtcTcp?: boolean;
  /** Max time to wait for GET / to answer 200 "OK". Default 20 s. */
  startTimeoutMs?: number;
  /** Fixed ports (tests: leave unset, free ones are picked). */
  ports?: Partial<DevLivekitPorts>;
  /** LiveKit's multi-node mode: nodes sharing one Redis (and db) form one cluster (./dev-livekit-cluster.ts). */
  redis?: DevLivekitRedis;
  /** This node's region (LiveKit logs it and stores it with the node in Redis). */
  region?: string;
}

export interface DevLivekitRedis {
  /** host:port */
  address: string;
  db?: number;
}

export interface DevLivekitPorts {
  /** Signal WebSocket + Twirp API + GET / health, bound to 127.0.0.1. */
  http: number;
  /** ICE/TCP (0 = disabled). */
  rtcTcp: number;
  /** ICE/UDP single-port mux, bound to 127.0.0.1. */
  rtcUdp: number;
  /** Webhook relay (0 = no relay). */
  webhookRelay: number;
}

export interface DevLivekit {
  /** ws://127.0.0.1:PORT — for clients (livekit-client, rtc-node). */
  url: string;
  /** http://127.0.0.1:PORT — for livekit-server-sdk service clients. */
  httpUrl: string;
  apiKey: string;
  apiSecret: string;
  ports: DevLivekitPorts;
  /** The exact YAML the server was started with. */
  configYaml: string;
  logFile: string;
  /** pid of the watchdog process that owns livekit-server. */
  pid: number;
  /** URL LiveKit posts webhooks to (the relay's URL when webhookRelay is on). */
  webhookUrl: string | undefined;
  /** Only with webhookRelay: set/replace/clear the relay's target. */
  setWebhookTarget(url: string | undefined): void;
  /** Last lines of the server log. */
  logTail(lines?: number): string;
  /**
   * Stops the server. Default is a forced stop (LiveKit's first SIGTERM waits for all
   * participants to leave, forever; the second forces). `graceful: true` sends one
   * SIGTERM and waits up to graceMs before escalating. Always ends with SIGKILL if needed.
   */
  stop(opts?: { graceful?: boolean; graceMs?: number }): Promise<void>;
}

const DEFAULT_KEY = 'devkey';
const DEFAULT_SECRET = 'secret';

// Ports picked by this process and not yet released (two concurrent starts in one
// process must not pick the same "free" port).
const reserved = new Set<number>();

// Environment variables livekit-server reads (they would override our config).
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('LIVEKIT_')) continue;
    if (['NODE_IP', 'UDP_PORT', 'REDIS_HOST', 'REDIS_PASSWORD'].includes(k)) continue;
    env[k] = v;
  }
  return env;
}

async function freeTcpPort(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createNetServer();
      srv.unref();
      srv.once('error', reject);
      srv.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
        const addr = srv.address();
        const p = typeof addr === 'object' && addr ? addr.port : 0;
        srv.close(() => resolve(p));
      });
    });
    if (port && !reserved.has(port)) {
      reserved.add(port);
      return port;
    }
  }
  throw new Error('could not find a free TCP port on 127.0.0.1');
}

async function freeUdpPort(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const port = await new Promise<number>((resolve, reject) => {
      const sock = createSocket('udp4');
      sock.unref();
      sock.once('error', reject);
      sock.bind(0, '127.0.0.1', () => {
        const p = sock.address().port;
        sock.close(() => resolve(p));
      });
    });
    if (port && !reserved.has(port)) {
      reserved.add(port);
      return port;
    }
  }
  throw new Error('could not find a free UDP port on 127.0.0.1');
}

/** Name of the IPv4 loopback interface ("lo" on Linux, "lo0" on macOS). */
export function loopbackInterfaceName(): string {
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    if (addrs?.some((a) => a.internal && a.address === '127.0.0.1')) return name;
  }
  return process.platform === 'linux' ? 'lo' : 'lo0';
}

export interface DevLivekitConfigInput {
  loopbackInterface?: string;
  apiKey: string;
  apiSecret: string;
  ports: DevLivekitPorts;
  webhookUrl?: string;
  logLevel: string;
  room?: DevLivekitOptions['room'];
  redis?: DevLivekitRedis;
  region?: string;
}

/** Builds the livekit-server YAML (exported for docs/tests). */
export function buildDevLivekitYaml(c: DevLivekitConfigInput): string {
  const q = (s: string): string => JSON.stringify(s); // JSON strings are valid YAML scalars
  const lines = [
    `port: ${c.ports.http}`,
    `bind_addresses:`,
    `  - 127.0.0.1`,
    `keys:`,
    `  ${q(c.apiKey)}: ${q(c.apiSecret)}`,
    `logging:`,
    `  level: ${c.logLevel}`,
    `rtc:`,
    `  tcp_port: ${c.ports.rtcTcp}`,
    `  udp_port: ${c.ports.rtcUdp}`,
    `  node_ip: 127.0.0.1`,
    `  use_external_ip: false`,
    `  enable_loopback_candidate: true`,
    // Interface filter, not `ips.includes: [127.0.0.1/32]`: pion applies an IP filter to
    // the remote side as well, so UDP ICE with clients whose host candidates are not
    // loopback (Chromium without --allow-loopback-in-peer-connection, rtc-node) never
    // succeeds and everything silently falls back to ICE/TCP (measured, 1.13.5).
    `  interfaces:`,
    `    includes:`,
    `      - ${q(c.loopbackInterface ?? loopbackInterfaceName())}`,
    // A dead loopback port: never Google's default STUN, and not our own UDP mux
    // (STUN to the mux left every UDP pair in-progress in Chromium, so ICE fell back to TCP).
    `  stun_servers:`,
    `    - 127.0.0.1:9`,
  ];
  const room = c.room ?? {};
  if (Object.values(room).some((v) => v !== undefined)) {
    lines.push(`room:`);
    if (room.autoCreate !== undefined) lines.push(`  auto_create: ${room.autoCreate}`);
    if (room.emptyTimeout !== undefined) lines.push(`  empty_timeout: ${room.emptyTimeout}`);
    if (room.departureTimeout !== undefined) lines.push(`  departure_timeout: ${room.departureTimeout}`);
    if (room.enableRemoteUnmute !== undefined) lines.push(`  enable_remote_unmute: ${room.enableRemoteUnmute}`);
  }
  if (c.redis) {
    lines.push(`redis:`, `  address: ${q(c.redis.address)}`);
    if (c.redis.db !== undefined) lines.push(`  db: ${c.redis.db}`);
  }
  if (c.region) lines.push(`region: ${q(c.region)}`);
  if (c.webhookUrl) {
    lines.push(`webhook:`, `  api_key: ${q(c.apiKey)}`, `  urls:`, `    - ${q(c.webhookUrl)}`);
  }
  return lines.join('\n') + '\n';
}

// Runs livekit-server and kills it when its stdin (a pipe from the parent) closes.
// argv: [grace ms, pidfile, binary, ...args]. CommonJS (node -e).
const WATCHDOG = `
const { spawn } = require('node:child_process');
const { writeFileSync } = require('node:fs');
const [graceArg, pidFile, bin, ...args] = process.argv.slice(1);
const grace = Number(graceArg) || 5000;
const child = spawn(bin, args, { stdio: ['ignore', 'inherit', 'inherit'] });
if (child.pid) { try { writeFileSync(pidFile, String(child.pid)); } catch {} }
let stopping = false;
const alive = () => child.exitCode === null && child.signalCode === null;
let forced = false;
function term(force) {
  if (!alive()) return;
  if (!stopping) {
    stopping = true;
    child.kill('SIGTERM');
  }
  if (force && !forced) {
    forced = true;
    // livekit-server: 1st SIGTERM drains (waits for participants), 2nd forces.
    setTimeout(() => alive() && child.kill('SIGTERM'), 50).unref();
    setTimeout(() => alive() && child.kill('SIGKILL'), grace).unref();
  }
}
process.on('SIGTERM', () => term(true));
process.on('SIGINT', () => term(true));
process.on('SIGHUP', () => term(true));
process.on('SIGUSR2', () => term(false));
process.stdin.on('end', () => term(true));
process.stdin.on('error', () => term(true));
process.stdin.resume();
child.on('error', (e) => { console.error('[watchdog] ' + e.message); process.exit(127); });
child.on('exit', (code, signal) => process.exit(code === null ? 1 : code));
`;

function tailOf(file: string, lines = 30): string {
  try {
    const text = readFileSync(file, 'utf8');
    return text.split('\n').slice(-lines - 1).join('\n').trimEnd();
  } catch {
    return '(no log)';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, ms);
    const onExit = (): void => {
      clearTimeout(t);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

interface WebhookRelay {
  port: number;
  setTarget(url: string | undefined): void;
  close(): Promise<void>;
}

async function startWebhookRelay(initial: string | undefined, log: (m: string) => void): Promise<WebhookRelay> {
  let target = initial;
  const server: HttpServer = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const to = target;
      if (!to) {
        res.writeHead(503).end('no webhook target yet');
        return;
      }
      const headers: Record<string, string> = {};
      for (const h of ['authorization', 'content-type']) {
        const v = req.headers[h];
        if (typeof v === 'string') headers[h] = v;
      }
      fetch(to, { method: req.method ?? 'POST', headers, body: Buffer.concat(chunks), signal: AbortSignal.timeout(10_000) })
        .then(async (r) => {
          const body = await r.text();
          res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'text/plain' }).end(body);
        })
        .catch((err: unknown) => {
          log(`webhook relay: delivery to ${to} failed: ${err instanceof Error ? err.message : String(err)}`);
          res.writeHead(502).end('relay delivery failed');
        });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    port,
    setTarget(url) {
      target = url;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

let exitHookInstalled = false;
const running = new Set<ChildProcess>();
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Normal exit / process.exit(): kill synchronously. (Hard deaths are covered by the
  // watchdog's stdin pipe closing.)
  process.on('exit', () => {
    for (const c of running) {
      try {
        c.kill('SIGTERM');
      } catch {
        /* already gone */
      }
    }
  });
}

/**
 * Starts livekit-server --dev bound to 127.0.0.1 on free ports and resolves when
 * GET / answers 200 "OK".
 */
export async function startDevLivekit(opts: DevLivekitOptions): Promise<DevLivekit> {
  const log = opts.log ?? ((): void => {});
  const apiKey = opts.apiKey ?? DEFAULT_KEY;
  const apiSecret = opts.apiSecret ?? DEFAULT_SECRET;
  const startTimeoutMs = opts.startTimeoutMs ?? 20_000;
  const logDir = opts.logDir ?? mkdtempSync(join(tmpdir(), 'warmline-livekit-log-'));
  mkdirSync(logDir, { recursive: true });

  const relay = opts.webhookRelay ? await startWebhookRelay(opts.webhookUrl, log) : undefined;
  const webhookUrl = relay ? `http://127.0.0.1:${relay.port}/livekit-webhook` : opts.webhookUrl;

  let lastError: Error | undefined;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const ports: DevLivekitPorts = {
      http: opts.ports?.http ?? (await freeTcpPort()),
      rtcTcp: opts.rtcTcp === false ? 0 : (opts.ports?.rtcTcp ?? (await freeTcpPort())),
      rtcUdp: opts.ports?.rtcUdp ?? (await freeUdpPort()),
      webhookRelay: relay?.port ?? 0,
    };
    const release = (): void => {
      reserved.delete(ports.http);
      reserved.delete(ports.rtcTcp);
      reserved.delete(ports.rtcUdp);
    };
    const configYaml = buildDevLivekitYaml({
      apiKey,
      apiSecret,
      ports,
      ...(webhookUrl ? { webhookUrl } : {}),
      logLevel: opts.logLevel ?? 'info',
      ...(opts.room ? { room: opts.room } : {}),
      ...(opts.redis ? { redis: opts.redis } : {}),
      ...(opts.region ? { region: opts.region } : {}),
    });
    const confDir = mkdtempSync(join(tmpdir(), 'warmline-livekit-'));
    const configFile = join(confDir, 'livekit.yaml');
    const pidFile = join(confDir, 'server.pid');
    writeFileSync(configFile, configYaml, { mode: 0o600 });
    const logFile = join(logDir, `livekit-${ports.http}.log`);
    const logFd = openSync(logFile, 'a');

    const args = ['--dev', '--bind', '127.0.0.1', '--config', configFile];
    log(`starting ${opts.binary} ${args.join(' ')} (log: ${logFile})`);
    const child = spawn(process.execPath, ['-e', WATCHDOG, '5000', pidFile, opts.binary, ...args], {
      stdio: ['pipe', logFd, logFd],
      env: childEnv(),
    });
    closeSync(logFd);
    running.add(child);
    installExitHook();
    child.once('exit', () => running.delete(child));

    const cleanupFiles = (): void => {
      rmSync(confDir, { recursive: true, force: true });
    };

    const hardKill = (): void => {
      try {
        const pid = Number(readFileSync(pidFile, 'utf8'));
        if (pid > 0) process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
      if (!exited(child)) child.kill('SIGKILL');
    };

    let stopped: Promise<void> | undefined;
    let readyAt = 0;
    const stopServer = (o: { graceful?: boolean; graceMs?: number } = {}): Promise<void> => {
      stopped ??= (async () => {
        const graceMs = o.graceMs ?? 5000;
        // livekit-server 1.13.5 marks itself running 100 ms after it starts serving HTTP;
        // a SIGTERM before that is swallowed (Stop() returns early) and the process then
        // ignores further signals until SIGKILL. Measured: stop right after ready = 5 s hang.
        const sinceReady = Date.now() - readyAt;
        if (readyAt && sinceReady < 250) await sleep(250 - sinceReady);
        if (!exited(child)) {
          // SIGUSR2 = graceful (one SIGTERM), SIGTERM = forced (two SIGTERMs).
          child.kill(o.graceful ? 'SIGUSR2' : 'SIGTERM');
          if (!(await waitExit(child, graceMs + 2000))) {
            log('livekit-server did not exit in time, sending SIGKILL');
            hardKill();
            await waitExit(child, 2000);
          }
        }
        child.stdin?.destroy();
        running.delete(child);
        release();
        cleanupFiles();
      })();
      return stopped;
    };
    const stop = async (o: { graceful?: boolean; graceMs?: number } = {}): Promise<void> => {
      await stopServer(o);
      await relay?.close();
    };

    // Wait for readiness.
    const started = Date.now();
    let ready = false;
    while (Date.now() - started < startTimeoutMs) {
      if (exited(child)) break;
      try {
        const r = await fetch(`http://127.0.0.1:${ports.http}/`, { signal: AbortSignal.timeout(1000) });
        const body = await r.text();
        if (r.status === 200 && body.trim() === 'OK') {
          ready = true;
          break;
        }
      } catch {
        /* not yet */
      }
      await sleep(50);
    }
    if (ready) {
      readyAt = Date.now();
      log(`livekit-server ready on ws://127.0.0.1:${ports.http} in ${Date.now() - started} ms`);
      return {
        url: `ws://127.0.0.1:${ports.http}`,
        httpUrl: `http://127.0.0.1:${ports.http}`,
        apiKey,
        apiSecret,
        ports,
        configYaml,
        logFile,
        pid: child.pid ?? 0,
        webhookUrl,
        setWebhookTarget(url) {
          if (!relay) throw new Error('setWebhookTarget needs startDevLivekit({ webhookRelay: true })');
          relay.setTarget(url);
        },
        logTail: (n = 30) => tailOf(logFile, n),
        stop,
      };
    }

    const tail = tailOf(logFile, 30);
    const died = exited(child);
    await stopServer();
    lastError = new Error(
      (died
        ? `livekit-server exited during start (exit code ${child.exitCode ?? child.signalCode})`
        : `livekit-server did not answer GET http://127.0.0.1:${ports.http}/ within ${startTimeoutMs} ms`) +
        `\nbinary: ${opts.binary}\nlog: ${logFile}\n--- last lines ---\n${tail}`,
    );
    const portClash = /address already in use/i.test(tail);
    if (!portClash || opts.ports) break;
    log(`port clash on attempt ${attempt}, retrying with other ports`);
  }
  await relay?.close();
  throw lastError ?? new Error('livekit-server failed to start');
}
