// Routes are encapsulated Fastify plugins with the TypeBox type provider: request types come
// from the schemas, and the agent session check is declared once per scope, not per route.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Deps } from '../services/deps.js';
import { requireAgent } from './auth.js';
import { AGENT_SECURITY } from './schemas.js';

export type RoutePlugin = FastifyPluginAsyncTypebox<{ deps: Deps }>;

/**
 * A child scope whose every route needs a signed-in agent. The check runs onRequest, before
 * the body is parsed or validated: without a session the answer is 401, never a 400 that
 * describes the schema. OpenAPI marks the routes as needing the bearer token or the cookie.
 */
export function agentScope(routes: RoutePlugin): RoutePlugin {
  return async (scope, opts) => {
    scope.addHook('onRoute', (route) => {
      route.schema = { ...route.schema, security: AGENT_SECURITY };
    });
    scope.addHook('onRequest', requireAgent(opts.deps));
    await routes(scope, opts);
  };
}
