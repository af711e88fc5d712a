// Shared TypeBox schemas: they validate requests and document the API in /openapi.json.
// Every name comes from @warmline/contract and every response object is closed, so the document says
// exactly what a client receives. services/views.ts returns the `Static` types below, so tsc fails
// when a view and its schema differ (Fastify's serializer would silently drop the extra field).
//
// The console's wire types are these same types: web/src/shared/types.ts imports them with
// `import type`, which the bundler erases, so no schema code reaches the browser. Hence this file
// imports nothing but the contract and typebox (the web project type-checks it too).
import {
  CALL_CHANNELS,
  CALL_STATES,
  END_REASONS,
  ERROR_CODES,
  PRESENCE,
  AGENT_ROLES,
  AWAY_REASONS,
  WRAP_UP_ENDINGS,
  type EngagementKind,
  TIMELINE_EVENTS,
  TALK_TO,
  TRANSFER_FAIL_REASONS,
  TRANSFER_STATES,
  TRANSFER_TARGET_TYPES,
  TRANSFER_MODES,
} from '@warmline/contract';
import { Type, type Static, type TSchema } from 'typebox';
import { MonitorView } from './supervision-schemas.js';

/** One of the contract's names, as `{ type: 'string', enum }` (OpenAPI 3.0 has no `const`). */
export const oneOf = <const T extends readonly string[]>(names: T, description?: string) =>
  Type.Enum<[...T]>(names, { type: 'string', ...(description ? { description } : {}) });

const Closed = { additionalProperties: false } as const;
const nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const ErrorBody = Type.Object(
  { code: oneOf(ERROR_CODES), message: Type.String() },
  { ...Closed, description: 'Every error: a stable code and a human sentence.' },
);
export type ErrorBody = Static<typeof ErrorBody>;
export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
export type IdParams = Static<typeof IdParams>;

export const JoinInfo = Type.Object(
  {
    token: Type.String(),
    livekitUrl: Type.String(),
    room: Type.String(),
    issuedAt: Type.Optional(Type.String({ format: 'date-time', description: 'When the grant was made (server clock), after the change that allows the join was stored' })),
  },
  { ...Closed, description: 'What a browser needs to join the LiveKit room.' },
);
export type JoinInfo = Static<typeof JoinInfo>;

export const TransferView = Type.Object(
  {
    id: Type.String(),
    callId: Type.String(),
    state: oneOf(TRANSFER_STATES),
    fromAgent: Type.Object({ id: Type.String(), name: Type.String() }, Closed),
    target: Type.Object(
      {
        type: oneOf(TRANSFER_TARGET_TYPES),
        agentId: nullable(Type.String()),
        name: Type.String({ description: "The colleague's name; for a phone, the masked number" }),
        number: nullable(Type.String({ description: 'Phone targets only: the masked E.164 number, e.g. "+1 ••• ••• 4567"' })),
        queueId: nullable(Type.String({ description: 'Queue targets only: the queue the call went back to (name is its name)' })),
      },
      Closed,
    ),
    mode: oneOf(TRANSFER_MODES, 'warm: A briefs B first; blind: A left at once, B gets the caller on accepting (a queue target is always blind)'),
    notes: Type.String(),
    summary: nullable(Type.Object({ text: Type.String(), provider: Type.String() }, Closed)),
    requestedAt: Type.String(),
    acceptedAt: nullable(Type.String()),
    completedAt: nullable(Type.String()),
    endedAt: nullable(Type.String()),
    ringDeadline: Type.String({ description: 'When a ringing transfer times out' }),
    failReason: nullable(oneOf(TRANSFER_FAIL_REASONS, 'Why the transfer ended without completing')),
    talkTo: oneOf(TALK_TO, 'Who the first agent talks to while consulting (the other is held); both while introducing'),
    call: Type.Object(
      { id: Type.String(), callerName: Type.String(), reason: Type.String(), answeredAt: nullable(Type.String()) },
      Closed,
    ),
  },
  Closed,
);
export type TransferView = Static<typeof TransferView>;

export const TimelineEntry = Type.Object(
  {
    at: Type.String(),
    type: oneOf(TIMELINE_EVENTS),
    detail: Type.Object({}, { additionalProperties: true, description: 'Facts about the entry (ids, reason, timings); free-form' }),
  },
  Closed,
);
export type TimelineEntry = Static<typeof TimelineEntry>;

