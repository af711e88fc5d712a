// Server-sent events for agent consoles. A stream opens with the queue and agents lists and the
// agent's home (`me`: GET /api/agents/me), then carries every change to them: which of the
// agent's calls and transfers changed, and the home again when it may have (events/fanout.ts,
// events/home-push.ts). A console that reconnects starts from the full lists again, so a missed
// event costs a moment, never correctness.
import { fanoutOf } from '../events/fanout.js';
import { streamsOf, type OpenStream } from '../events/streams.js';
import { AppError } from '../errors.js';
import { agentOf, sessionToken } from '../http/auth.js';
import { agentScope, type RoutePlugin } from '../http/plugin.js';
import { isSupervisor } from '../store/agents-repo.js';
import { markSessionPresent } from '../store/sessions-repo.js';

export const eventRoutes: RoutePlugin = agentScope(async (app, { deps }) => {
  // An open stream is the console being there (presence); see events/streams.ts.
  const streams = streamsOf(deps);
  const fanout = fanoutOf(deps);
  app.addHook('preClose', async () => {
    fanout.stop();
    streams.closeAll(); // long-lived responses would hold app.close()
  });
  app.get(
    '/api/events',
    { schema: { tags: ['agents'], summary: 'Server-sent events: queue, agents, call, transfer, me (the agent home, as GET /api/agents/me; null: read it yourself)' } },
    async (req, reply) => {
      const tokenHash = deps.secrets.hash(sessionToken(req) ?? '');
      const present = await markSessionPresent(deps.db, tokenHash, deps.config.presenceOfflineAfterS);
      if (!present) throw new AppError('unauthorized', 'Sign in as an agent to use this route.');
      if (present.wasOffline) await deps.bus.publish({ type: 'agents', agentId: present.agentId });
      const supervisor = await isSupervisor(deps.db, present.agentId);
      await fanout.ready(present.agentId);
      // From here to streams.add, synchronous: nothing is broadcast between the snapshot and the
      // stream joining, so the stream sees the lists and then every change after them.
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      reply.raw.write(`retry: 2000\n\n${fanout.snapshot(present.agentId)}`);
      const ping = setInterval(() => reply.raw.write(': ping\n\n'), 15_000);
      const done = () => {
        clearInterval(ping);
        streams.remove(stream);
      };
      // close(): the server ends the stream (logout, session gone); the browser sees the end.
      const stream: OpenStream = {
        tokenHash,
        agentId: agentOf(req).agentId,
        supervisor,
        write: (text) => void (reply.raw.writableEnded || reply.raw.destroyed || reply.raw.write(text)), // closed while a list was being sent
        close: (last) => (done(), reply.raw.end(last)),
      };
      streams.add(stream);
      fanout.opened(present.agentId);
      req.raw.on('close', done);
      reply.raw.on('close', done);
      if (reply.raw.destroyed || reply.raw.socket?.destroyed !== false) done(); // gone while we marked presence
    },
  );
});
