// LiveKit tells us who joined and left. Verified with WebhookReceiver (signed JWT
// carrying the body's sha256), so nobody can end a call by posting a fake event;
// services/room-events.ts takes each event once and ignores stale ones.
import type { WebhookReceiver } from 'livekit-server-sdk';
import type { FastifyPluginAsync } from 'fastify';
import type { Deps } from '../services/deps.js';
import { takeRoomWebhook } from '../services/room-events.js';

const msDate = (ms: bigint | number | undefined, fallback: Date) => (ms ? new Date(Number(ms)) : fallback);

/** Its own scope: the signature covers the raw bytes, so this scope parses bodies as strings. */
export const livekitWebhookRoutes: FastifyPluginAsync<{ deps: Deps; receiver: WebhookReceiver }> = async (scoped, { deps, receiver }) => {
  scoped.addContentTypeParser(['application/webhook+json', 'application/json'], { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );
  scoped.post('/livekit/webhook', { schema: { tags: ['webhooks'], summary: 'LiveKit webhooks (signed; each event taken once)' } }, async (req, reply) => {
    let event;
    try {
      event = await receiver.receive(String(req.body ?? ''), req.headers.authorization);
    } catch {
      return reply.status(401).send({ code: 'unauthorized', message: 'Webhook signature is missing or invalid.' });
    }
    const room = event.room?.name;
    if (!room || !event.id) return { ok: true, outcome: 'ignored' };
    const at = msDate(event.createdAt ? event.createdAt * 1000n : undefined, new Date());
    const p = event.participant;
    const outcome = await takeRoomWebhook(deps, {
      id: event.id,
      event: event.event,
      room,
      participant: p
        ? {
            identity: p.identity,
            sid: p.sid,
            // joinedAtMs orders two connections of one identity within the same second.
            joinedAt: msDate(p.joinedAtMs || (p.joinedAt ? p.joinedAt * 1000n : undefined), at),
            attributes: { ...(p.attributes ?? {}) },
          }
        : undefined,
    });
    req.log.debug({ event: event.event, room, outcome }, 'livekit webhook');
    return { ok: true, outcome };
  });
};
