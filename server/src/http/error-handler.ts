// One error handler: AppError → its status and code; validation → 400 naming the
// field; anything else → 500 with no detail (the log has it).
import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';

export function registerErrorHandler(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    if (err instanceof AppError) {
      return reply.status(err.statusCode).send({ code: err.code, message: err.message });
    }
    if ((err as FastifyError).validation) {
      return reply.status(400).send({ code: 'validation_failed', message: err.message });
    }
    const status = (err as FastifyError).statusCode ?? 500;
    if (status === 429) return reply.status(429).send({ code: 'rate_limited', message: 'Too many requests; try again shortly.' });
    if (status < 500) {
      // Fastify's own 4xx (bad JSON, wrong content type, body too large) keep their message.
      return reply.status(status).send({ code: 'bad_request', message: err.message });
    }
    req.log.error({ err }, 'request failed');
    return reply.status(500).send({ code: 'internal_error', message: 'Something went wrong on our side.' });
  });
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send({ code: 'not_found', message: `No route ${req.method} ${req.url.split('?')[0]}.` }),
  );
}
