// Twilio's side of phones: the number's voice webhook (a customer dials in), call status and
// answering-machine reports, and the bidirectional Media Streams socket. Every HTTP webhook
// must carry a valid X-Twilio-Signature over PUBLIC_URL + path (403 and nothing changes
// otherwise); the socket must be signed over its wss:// URL AND present a single-use token
// in its start message (a <Parameter>, never the URL).
import fastifyWebsocket from '@fastify/websocket';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { readStart } from '../phone/media-stream.js';
import type { PhoneBridges } from '../services/phone-bridges.js';
import type { Deps } from '../services/deps.js';
import { inboundCall, streamEnded, streamStarted, takeStatusCallback } from '../services/phone-legs.js';

const START_TIMEOUT_MS = 5000;
const signatureOf = (req: FastifyRequest) => req.headers['x-twilio-signature'] as string | undefined;

export const twilioRoutes: FastifyPluginAsync<{ deps: Deps; bridges: PhoneBridges }> = async (scoped, { deps, bridges }) => {
  const network = deps.phone;
  if (!network) return; // no Twilio config: these routes do not exist (404)
  // Twilio posts forms; the signature covers the decoded parameters, so parse them plainly.
  scoped.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );
  await scoped.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });

  const signed = async (req: FastifyRequest, reply: FastifyReply) => {
    const params = (req.body ?? {}) as Record<string, string>;
    if (!network.verify(signatureOf(req), req.url, params)) {
      req.log.warn({ url: req.url.split('?')[0] }, 'twilio webhook with a bad signature');
      return reply.status(403).send({ code: 'forbidden', message: 'X-Twilio-Signature is missing or invalid.' });
    }
  };
  const hidden = { hide: true, tags: ['twilio'] };

  scoped.post('/twilio/voice', { schema: { ...hidden, summary: 'Inbound call: TwiML that queues and bridges the caller' }, preHandler: signed }, async (req, reply) => {
    const twiml = await inboundCall(deps, req.body as Record<string, string>);
    return reply.type('text/xml').send(twiml);
  });

  scoped.post('/twilio/status', { schema: { ...hidden, summary: 'Call status and AMD reports (taken once, in order)' }, preHandler: signed }, async (req, reply) => {
    const leg = (req.query as Record<string, string | undefined>).leg;
    const outcome = await takeStatusCallback(deps, leg, req.body as Record<string, string>);
    req.log.debug({ outcome }, 'twilio status');
    return reply.status(204).send();
  });

  scoped.post('/twilio/stream-ended', { schema: { ...hidden, summary: "<Connect action>: the caller's stream ended with the call up (reconnect or hang up, from the record)" }, preHandler: signed }, async (req, reply) => {
    const leg = (req.query as Record<string, string | undefined>).leg;
    const twiml = await streamEnded(deps, leg, req.body as Record<string, string>);
    return reply.type('text/xml').send(twiml);
  });

  scoped.get(
    '/twilio/media',
    {
      websocket: true,
      schema: { ...hidden, summary: 'Bidirectional Media Streams (signed upgrade + single-use token)' },
      preValidation: async (req, reply) => {
        if (!network.verifyStream(signatureOf(req), '/twilio/media')) {
          req.log.warn('media stream upgrade with a bad signature');
          return reply.status(403).send({ code: 'forbidden', message: 'X-Twilio-Signature is missing or invalid.' });
        }
      },
    },
    async (socket, req) => {
      try {
        const start = await readStart(socket, START_TIMEOUT_MS);
        const token = start.start.customParameters?.token;
        if (!token) throw new AppError('unauthorized', 'The stream carries no token.');
        const grant = await streamStarted(deps, token);
        await bridges.attach(grant, socket, start);
      } catch (err) {
        req.log.warn({ err: { message: (err as Error).message } }, 'media stream refused');
        // 1008: policy violation. A specialist's call then ends (nothing follows its <Connect>); a
        // phone caller's <Connect action> asks /twilio/stream-ended, which answers from the record.
        if (socket.readyState === socket.OPEN) socket.close(1008, 'refused');
      }
    },
  );
};
