import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { agentOf, requireAgent } from '../http/auth.js';
import { IdParams, JoinInfo, TransferView, errors } from '../http/schemas.js';
import { AGENT_SECURITY } from '../http/schemas.js';
import type { Deps } from '../services/deps.js';
import * as transferService from '../services/transfers.js';
import { getTransferView, transferView } from '../services/views.js';

const NewTransfer = Type.Object(
  {
    target: Type.Object(
      { type: Type.Literal('agent'), agentId: Type.String({ minLength: 1, maxLength: 100 }) },
      { additionalProperties: false },
    ),
    notes: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
const Complete = Type.Union([
  Type.Object({ introduce: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
  Type.Null(),
]);

/** Like trim(), but a leading U+FEFF (which trim() treats as space) is kept as the agent sent it. */
const trimSpace = (s: string) => s.replace(/^[^\S\uFEFF]+|[^\S\uFEFF]+$/gu, '');

export async function transferRoutes(app: FastifyInstance, deps: Deps) {
  const agentOnly = { onRequest: requireAgent(deps) }; // session before body: 401, never a schema 400
  const security = AGENT_SECURITY;
  const tags = ['transfers'];

  app.post<{ Params: IdParams; Body: Static<typeof NewTransfer> }>(
    '/api/calls/:id/transfers',
    {
      ...agentOnly,
      schema: { tags, summary: 'Start a warm transfer: holds the caller, rings the target with a summary', security, params: IdParams, body: NewTransfer, response: { 201: TransferView, ...errors(400, 401, 403, 404, 409, 503) } },
    },
    async (req, reply) => {
      const id = await transferService.startTransfer(deps, agentOf(req), req.params.id, {
        targetAgentId: req.body.target.agentId,
        notes: trimSpace(req.body.notes ?? ''),
      });
      return reply.status(201).send(await getTransferView(deps.db, id));
    },
  );

  app.get<{ Params: IdParams }>(
    '/api/transfers/:id',
    { ...agentOnly, schema: { tags, summary: 'A transfer: state, target, summary, timestamps', security, params: IdParams, response: { 200: TransferView, ...errors(401, 404) } } },
    async (req) => getTransferView(deps.db, req.params.id),
  );

  app.post<{ Params: IdParams; Headers: { 'x-console-tab'?: string } }>(
    '/api/transfers/:id/accept',
    {
      ...agentOnly,
      schema: {
        tags,
        summary: 'Target agent accepts: returns the token to join the consultation',
        security,
        params: IdParams,
        headers: Type.Object({ 'x-console-tab': Type.Optional(Type.String({ maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' })) }),
        response: { 200: JoinInfo, ...errors(401, 403, 404, 409, 503) },
      },
    },
    async (req) => transferService.acceptTransfer(deps, agentOf(req), req.params.id, req.headers['x-console-tab']),
  );

  const simple = (path: string, summary: string, event: (agentId: string, body: Static<typeof Complete>) => Parameters<typeof transferService.runTransferEvent>[2], body?: typeof Complete) =>
    app.post<{ Params: IdParams; Body: Static<typeof Complete> }>(
      path,
      { ...agentOnly, schema: { tags, summary, security, params: IdParams, ...(body ? { body } : {}), response: { 200: TransferView, ...errors(400, 401, 403, 404, 409, 503) } } },
      async (req) => {
        const t = await transferService.runTransferEvent(deps, req.params.id, event(agentOf(req).agentId, req.body ?? null));
        return transferView(deps.db, t);
      },
    );

  simple('/api/transfers/:id/decline', 'Target agent declines: the caller goes back to the first agent', (agentId) => ({ type: 'decline', agentId }));
  simple('/api/transfers/:id/cancel', 'First agent cancels: the caller goes back to them', (agentId) => ({ type: 'cancel', agentId }));
  simple(
    '/api/transfers/:id/complete',
    'First agent completes (introduce: three-way first, call again to leave)',
    (agentId, body) => ({ type: 'complete', agentId, introduce: body?.introduce === true }),
    Complete,
  );
}
