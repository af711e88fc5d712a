// Server-sent events for agent consoles. The stream only says what changed;
// the console refetches, so a missed event costs a moment, never correctness.
import type { FastifyInstance } from 'fastify';
import { requireAgent } from '../http/auth.js';
import type { Deps } from '../services/deps.js';

export async function eventRoutes(app: FastifyInstance, deps: Deps) {
  app.get(
    '/api/events',
    { preHandler: requireAgent(deps), schema: { tags: ['agents'], summary: 'Server-sent events: queue, agents, call, transfer', security: [{ cookie: [] }, { bearer: [] }] } },
    async (req, reply) => {
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      reply.raw.write('retry: 2000\n\n');
      const unsubscribe = deps.bus.subscribe((e) => {
        const { type, ...data } = e;
        reply.raw.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
      });
      const ping = setInterval(() => reply.raw.write(': ping\n\n'), 15_000);
      req.raw.on('close', () => {
        clearInterval(ping);
        unsubscribe();
      });
    },
  );
}
