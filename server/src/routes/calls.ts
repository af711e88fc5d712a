import { Type } from 'typebox';
import { agentOf, loadAgent } from '../http/auth.js';
import { agentScope, type RoutePlugin } from '../http/plugin.js';
import { CallerCallView, CallView, Dispositions, IdParams, JoinInfo, WrapUpView, errors, oneOf } from '../http/schemas.js';
import * as callService from '../services/calls.js';
import { callerView, callView, getCallView, wrapUpView } from '../services/views.js';
import { submitWrapUp } from '../services/wrap-ups.js';
import { agentNames } from '../store/agents-repo.js';
import { getCall, listRecentCalls } from '../store/calls-repo.js';

const NewCall = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 80, pattern: '\\S' }),
    reason: Type.String({ maxLength: 500 }),
    queueId: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'The topic the caller chose: one of GET /api/topics (default: general)' })),
  },
  { additionalProperties: false },
);
const Hold = Type.Object({ hold: Type.Boolean() }, { additionalProperties: false });
const Notes = Type.Object({ notes: Type.String({ maxLength: 5000 }) }, { additionalProperties: false });
const CallerKey = Type.Object({ 'x-caller-key': Type.Optional(Type.String({ maxLength: 200 })) });
/** Which console tab asks: one tab of an agent holds a call's audio at a time. */
const ConsoleTab = Type.Object({ 'x-console-tab': Type.Optional(Type.String({ maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' })) });
const RecentQuery = Type.Object(
  { disposition: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Only calls a wrap-up gave this disposition' })) },
  { additionalProperties: false },
);
const Join = Type.Union([Type.Object({ takeOver: Type.Optional(Type.Boolean()) }, { additionalProperties: false }), Type.Null()]);

/** Callers (public, or with X-Caller-Key) and agents on the same paths. */
export const callRoutes: RoutePlugin = async (app, { deps }) => {
  const wrapUpS = deps.config.wrapUp.timeoutS;
  app.post(
    '/api/calls',
    {
      schema: {
        tags: ['caller'],
        summary: 'Start a call (public, rate limited)',
        body: NewCall,
        response: {
          201: Type.Object({ id: Type.String(), room: Type.String(), token: Type.String(), livekitUrl: Type.String(), callerKey: Type.String() }),
          ...errors(400, 429, 503),
        },
      },
      config: { rateLimit: { max: deps.config.rateLimitPerMinute, timeWindow: '1 minute' } },
    },
    async (req, reply) => {
      const created = await callService.createCall(deps, { name: req.body.name.trim(), reason: req.body.reason.trim(), queueId: req.body.queueId });
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/api/calls/:id',
    {
      schema: {
        tags: ['calls', 'caller'],
        summary:
          'A call: agents who took part in it (or while it waits in the queue) and supervisors get it with its timeline, notes, transfer and wrap-ups; ' +
          'another agent gets 403; the caller (X-Caller-Key) gets its progress only',
        params: IdParams,
        headers: CallerKey,
        response: { 200: Type.Union([CallView, CallerCallView]), ...errors(401, 403, 404) },
      },
    },
    async (req) => {
      const agent = await loadAgent(deps, req);
      const call = await callService.authorizeCallRead(deps, req.params.id, req.headers['x-caller-key'], agent?.agentId ?? null);
      return agent ? callView(deps.db, call, { wrapUpS }) : callerView(deps.db, call);
    },
  );

  app.post(
    '/api/calls/:id/join',
    {
      schema: {
        tags: ['calls', 'caller'],
        summary:
          'A fresh join token after a reload or a lost connection (the caller with X-Caller-Key, or an agent on the call). ' +
          'Tokens are short-lived and carry what the record allows now. An agent whose audio is held by another console tab gets 409 in_use_elsewhere unless takeOver.',
        params: IdParams,
        headers: Type.Intersect([CallerKey, ConsoleTab]),
        body: Type.Optional(Join),
        response: { 200: JoinInfo, ...errors(400, 401, 403, 404, 409, 503) },
      },
    },
    async (req) => {
      const agent = await loadAgent(deps, req);
      const call = await callService.authorizeCallRead(deps, req.params.id, agent ? undefined : req.headers['x-caller-key'], agent?.agentId ?? null);
      if (!agent) return callService.callerRejoin(deps, call);
      return callService.agentRejoin(deps, agent, call.id, { tabId: req.headers['x-console-tab'], takeOver: req.body?.takeOver === true });
    },
  );

  app.post(
    '/api/calls/:id/hangup',
    { schema: { tags: ['calls', 'caller'], summary: 'Hang up (the agent on the call, or the caller with X-Caller-Key)', params: IdParams, headers: CallerKey, response: { 200: Type.Union([CallView, CallerCallView]), ...errors(401, 403, 404) } } },
    async (req) => {
      const agent = await loadAgent(deps, req);
      await callService.authorizeCallRead(deps, req.params.id, agent ? undefined : req.headers['x-caller-key'], agent?.agentId ?? null);
      const actor: callService.Actor = agent
        ? { kind: 'agent', agentId: agent.agentId, name: agent.name }
        : { kind: 'caller', callId: req.params.id };
      await callService.hangupCall(deps, actor, req.params.id);
      if (agent) return getCallView(deps.db, req.params.id, wrapUpS);
      return callerView(deps.db, (await getCall(deps.db, req.params.id))!);
    },
  );

  await app.register(agentCallRoutes, { deps });
};

/** Agent-only call routes. */
const agentCallRoutes: RoutePlugin = agentScope(async (app, { deps }) => {
  const { timeoutS: wrapUpS, dispositions } = deps.config.wrapUp;
  app.get(
    '/api/calls',
    {
      schema: {
        tags: ['calls'],
        summary: 'Recent calls: the 50 newest an agent took part in (a supervisor: all), optionally only those a wrap-up gave `disposition`',
        querystring: RecentQuery,
        response: { 200: Type.Array(CallView), ...errors(400, 401) },
      },
    },
    async (req) => {
      const recent = await listRecentCalls(deps.db, 50, { agentId: agentOf(req).agentId, disposition: req.query.disposition });
      return Promise.all(recent.map((c) => callView(deps.db, c, { timeline: false, wrapUpS })));
    },
  );

  app.get(
    '/api/dispositions',
    { schema: { tags: ['calls'], summary: 'What a wrap-up may record (DISPOSITIONS) and how long wrap-up lasts (WRAP_UP_TIMEOUT_S)', response: { 200: Dispositions, ...errors(401) } } },
    async () => ({ dispositions, wrapUpTimeoutS: wrapUpS }),
  );

  app.post(
    '/api/calls/:id/wrapup',
    {
      schema: {
        tags: ['calls'],
        summary:
          'Wrap up a call you finished or handed over: a disposition and (optionally) notes; you are Available again. ' +
          'The same disposition again answers 200 and changes nothing; a different one 409. A wrap-up that ended by itself still takes a disposition. ' +
          '403: you never had the call.',
        params: IdParams,
        body: Type.Object(
          { disposition: oneOf(dispositions, 'One of GET /api/dispositions'), notes: Type.Optional(Type.String({ maxLength: 5000 })) },
          { additionalProperties: false },
        ),
        response: { 200: WrapUpView, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      const me = agentOf(req);
      const w = await submitWrapUp(deps, me, req.params.id, req.body);
      return wrapUpView(w, await agentNames(deps.db, [w.agentId]), wrapUpS);
    },
  );

  app.post(
    '/api/calls/:id/accept',
    { schema: { tags: ['calls'], summary: 'Accept a waiting call (exactly one agent wins)', params: IdParams, headers: ConsoleTab, response: { 200: JoinInfo, ...errors(401, 404, 409, 503) } } },
    async (req) => callService.acceptCall(deps, agentOf(req), req.params.id, req.headers['x-console-tab']),
  );

  app.post(
    '/api/calls/:id/hold',
    { schema: { tags: ['calls'], summary: 'Hold or resume the caller (enforced by LiveKit permissions)', params: IdParams, body: Hold, response: { 200: CallView, ...errors(400, 401, 403, 404, 409, 503) } } },
    async (req) => {
      await callService.holdCall(deps, agentOf(req).agentId, req.params.id, req.body.hold);
      return getCallView(deps.db, req.params.id, wrapUpS);
    },
  );

  app.put(
    '/api/calls/:id/notes',
    { schema: { tags: ['calls'], summary: "Save the agent's notes (in wrap-up: their wrap-up's notes, and the call's while it is still theirs)", params: IdParams, body: Notes, response: { 200: Type.Object({ ok: Type.Boolean() }), ...errors(400, 401, 403, 404) } } },
    async (req) => {
      await callService.setNotes(deps, agentOf(req).agentId, req.params.id, req.body.notes);
      return { ok: true };
    },
  );
});
