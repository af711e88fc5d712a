import { Type, type Static } from 'typebox';
import { agentOf } from '../http/auth.js';
import { TALK_TO, TRANSFER_MODES, TRANSFER_TARGET_TYPES } from '@warmline/contract';
import { AppError } from '../errors.js';
import { IdParams, JoinInfo, TransferView, errors, oneOf } from '../http/schemas.js';
import { agentScope, type RoutePlugin } from '../http/plugin.js';
import * as transferService from '../services/transfers.js';
import { getTransferView, transferView } from '../services/views.js';
import { canReadCall } from '../store/calls-repo.js';

const NewTransfer = Type.Object(
  {
    // One object rather than a union, so a missing field gets a 400 that names it.
    target: Type.Object(
      {
        type: oneOf(TRANSFER_TARGET_TYPES),
        agentId: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'For type agent' })),
        number: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'For type phone: E.164, e.g. +15551234567, within PHONE_ALLOWED_PREFIXES' })),
        queueId: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'For type queue: one of GET /api/queues' })),
      },
      { additionalProperties: false },
    ),
    notes: Type.Optional(Type.String({ maxLength: 2000 })),
    mode: Type.Optional(
      oneOf(
        TRANSFER_MODES,
        'warm (default): brief the target first; blind: you leave at once, the caller is held until the target accepts (then talks to them) or goes back to the front of the queue. A queue target is always blind; a phone target always warm',
      ),
    ),
  },
  { additionalProperties: false },
);
const Complete = Type.Union([
  Type.Object({ introduce: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
  Type.Null(),
]);

const Focus = Type.Object(
  { talkTo: oneOf(TALK_TO, 'target: A and B, the caller held; caller: A and the caller, B held; both: all three') },
  { additionalProperties: false },
);

/** Like trim(), but a leading U+FEFF (which trim() treats as space) is kept as the agent sent it. */
const trimSpace = (s: string) => s.replace(/^[^\S\uFEFF]+|[^\S\uFEFF]+$/gu, '');

/** Warm transfers (all agent-only). */
export const transferRoutes: RoutePlugin = agentScope(async (app, { deps }) => {
  const tags = ['transfers'];

  app.post(
    '/api/calls/:id/transfers',
    {
      schema: {
        tags,
        summary:
          'Start a transfer. Warm: holds the caller, rings the target with a summary. Blind: you leave the call at once, the caller is held while the target rings. ' +
          'Queue: the call waits again at the front of that queue with the summary, you leave at once',
        params: IdParams,
        body: NewTransfer,
        response: { 201: TransferView, ...errors(400, 401, 403, 404, 409, 429, 502, 503) },
      },
    },
    async (req, reply) => {
      const t = req.body.target;
      if (t.type === 'agent' && !t.agentId) throw new AppError('validation_failed', 'body/target must have required property agentId');
      if (t.type === 'phone' && !t.number) throw new AppError('validation_failed', 'body/target must have required property number');
      if (t.type === 'queue' && !t.queueId) throw new AppError('validation_failed', 'body/target must have required property queueId');
      const id = await transferService.startTransfer(deps, agentOf(req), req.params.id, {
        target:
          t.type === 'agent' ? { type: 'agent', agentId: t.agentId! } : t.type === 'queue' ? { type: 'queue', queueId: t.queueId! } : { type: 'phone', number: t.number!.trim() },
        notes: trimSpace(req.body.notes ?? ''),
        mode: req.body.mode,
      });
      return reply.status(201).send(await getTransferView(deps.db, id));
    },
  );

  app.get(
    '/api/transfers/:id',
    {
      schema: {
        tags,
        summary: 'A transfer: state, target, summary, timestamps. For agents who took part in its call (as calls do) and supervisors; others get 403',
        params: IdParams,
        response: { 200: TransferView, ...errors(401, 403, 404) },
      },
    },
    async (req) => {
      const view = await getTransferView(deps.db, req.params.id);
      if (!(await canReadCall(deps.db, view.callId, agentOf(req).agentId))) throw new AppError('forbidden', 'You took no part in this call.');
      return view;
    },
  );

  app.post(
    '/api/transfers/:id/accept',
    {
      schema: {
        tags,
        summary: 'Target agent accepts: returns the token to join the consultation (a blind transfer: the call is theirs at once, the caller live with them)',
       
        params: IdParams,
        headers: Type.Object({ 'x-console-tab': Type.Optional(Type.String({ maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' })) }),
        response: { 200: JoinInfo, ...errors(401, 403, 404, 409, 503) },
      },
    },
    async (req) => transferService.acceptTransfer(deps, agentOf(req), req.params.id, req.headers['x-console-tab']),
  );

  const simple = (path: string, summary: string, event: (agentId: string, body: Static<typeof Complete>) => Parameters<typeof transferService.runTransferEvent>[2], body?: typeof Complete) =>
    app.post(
      path,
      { schema: { tags, summary, params: IdParams, ...(body ? { body } : {}), response: { 200: TransferView, ...errors(400, 401, 403, 404, 409, 503) } } },
      async (req) => {
        const t = await transferService.runTransferEvent(deps, req.params.id, event(agentOf(req).agentId, req.body ?? null));
        return transferView(deps.db, t);
      },
    );

  simple(
    '/api/transfers/:id/decline',
    "Target agent declines: the caller goes back to the first agent (a blind transfer: to the front of the call's queue)",
    (agentId) => ({ type: 'decline', agentId }),
  );
  simple(
    '/api/transfers/:id/leave',
    'Target agent leaves the consultation (declining after the briefing): removed from the room, the caller back with the first agent',
    (agentId) => ({ type: 'leave', agentId }),
  );
  simple('/api/transfers/:id/cancel', 'First agent cancels: the caller goes back to them (not a blind transfer: 409)', (agentId) => ({ type: 'cancel', agentId }));
  simple(
    '/api/transfers/:id/complete',
    'First agent completes (introduce: three-way first, call again to leave)',
    (agentId, body) => ({ type: 'complete', agentId, introduce: body?.introduce === true }),
    Complete,
  );

  app.post(
    '/api/transfers/:id/focus',
    {
      schema: {
        tags,
        summary: 'First agent chooses who they talk to while consulting; the other is held by the media server. The same choice again changes nothing',
        params: IdParams,
        body: Focus,
        response: { 200: TransferView, ...errors(400, 401, 403, 404, 409, 503) },
      },
    },
    async (req) => {
      const t = await transferService.runTransferEvent(deps, req.params.id, { type: 'talk_to', agentId: agentOf(req).agentId, talkTo: req.body.talkTo });
      return transferView(deps.db, t);
    },
  );
});