export const WrapUpView = Type.Object(
  {
    id: Type.String(),
    callId: Type.String(),
    agent: Type.Object({ id: Type.String(), name: Type.String() }, Closed),
    startedAt: Type.String(),
    endsAt: Type.String({ description: 'When it ends by itself (startedAt + WRAP_UP_TIMEOUT_S)' }),
    doneAt: nullable(Type.String()),
    endedBy: nullable(oneOf(WRAP_UP_ENDINGS, 'agent: Done with a disposition; timeout: WRAP_UP_TIMEOUT_S passed; replaced: a newer wrap-up began')),
    disposition: nullable(Type.String({ description: 'One of GET /api/dispositions' })),
    notes: Type.String({ description: "The agent's notes: the call's notes when their part ended, as edited in wrap-up" }),
  },
  { ...Closed, description: "After-call work of one agent whose part in the call ended (it ended while theirs, or they handed it over)" },
);
export type WrapUpView = Static<typeof WrapUpView>;

export const CallView = Type.Object(
  {
    id: Type.String(),
    room: Type.String(),
    state: oneOf(CALL_STATES),
    channel: oneOf(CALL_CHANNELS, 'How the caller reached us: the web page or the phone number'),
    callerName: Type.String(),
    reason: Type.String(),
    agentId: nullable(Type.String()),
    agentName: nullable(Type.String()),
    createdAt: Type.String(),
    queuedAt: nullable(
      Type.String({ description: 'When the call (re-)entered its queue: createdAt at first, reset each time it goes back to a queue; a waiting call has waited since then' }),
    ),
    answeredAt: nullable(Type.String()),
    endedAt: nullable(Type.String()),
    endReason: nullable(oneOf(END_REASONS)),
    notes: Type.String(),
    holdCount: Type.Integer(),
    callerReconnecting: Type.Boolean({ description: "The caller's connection dropped; they keep their place for RECONNECT_GRACE_S" }),
    agentReconnecting: Type.Boolean({ description: "The agent's connection dropped; the caller hears hold music for up to RECONNECT_GRACE_S" }),
    queuePosition: nullable(Type.Integer()),
    timeline: Type.Array(TimelineEntry, { description: 'Empty in lists (queue, recent calls)' }),
    transfer: nullable(TransferView),
    disposition: nullable(Type.String({ description: 'The latest disposition a wrap-up gave the call' })),
    wrapUps: Type.Array(WrapUpView, { description: 'Every agent whose part ended, oldest first' }),
    monitors: Type.Optional(Type.Array(MonitorView, { description: 'Supervisors monitoring the call now (the agent is told; the caller never)' })),
    queue: Type.Object({ id: Type.String(), name: Type.String() }, { ...Closed, description: 'The queue the call waits (or waited last) in' }),
    summary: nullable(
      Type.Object(
        {
          text: Type.String(),
          provider: Type.String(),
          transferId: Type.String(),
          mode: oneOf(TRANSFER_MODES, "The handoff's transfer mode: blind (A left at once; a queue transfer is always blind) or warm"),
          targetType: oneOf(TRANSFER_TARGET_TYPES, "Where the handoff's transfer went: a colleague, a queue (re-queued) or a phone"),
          fromAgent: Type.Object({ id: Type.String(), name: Type.String() }, Closed),
          notes: Type.String({ description: "The transferring agent's notes for this handoff" }),
        },
        { ...Closed, description: "The call's latest handoff summary (from its newest transfer that has one): what whoever answers a re-queued call reads" },
      ),
    ),
  },
  Closed,
);
export type CallView = Static<typeof CallView>;

/** GET /api/topics (public): the queues a caller may choose on the caller page. */
export const Topic = Type.Object({ id: Type.String(), name: Type.String() }, Closed);
export type Topic = Static<typeof Topic>;

/** GET /api/queues: each queue as the agents' console shows it. */
export const QueueStats = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    waiting: Type.Integer({ minimum: 0, description: 'Calls waiting in it now' }),
    longestWaitS: nullable(Type.Integer({ minimum: 0, description: 'Seconds the call waiting longest has waited (since it (re-)entered the queue); null: none waiting' })),
    availableAgents: Type.Integer({ minimum: 0, description: 'Its agents who are available to answer now' }),
    mine: Type.Boolean({ description: 'The signed-in agent belongs to it (an agent in no queue belongs to general)' }),
  },
  Closed,
);
export type QueueStats = Static<typeof QueueStats>;

/**
 * What the caller's own page may read with X-Caller-Key: the call's progress, never the
 * agent's notes, the handoff summary or the timeline (they are for agents).
 */
export const CallerCallView = Type.Object(
  {
    ...Type.Pick(CallView, ['id', 'room', 'state', 'callerName', 'agentName', 'createdAt', 'answeredAt', 'endedAt', 'endReason', 'agentReconnecting', 'queuePosition'])
      .properties,
    // The queue as a caller may see it (services/caller-queue.ts): no agent's name, no count of agents.
    estimatedWaitS: nullable(
      Type.Integer({ minimum: 0, description: 'While waiting: about how long until an agent answers (median answer time of recent calls × queue position); null without history' }),
    ),
    agentSignedIn: Type.Boolean({ description: 'Some agent has the console open (available, on a call, in wrap-up or away). false: nobody will answer until one signs in' }),
    agentAvailable: Type.Boolean({ description: 'Some agent is available to answer right now' }),
  },
  Closed,
);
export type CallerCallView = Static<typeof CallerCallView>;

