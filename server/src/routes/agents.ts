import { AGENT_STATUSES, CHOSEN_AWAY_REASONS } from '@warmline/contract';
import { Type } from 'typebox';
import { agentOf, sessionToken } from '../http/auth.js';
import { AgentHome, CallView, Presence, errors, oneOf } from '../http/schemas.js';
import { agentScope, type RoutePlugin } from '../http/plugin.js';
import { agentHome, callView } from '../services/views.js';
import { getAgentPresence, listAgentPresence, setAgentStatus, type AgentPresence } from '../store/agents-repo.js';
import { listQueue } from '../store/calls-repo.js';
import { markSessionPresent } from '../store/sessions-repo.js';

const Status = Type.Object(
  { status: oneOf(AGENT_STATUSES), reason: Type.Optional(oneOf(CHOSEN_AWAY_REASONS, 'Why away (ignored for available)')) },
  { additionalProperties: false },
);
const toPresence = ({ id, name, status, awayReason }: AgentPresence) => ({ id, name, status, awayReason });

/** The queue, colleagues and presence, and the signed-in agent (all agent-only). */
export const agentRoutes: RoutePlugin = agentScope(async (app, { deps }) => {
  const wrapUpS = deps.config.wrapUp.timeoutS;
  app.get(
    '/api/queue',
    {
      schema: {
        tags: ['agents'],
        summary: "Calls waiting for an agent: your queues' first, then the others; in each, calls sent back to a queue first, then oldest first",
        response: { 200: Type.Array(CallView), ...errors(401) },
      },
    },
    async (req) => Promise.all((await listQueue(deps.db, agentOf(req).agentId)).map((c) => callView(deps.db, c, { timeline: false, wrapUpS }))),
  );

  app.get(
    '/api/agents',
    { schema: { tags: ['agents'], summary: 'Agents with presence', response: { 200: Type.Array(Presence), ...errors(401) } } },
    async () => (await listAgentPresence(deps.db, wrapUpS)).map(toPresence),
  );

  app.get(
    '/api/agents/me',
    { schema: { tags: ['agents'], summary: 'The signed-in agent, what they are engaged in (idle, ringing, on a call, consulting, introducing, wrap-up) and their transfers', response: { 200: AgentHome, ...errors(401) } } },
    async (req) => agentHome(deps.db, agentOf(req).agentId, wrapUpS),
  );

  app.post(
    '/api/agents/me/status',
    {
      schema: {
        tags: ['agents'],
        summary: 'Choose Available, or Away with a reason. On a call or in wrap-up, presence says so until it is over, then shows this choice',
        body: Status,
        response: { 200: Presence, ...errors(400, 401) },
      },
    },
    async (req) => {
      const me = agentOf(req);
      await setAgentStatus(deps.db, me.agentId, req.body.status, req.body.reason ?? null);
      // Choosing a status is a sign of life: this session counts as present for PRESENCE_OFFLINE_AFTER_S
      // (an open console's event stream keeps it so; an API client without one goes offline after that).
      await markSessionPresent(deps.db, deps.secrets.hash(sessionToken(req) ?? ''), deps.config.presenceOfflineAfterS);
      await deps.bus.publish({ type: 'agents', agentId: me.agentId });
      return toPresence((await getAgentPresence(deps.db, me.agentId, wrapUpS))!);
    },
  );
});
