// The one error handler, on a minimal Fastify instance wired as app.ts wires it: every failure a
// client can meet becomes `{ code, message }` with the contract's status, adapters' errors are
// translated in one place (errors.ts toAppError), and nothing internal leaks.
import net from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { frameworkErrors, registerErrorHandler } from '../../src/http/error-handler.js';
import { createLivekitMedia } from '../../src/livekit/media.js';
import { PhoneError } from '../../src/phone/twilio.js';

/** A loopback port nothing listens on: LiveKit "cannot be reached" at once. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

let app: FastifyInstance;

beforeAll(async () => {
  // The options of app.ts that shape errors: router errors and ajv as the API configures it.
  app = Fastify({ frameworkErrors, ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } } });
  registerErrorHandler(app);
  const media = createLivekitMedia({ url: `ws://127.0.0.1:${await closedPort()}`, apiKey: 'key', apiSecret: 'secret', timeoutMs: 1000 });

  app.get('/app-error', async () => {
    throw new AppError('call_not_found', 'No call with id c-42.');
  });
  app.get('/livekit', async () => media.listRooms());
  app.get('/twilio', async () => {
    throw new PhoneError('Twilio did not dial: 400 21211 The number +15551234567 is not valid', 400, 21211);
  });
  app.post(
    '/status',
    { schema: { body: Type.Object({ status: Type.Enum(['available', 'away'], { type: 'string' }) }, { additionalProperties: false }) } },
    async () => ({ ok: true }),
  );
  app.get('/boom', async () => {
    throw new Error('connection to postgres://admin:hunter2@db/prod lost in applyTransferEvent');
  });
  await app.ready();
});
afterAll(async () => app?.close());

describe('the error handler', () => {
  it('answers an AppError with its status and { code, message }, nothing else', async () => {
    const res = await app.inject('/app-error');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ code: 'call_not_found', message: 'No call with id c-42.' });
  });

  it('answers a LiveKit failure, translated by the adapter, with 503 media_unavailable', async () => {
    const res = await app.inject('/livekit');
    expect(res.statusCode).toBe(503);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(['code', 'message']);
    expect(body.code).toBe('media_unavailable');
    expect(body.message).toMatch(/^LiveKit did not list rooms/);
  });

  it('answers a Twilio failure with 502 phone_unavailable and never repeats Twilio’s text (it may quote the number)', async () => {
    const res = await app.inject('/twilio');
    expect(res.statusCode).toBe(502);
    expect(res.json().code).toBe('phone_unavailable');
    expect(res.body).not.toMatch(/5551234567|21211/);
  });

  it('answers a schema violation with 400 validation_failed naming the field', async () => {
    const res = await app.inject({ method: 'POST', url: '/status', payload: { status: 'asleep' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('validation_failed');
    expect(res.json().message).toMatch(/status/);
  });

  it('answers malformed JSON with 400 bad_request', async () => {
    const res = await app.inject({ method: 'POST', url: '/status', headers: { 'content-type': 'application/json' }, payload: '{"status": ' });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('bad_request');
  });

  it('answers an unexpected error with 500 internal_error and leaks neither its message nor a stack', async () => {
    const res = await app.inject('/boom');
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ code: 'internal_error', message: 'Something went wrong on our side.' });
    expect(res.body).not.toMatch(/hunter2|postgres|applyTransferEvent|at \//);
  });

  it('answers an unknown route with 404 not_found in the same shape', async () => {
    const res = await app.inject('/nowhere?x=1');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ code: 'not_found', message: 'No route GET /nowhere.' });
  });
});
