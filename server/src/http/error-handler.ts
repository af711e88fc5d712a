// One error handler: AppError (and each adapter's error, through toAppError) → its status and
// code; validation → 400 naming the field; anything else → 500 with no detail (the log has it).
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { toAppError, type AppError, type ErrorCode } from '../errors.js';
import { registerInputGuard } from './input-guard.js';

/** Every error body the API sends: a code from the ErrorCode contract and a sentence. */
const body = (code: ErrorCode, message: string) => ({ code, message });

export function registerErrorHandler(app: FastifyInstance) {
  // app.ts calls this once, before any route: the guard that turns strings Postgres cannot
  // store into 400s belongs to the same "no request ends in a 500" contract, so it is installed here.
  registerInputGuard(app);
  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    const known = toAppError(err);
    if (known) {
      // An outside system failed (LiveKit, Twilio): the client gets the code, the log the cause.
      if (known.cause !== undefined) req.log.warn({ err: known.cause, code: known.code }, 'adapter failed');
      return reply.status(known.statusCode).send(body(known.code, known.message));
    }
    if ((err as FastifyError).validation) {
      return reply.status(400).send(body('validation_failed', err.message));
    }
    const status = (err as FastifyError).statusCode ?? 500;
    if (status === 429) return reply.status(429).send(body('rate_limited', 'Too many requests; try again shortly.'));
    if (status < 500) {
      // Fastify's own 4xx (bad JSON, wrong content type, body too large) keep their message.
      return reply.status(status).send(body('bad_request', err.message));
    }
    req.log.error({ err }, 'request failed');
    return reply.status(500).send(body('internal_error', 'Something went wrong on our side.'));
  });
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send(body('not_found', `No route ${req.method} ${req.url.split('?')[0]}.`)),
  );
}

/**
 * For Fastify's `frameworkErrors` option (set where the Fastify instance is created): errors the
 * router raises before any route or error handler exists (a path that is not valid UTF-8 after
 * %-decoding, e.g. a lone surrogate as %ED%A0%80; a path param too long) get the same
 * `{ code, message }` body as every other error instead of Fastify's own shape.
 */
export function frameworkErrors(err: FastifyError, _req: FastifyRequest, reply: FastifyReply) {
  const status = err.statusCode ?? 500;
  if (status < 500) return reply.status(status).send(body('bad_request', err.message));
  reply.log.error({ err }, 'router failed');
  return reply.status(500).send(body('internal_error', 'Something went wrong on our side.'));
}
