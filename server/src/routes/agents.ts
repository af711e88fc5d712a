import { AGENT_STATUSES } from '@warmline/contract';
import { Type } from 'typebox';
import { agentOf, sessionToken } from '../http/auth.js';
import { AgentHome, CallView, Presence, errors, oneOf } from '../http/schemas.js';
import { agentScope, type RoutePlugin } from '../http/plugin.js';
import { agentHome, callView } from '../services/views.js';
import { getAgentPresence, listAgentPresence, setAgentStatus } from '../store/agents-repo.js';
import { listQueue } from '../store/calls-repo.js';
import { markSessionPresent } from '../store/sessions-repo.js';

const Status = Type.Object({ status: oneOf(AGENT_STATUSES) }, { additionalProperties: false });

/** The queue, colleagues and presence, and the signed-in agent (all agent-only). */
export const agentRoutes: RoutePlugin = agentScope(async (app, { deps }) => {

  app.get(
    '/api/queue',
    { schema: { tags: ['agents'], summary: 'Calls waiting for an agent, oldest first', response: { 200: Type.Array(CallView), ...errors(401) } } },
    async () => Promise.all((await listQueue(deps.db)).map((c) => callView(deps.db, c, { timeline: false }))),
  );

  app.get(
    '/api/agents',
    { schema: { tags: ['agents'], summary: 'Agents with presence', response: { 200: Type.Array(Presence), ...errors(401) } } },
    async () => (await listAgentPresence(deps.db)).map(({ id, name, status }) => ({ id, name, status })),
  );

  app.get(
    '/api/agents/me',
    { schema: { tags: ['agents'], summary: 'The signed-in agent, what they are engaged in (idle, ringing, on a call, consulting, introducing) and their transfers', response: { 200: AgentHome, ...errors(401) } } },
    async (req) => agentHome(deps.db, agentOf(req).agentId),
  );

  app.post(
    '/api/agents/me/status',
    { schema: { tags: ['agents'], summary: 'Set Available or Away', body: Status, response: { 200: Presence, ...errors(400, 401) } } },
    async (req) => {
      const me = agentOf(req);
      await setAgentStatus(deps.db, me.agentId, req.body.status);
      // Choosing a status is a sign of life: this session counts as present for PRESENCE_OFFLINE_AFTER_S
      // (an open console's event stream keeps it so; an API client without one goes offline after that).
      await markSessionPresent(deps.db, deps.secrets.hash(sessionToken(req) ?? ''), deps.config.presenceOfflineAfterS);
      await deps.bus.publish({ type: 'agents' });
      const presence = (await getAgentPresence(deps.db, me.agentId))!;
      return { id: presence.id, name: presence.name, status: presence.status };
    },
  );
});
