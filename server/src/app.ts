// Builds the Fastify app from its parts. Everything outside (database, LiveKit,
// summary provider) arrives as a dependency so tests start the same app for real.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { secretHasher } from './auth/secrets.js';
import type { Config } from './config.js';
import { createEventBus } from './events/bus.js';
import { frameworkErrors, registerErrorHandler } from './http/error-handler.js';
import { createLogger, registerRequestLog } from './http/request-log.js';
import { DOCS_CSP, helmetOptions, securityHeadersFor } from './http/security.js';
import { registerDrainHeaders } from './http/shutdown.js';
import { watchDatabase } from './metrics/db-gauges.js';
import { registerMetrics } from './metrics/endpoint.js';
import { instrumentSummary } from './metrics/hooks.js';
import { createWebhookReceiver, type MediaControl } from './livekit/media.js';
import { agentRoutes } from './routes/agents.js';
import { authRoutes } from './routes/auth.js';
import { callRoutes } from './routes/calls.js';
import { eventRoutes } from './routes/events.js';
import { healthRoutes } from './routes/health.js';
import { livekitWebhookRoutes } from './routes/livekit-webhook.js';
import { transferRoutes } from './routes/transfers.js';
import { queueRoutes } from './routes/queues.js';
import { supervisorRoutes } from './routes/supervisor.js';
import { applyQueueConfig } from './services/queues.js';
import { twilioRoutes } from './routes/twilio.js';
import { createTwilioNetwork } from './phone/twilio.js';
import { createPhoneBridges } from './services/phone-bridges.js';
import type { Deps } from './services/deps.js';
import { startBackground } from './services/background.js';
import { createMediaSync } from './services/media-sync.js';
import type { Db } from './store/db.js';
import { createSummaryService } from './summary/index.js';

const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

export interface AppParts {
  config: Config;
  db: Db;
  media: MediaControl;
  livekitKeys: { apiKey: string; apiSecret: string };
  /** Background loop period (ring timeouts, grace periods, reconcile); 0 turns it off in tests that drive time. */
  sweepIntervalMs?: number;
}

export async function buildApp(parts: AppParts): Promise<{ app: FastifyInstance; deps: Deps }> {
  const { config, db, media } = parts;
  const log = createLogger(config); // tokens, keys and phone numbers never reach the log in clear
  const security = helmetOptions({ production: config.env === 'production', livekitClientUrl: media.clientUrl });
  const routerErrorHeaders = securityHeadersFor(security);
  const app: FastifyInstance = Fastify({
    loggerInstance: log,
    // One line per request, at a level that fits it (http/request-log.ts), instead of Fastify's two at info.
    logController: new LogController({ disableRequestLogging: true }),
    // Forwarded headers are believed only from the proxies TRUST_PROXY names (rate limits key on req.ip).
    trustProxy: trustProxyOption(config.ops.trustProxy),
    bodyLimit: 64 * 1024,
    // Router errors (bad UTF-8 in a path) come before every hook: same headers, same { code, message } body.
    frameworkErrors: (err, req, reply) => {
      routerErrorHeaders(req.raw, reply.raw);
      return frameworkErrors(err, req, reply);
    },
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
  }) as unknown as FastifyInstance; // pino's Logger type is wider than Fastify's base logger
  const bus = await createEventBus(db, (err) => log.warn({ err }, 'event bus'));
  const deps: Deps = {
    config,
    db,
    media,
    mediaSync: createMediaSync({ db, media, log, timeoutMs: config.media.timeoutMs }),
    bus,
    summary: instrumentSummary(createSummaryService(config.summary, log)),
    secrets: secretHasher(config.sessionSecret),
    log,
    // Twilio's REST API is slower than LiveKit's: never bound it below 5 s.
    phone: config.phone ? createTwilioNetwork(config.phone, Math.max(5000, config.media.timeoutMs)) : null,
  };
  app.decorateRequest('agent', null);

  await app.register(fastifyHelmet, security as FastifyHelmetOptions); // helmet's ESM and CJS typings differ
  registerRequestLog(app, log);
  registerDrainHeaders(app);
  await app.register(fastifyCookie, { secret: config.sessionSecret });
  await app.register(fastifyRateLimit, { global: false });
  // API docs: always in development and tests; in production only with API_DOCS=1.
  if (config.ops.apiDocs) await registerDocs(app);
  registerErrorHandler(app);

  // Each route file is an encapsulated plugin; agent-only scopes check the session onRequest.
  await applyQueueConfig(db, config.queues); // QUEUES (config-queues.ts), before any call can name a queue
  for (const routes of [healthRoutes, authRoutes, callRoutes, agentRoutes, transferRoutes, eventRoutes, queueRoutes, supervisorRoutes]) {
    await app.register(routes, { deps });
  }
  const receiver = createWebhookReceiver(parts.livekitKeys.apiKey, parts.livekitKeys.apiSecret);
  await app.register(livekitWebhookRoutes, { deps, receiver });
  const bridges = createPhoneBridges(deps);
  await app.register(twilioRoutes, { deps, bridges });
  // Before the server stops: phone legs end cleanly (Twilio hangs up; the record is told).
  app.addHook('preClose', async () => bridges.closeAll());
  registerMetrics(app, config);
  const unwatch = watchDatabase(db); // calls by state, read at scrape time
  app.addHook('onClose', async () => unwatch());

  if (fs.existsSync(path.join(WEB_DIST, 'index.html'))) {
    await app.register(fastifyStatic, { root: WEB_DIST, wildcard: false });
    // The SPA owns / and /agent; unknown API paths still get JSON 404s.
    const spa = (_req: unknown, reply: { sendFile: (f: string) => unknown }) => reply.sendFile('index.html');
    app.get('/agent', { schema: { hide: true } }, spa as never);
    app.get('/agent/*', { schema: { hide: true } }, spa as never);
  } else {
    app.get('/', { schema: { hide: true } }, async () => ({ message: 'Web app not built: run `npm run build`.' }));
  }

  const stopBackground = startBackground(deps, { tickMs: parts.sweepIntervalMs ?? 1000 });
  app.addHook('onClose', async () => stopBackground());
  app.addHook('onClose', async () => bus.close());
  return { app, deps };
}

/**
 * TRUST_PROXY for Fastify: addresses/CIDRs as they are; a hop count as "the nearest N hops are
 * proxies" (Fastify itself trusts nothing for a bare number, since any client that reaches the
 * port directly could then choose its address: docs/OPERATIONS.md says to prefer addresses).
 */
function trustProxyOption(trust: Config['ops']['trustProxy']): boolean | string[] | ((addr: string, hop: number) => boolean) {
  if (typeof trust === 'number') return (_addr, hop) => hop < trust;
  return trust;
}

/** Swagger UI at /docs (with its own CSP: it needs inline styles) and the OpenAPI document. */
async function registerDocs(app: FastifyInstance) {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Warmline API', version: '0.1.0', description: 'Warm call transfer: callers, agents, transfers.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'wl_session' },
        },
      },
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: DOCS_CSP });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
