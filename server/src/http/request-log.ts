// One log line per request, at a level that keeps the log readable: the consoles poll
// (/api/agents/me, /api/queue, /api/agents every few seconds) and load balancers probe /health,
// so successful reads are debug; mutations, client errors and 429s are info; 5xx are warn
// (the error handler has already logged the cause at error). Also feeds the HTTP histogram.
// The URL is logged without its query string; the route is the pattern, e.g. /api/calls/:id.
import { createRequire } from 'node:module';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import pino, { type Logger } from 'pino';
import type { Config } from '../config.js';
import { httpDuration } from '../metrics/registry.js';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Long-lived: its duration is the console's session, not a latency. */
const STREAMS = new Set(['/api/events', '/twilio/media']);

/** The route pattern for metrics: static files collapse into one label (their names change every build). */
export function routeLabel(req: FastifyRequest): string {
  const url = req.routeOptions.url;
  if (!url) return 'unmatched';
  return url.startsWith('/assets/') ? '/assets/*' : url;
}

export function levelFor(method: string, status: number): 'debug' | 'info' | 'warn' {
  if (status >= 500) return 'warn';
  if (status >= 400 || !READS.has(method)) return 'info';
  return 'debug';
}

export function registerRequestLog(app: FastifyInstance, log: Logger) {
  app.addHook('onResponse', async (req, reply) => {
    const route = routeLabel(req);
    if (STREAMS.has(route)) return;
    const status = reply.statusCode;
    const ms = reply.elapsedTime;
    httpDuration.observe({ method: req.method, route, status_code: String(status) }, ms / 1000);
    const level = levelFor(req.method, status);
    if (!log.isLevelEnabled(level)) return; // no object built for a debug line nobody reads
    req.log[level]({ method: req.method, url: req.url.split('?')[0], route, status, ms: Math.round(ms * 10) / 10, ip: req.ip }, 'request');
  });
}

const REDACT = ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-caller-key"]', '*.token', '*.callerKey', '*.password', '*.phone'];

/**
 * JSON logs, with tokens, keys and phone numbers redacted. In development on a terminal, readable
 * lines through pino-pretty (a root devDependency, so never in a production install; if it is
 * missing the log stays JSON).
 */
export function createLogger(config: Pick<Config, 'env' | 'logLevel'>): Logger {
  const base = { level: config.logLevel, redact: REDACT };
  if (config.env === 'development' && process.stdout.isTTY) {
    try {
      createRequire(import.meta.url).resolve('pino-pretty');
      return pino({ ...base, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,reqId' } } });
    } catch {
      /* not installed: JSON */
    }
  }
  return pino(base);
}