export const Presence = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    status: oneOf(
      PRESENCE,
      'on_call: on a live call, consulting or introducing; wrap_up: after-call work; offline: chose Available but no console open for PRESENCE_OFFLINE_AFTER_S',
    ),
    awayReason: nullable(oneOf(AWAY_REASONS, 'When away: the reason chosen, or missed (a transfer rang out unanswered)')),
  },
  Closed,
);
export type Presence = Static<typeof Presence>;

/** One variant of an engagement: its kind (a one-name enum, as OpenAPI 3.0 has no `const`) and what it carries. */
const engaged = <const K extends EngagementKind, P extends Record<string, TSchema>>(kind: K, props: P, description: string) =>
  Type.Object({ kind: oneOf([kind] as const), ...props }, { ...Closed, description });

/**
 * What the agent is engaged in (ENGAGEMENT_KINDS), decided by one query (store/agents-repo.ts)
 * that presence reads too: on_call, consulting and introducing make the agent on_call and put them in
 * `call.room`; a ringing transfer does not; wrap_up is after-call work (no room, hence `lastCall`).
 */
export const Engagement = Type.Union(
  [
    engaged('idle', {}, 'Nothing: free to take a call'),
    engaged('ringing', { transfer: TransferView }, 'A transfer rings them (the oldest, if several); not on a call'),
    engaged('on_call', { call: CallView }, 'Owns a live call: answered it, or was handed it (B from the introduction on)'),
    engaged('consulting', { transfer: TransferView, call: CallView }, "B, after accepting: briefed by A in the call's room, the caller on hold"),
    engaged('introducing', { transfer: TransferView, call: CallView }, 'A, while introducing B (who now owns the call) to the caller'),
    engaged('wrap_up', { wrapUp: WrapUpView, lastCall: CallView }, 'After-call work on lastCall (ended, or handed over) until a disposition or wrapUp.endsAt'),
  ],
  { description: 'What the agent is engaged in; `kind` tells which' },
);
export type Engagement = Static<typeof Engagement>;

export const AgentHome = Type.Object(
  {
    agent: Type.Object(
      {
        id: Type.String(),
        name: Type.String(),
        email: Type.String(),
        status: Presence.properties.status,
        awayReason: Presence.properties.awayReason,
        role: oneOf(AGENT_ROLES, 'supervisor: reads every call; agent: the calls they took part in'),
      },
      Closed,
    ),
    engagement: Engagement,
    currentCall: nullable(CallView),
    incomingTransfers: Type.Array(TransferView),
    outgoingTransfer: nullable(TransferView),
    readAt: Type.String({
      format: 'date-time',
      description: "When the read began (server clock): a console keeps the newest of the homes it gets (GET and the event stream's `me`) and compares it with a grant's issuedAt",
    }),
  },
  {
    ...Closed,
    description: "Everything an agent's console needs in one read. currentCall is engagement.call when on_call, else null (kept for API clients)",
  },
);
export type AgentHome = Static<typeof AgentHome>;

/** GET /api/dispositions: what a wrap-up may record, and how long wrap-up lasts (0: off). */
export const Dispositions = Type.Object(
  { dispositions: Type.Array(Type.String()), wrapUpTimeoutS: Type.Integer({ description: 'WRAP_UP_TIMEOUT_S; 0: no wrap-up' }) },
  Closed,
);
export type Dispositions = Static<typeof Dispositions>;

/** GET /api/config: what the console needs before sign-in. Never a credential. */
export const PublicConfig = Type.Object(
  {
    devMode: Type.Boolean(),
    transferRingTimeoutS: Type.Integer(),
    phone: nullable(
      Type.Object(
        {
          allowedPrefixes: Type.Array(Type.String(), { description: 'E.164 prefixes a phone transfer may dial, e.g. ["+1", "+44"]' }),
          anyNumber: Type.Boolean({ description: 'No prefixes set outside production: any E.164 number may be dialled' }),
        },
        { ...Closed, description: 'Phone transfers; null when Twilio is not configured. No prefixes and not anyNumber: nothing is dialable' },
      ),
    ),
  },
  Closed,
);
export type PublicConfig = Static<typeof PublicConfig>;

export const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, ErrorBody]));

/** OpenAPI security for agent routes: bearer token or the session cookie. */
export const AGENT_SECURITY: { [label: string]: string[] }[] = [{ bearer: [] }, { cookie: [] }];
