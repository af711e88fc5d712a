// Where /metrics is served, and to whom (docs/OPERATIONS.md):
// - METRICS_PORT set: on that port only (same HOST), never on the public port;
// - METRICS_TOKEN set: only with `Authorization: Bearer <token>` (on whichever port serves it);
// - neither: open on the main port outside production; not served at all in production
//   (a scraper that can reach the public port must not read the business's call volumes).
import { timingSafeEqual, createHash } from 'node:crypto';
import http from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { refreshDbGauges } from './db-gauges.js';
import { registry } from './registry.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

function authorized(header: string | undefined, token: string | null): boolean {
  if (token === null) return true;
  const given = header?.startsWith('Bearer ') ? header.slice(7).trim() : '';
  // Equal-length digests: the comparison time says nothing about the token.
  return timingSafeEqual(digest(given), digest(token));
}

async function render(): Promise<string> {
  await refreshDbGauges();
  return registry.metrics();
}

export type MetricsPlacement = 'main-port' | 'metrics-port' | 'off';

export function metricsPlacement(config: Config): MetricsPlacement {
  const { port, token } = config.ops.metrics;
  if (port !== null) return 'metrics-port';
  if (token !== null || config.env !== 'production') return 'main-port';
  return 'off';
}

/** Registers /metrics on the app, or on its own port that opens and closes with the app. */
export function registerMetrics(app: FastifyInstance, config: Config): MetricsPlacement {
  const placement = metricsPlacement(config);
  const { token } = config.ops.metrics;
  if (placement === 'main-port') {
    app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
      if (!authorized(req.headers.authorization, token)) {
        return reply.status(401).header('www-authenticate', 'Bearer').send({ code: 'unauthorized', message: 'A metrics token is required.' });
      }
      return reply.type(registry.contentType).send(await render());
    });
  } else if (placement === 'metrics-port') {
    const server = http.createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET' || path !== '/metrics') return void res.writeHead(404).end();
      if (!authorized(req.headers.authorization, token)) return void res.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
      render().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (err: unknown) => {
          app.log.warn({ err }, 'metrics scrape failed');
          res.writeHead(500).end();
        },
      );
    });
    // Opens with the app (a port in use fails the start) and closes with it.
    app.addHook('onReady', () => new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.ops.metrics.port!, config.host, () => resolve());
    }));
    app.addHook('onClose', () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }));
  }
  return placement;
}
