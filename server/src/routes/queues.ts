import { Type } from 'typebox';
import { agentOf } from '../http/auth.js';
import { agentScope, type RoutePlugin } from '../http/plugin.js';
import { QueueStats, Topic, errors } from '../http/schemas.js';
import { listTopics, queueStats } from '../services/queues.js';

/** Queues: the topics a caller may choose (public) and the queues as agents see them. */
export const queueRoutes: RoutePlugin = async (app, { deps }) => {
  app.get(
    '/api/topics',
    { schema: { tags: ['caller'], summary: 'What a caller may call about: the queues a new call may wait in (POST /api/calls queueId)', response: { 200: Type.Array(Topic) } } },
    async () => listTopics(deps.db),
  );
  await app.register(agentQueueRoutes, { deps });
};

const agentQueueRoutes: RoutePlugin = agentScope(async (app, { deps }) => {
  app.get(
    '/api/queues',
    {
      schema: {
        tags: ['agents'],
        summary: 'Every queue: calls waiting, the longest wait, its agents available now, and whether you belong to it (mine)',
        response: { 200: Type.Array(QueueStats), ...errors(401) },
      },
    },
    async (req) => queueStats(deps.db, agentOf(req).agentId, deps.config.wrapUp.timeoutS),
  );
});
