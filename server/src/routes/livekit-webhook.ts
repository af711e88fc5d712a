// LiveKit tells us who joined and left. Verified with WebhookReceiver (signed JWT
// carrying the body's sha256), so nobody can end a call by posting a fake event.
import type { FastifyInstance } from 'fastify';
import type { WebhookReceiver } from 'livekit-server-sdk';
import { parseIdentity } from '../livekit/media.js';
import * as callService from '../services/calls.js';
import type { Deps } from '../services/deps.js';

export async function livekitWebhookRoutes(app: FastifyInstance, deps: Deps, receiver: WebhookReceiver) {
  await app.register(async (scoped) => {
    // The signature covers the exact bytes, so this route reads the raw body.
    scoped.addContentTypeParser(['application/webhook+json', 'application/json'], { parseAs: 'string' }, (_req, body, done) =>
      done(null, body),
    );
    scoped.post('/livekit/webhook', { schema: { tags: ['webhooks'], summary: 'LiveKit webhooks (signed)' } }, async (req, reply) => {
      let event;
      try {
        event = await receiver.receive(String(req.body ?? ''), req.headers.authorization);
      } catch {
        return reply.status(401).send({ code: 'unauthorized', message: 'Webhook signature is missing or invalid.' });
      }
      const room = event.room?.name;
      const who = event.participant?.identity ? parseIdentity(event.participant.identity) : null;
      req.log.debug({ event: event.event, room, who: who?.kind }, 'livekit webhook');
      if (!room) return { ok: true };
      switch (event.event) {
        case 'participant_joined':
          if (who?.kind === 'caller') await callService.callerJoined(deps, room);
          break;
        case 'participant_left':
          if (who?.kind === 'caller') await callService.callerLeft(deps, room);
          if (who?.kind === 'agent') await callService.agentLeft(deps, room, who.agentId);
          break;
        case 'room_finished':
          await callService.callerLeft(deps, room);
          break;
      }
      return { ok: true };
    });
  });
}
