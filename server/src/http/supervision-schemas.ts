// Supervision's TypeBox schemas (the supervisor board, monitors). Like schemas.ts, this file
// imports nothing but the contract and typebox: the web project type-checks it and the console
// imports its Static types with `import type`.
import { CALL_STATES, ENGAGEMENT_KINDS, MONITOR_MODES, PRESENCE, TRANSFER_STATES, TRANSFER_TARGET_TYPES, AWAY_REASONS } from '@warmline/contract';
import { Type, type Static, type TSchema } from 'typebox';

const Closed = { additionalProperties: false } as const;
const nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const names = <const T extends readonly string[]>(n: T, description?: string) =>
  Type.Enum<[...T]>(n, { type: 'string', ...(description ? { description } : {}) });

export const MonitorView = Type.Object(
  {
    supervisorId: Type.String(),
    supervisorName: Type.String(),
    mode: names(MONITOR_MODES, 'listen: hears the call, nobody hears them; whisper: only the agent hears them; barge: everyone does'),
    startedAt: Type.String(),
    modeSince: Type.String(),
  },
  { ...Closed, description: 'A supervisor monitoring the call now' },
);
export type MonitorView = Static<typeof MonitorView>;

const joinInfo = (description: string) =>
  Type.Object({ token: Type.String(), livekitUrl: Type.String(), room: Type.String() }, { ...Closed, description });

export const MonitorBody = Type.Object({ mode: names(MONITOR_MODES) }, Closed);
export type MonitorBody = Static<typeof MonitorBody>;

export const MonitorGrant = Type.Object(
  {
    callId: Type.String(),
    mode: names(MONITOR_MODES),
    startedAt: Type.String(),
    modeSince: Type.String(),
    call: joinInfo("The call's room: the supervisor hears it (and speaks in it when barging)"),
    coach: nullable(joinInfo("Whisper only: the coach room, where the supervisor speaks and only the call's agent listens")),
  },
  { ...Closed, description: 'What the supervisor joins to monitor the call (tokens are short-lived; POST again for fresh ones)' },
);
export type MonitorGrant = Static<typeof MonitorGrant>;

export const BoardAgent = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    role: Type.String(),
    status: names(PRESENCE),
    awayReason: nullable(names(AWAY_REASONS)),
    engagement: names(ENGAGEMENT_KINDS),
    callId: nullable(Type.String()),
    since: nullable(Type.String({ description: 'When the agent entered this status/engagement (time in state)' })),
  },
  Closed,
);
export type BoardAgent = Static<typeof BoardAgent>;

export const BoardCall = Type.Object(
  {
    id: Type.String(),
    state: names(CALL_STATES),
    callerName: Type.String(),
    reason: Type.String(),
    agentId: nullable(Type.String()),
    agentName: nullable(Type.String()),
    queueId: Type.String({ description: 'The queue the call waits or waited in' }),
    queueName: Type.String(),
    createdAt: Type.String(),
    queuedAt: Type.String({ description: 'Waiting time runs from here while waiting' }),
    answeredAt: nullable(Type.String({ description: 'Talk time runs from here' })),
    holdCount: Type.Integer(),
    heldSince: nullable(Type.String({ description: 'Set while on hold' })),
    transfer: nullable(
      Type.Object(
        {
          id: Type.String(),
          state: names(TRANSFER_STATES),
          fromAgentName: Type.String(),
          targetType: names(TRANSFER_TARGET_TYPES),
          targetName: Type.String(),
          requestedAt: Type.String(),
          acceptedAt: nullable(Type.String()),
        },
        Closed,
      ),
    ),
    monitors: Type.Array(MonitorView),
  },
  Closed,
);
export type BoardCall = Static<typeof BoardCall>;

export const BoardQueue = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    waiting: Type.Integer({ minimum: 0, description: 'Calls waiting in it now' }),
    longestWaitS: nullable(Type.Integer({ minimum: 0, description: 'Seconds the call waiting longest has waited, at `at`; null: none waiting' })),
    oldestQueuedAt: nullable(Type.String({ description: 'When that call (re-)entered the queue: the longest wait ticks from here' })),
    availableAgents: Type.Integer({ minimum: 0, description: 'Its members available to answer now' }),
    signedIn: Type.Integer({ minimum: 0, description: 'Its members signed in (any presence but offline)' }),
  },
  Closed,
);
export type BoardQueue = Static<typeof BoardQueue>;

export const Board = Type.Object(
  {
    at: Type.String({ description: "The server's clock when read: timers tick from here" }),
    queues: Type.Array(BoardQueue, { description: "Every active queue (and an inactive one with calls waiting), in the deployment's order" }),
    agents: Type.Array(BoardAgent),
    calls: Type.Array(BoardCall, { description: 'Every live call (waiting, active, on hold), oldest first' }),
  },
  { ...Closed, description: 'The supervisor board: every queue, agent and live call at a glance' },
);
export type Board = Static<typeof Board>;
