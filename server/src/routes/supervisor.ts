// Supervisors (issue 12): the live board and monitoring (listen, whisper, barge); and the
// coach-room join for the agent a supervisor whispers to. services/supervision.ts does the work.
import { Type } from 'typebox';
import { agentOf } from '../http/auth.js';
import { agentScope, type RoutePlugin } from '../http/plugin.js';
import { IdParams, JoinInfo, errors } from '../http/schemas.js';
import { Board, MonitorBody, MonitorGrant } from '../http/supervision-schemas.js';
import { assertSupervisor, coachJoin, monitorCall, stopMonitor, supervisorBoard } from '../services/supervision.js';

const Stopped = Type.Object({ callId: Type.String(), monitoring: Type.Boolean() }, { additionalProperties: false });

/** Supervisor only: an agent gets 403 (checked before the body is read, after the session). */
const supervisorOnly: RoutePlugin = agentScope(async (app, { deps }) => {
  app.addHook('onRequest', async (req) => assertSupervisor(deps, agentOf(req).agentId));

  app.get(
    '/api/supervisor/board',
    { schema: { tags: ['supervisor'], summary: 'Every queue (waiting, longest wait, agents available and signed in), every agent (presence, engagement, time in state) and every live call (queue, times, hold, transfer, monitors)', response: { 200: Board, ...errors(401, 403) } } },
    async (req) => supervisorBoard(deps, agentOf(req).agentId),
  );

  app.post(
    '/api/calls/:id/monitor',
    {
      schema: {
        tags: ['supervisor'],
        summary:
          'Monitor a live call: listen (hear it, nobody hears you), whisper (only the agent hears you), barge (everyone does). ' +
          'The same call again switches mode (the same mode: fresh tokens); another call ends the monitor of the previous one. ' +
          '404: no such call; 409: ended or not answered yet.',
        params: IdParams,
        body: MonitorBody,
        response: { 200: MonitorGrant, ...errors(400, 401, 403, 404, 409, 503) },
      },
    },
    async (req) => monitorCall(deps, agentOf(req), req.params.id, req.body.mode),
  );

  const stop = {
    schema: { tags: ['supervisor'], summary: 'Stop monitoring the call (idempotent)', params: IdParams, response: { 200: Stopped, ...errors(401, 403, 404, 503) } },
  };
  app.delete('/api/calls/:id/monitor', stop, async (req) => stopMonitor(deps, agentOf(req), req.params.id));
  app.post('/api/calls/:id/monitor/stop', stop, async (req) => stopMonitor(deps, agentOf(req), req.params.id));
});

/** The call's agent, while a supervisor whispers to them. */
const coach: RoutePlugin = agentScope(async (app, { deps }) => {
  app.post(
    '/api/calls/:id/coach/join',
    {
      schema: {
        tags: ['calls'],
        summary: "The call's agent joins the coach room while a supervisor whispers (listen only); 409 when nobody whispers to them",
        params: IdParams,
        response: { 200: JoinInfo, ...errors(401, 404, 409, 503) },
      },
    },
    async (req) => coachJoin(deps, agentOf(req), req.params.id),
  );
});

export const supervisorRoutes: RoutePlugin = async (app, opts) => {
  await app.register(supervisorOnly, opts);
  await app.register(coach, opts);
};
