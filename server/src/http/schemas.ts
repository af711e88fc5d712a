// Shared TypeBox schemas: they validate requests and document the API in /openapi.json.
import { Type, type Static } from 'typebox';

export const ErrorBody = Type.Object(
  { code: Type.String(), message: Type.String() },
  { description: 'Every error: a stable code and a human sentence.' },
);
export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
export type IdParams = Static<typeof IdParams>;

const Loose = { additionalProperties: true } as const;
const nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const JoinInfo = Type.Object(
  { token: Type.String(), livekitUrl: Type.String(), room: Type.String() },
  { description: 'What a browser needs to join the LiveKit room.' },
);

export const TransferView = Type.Object(
  {
    id: Type.String(),
    callId: Type.String(),
    state: Type.String({ description: 'ringing | consulting | introducing | completed | cancelled | declined | timed_out | failed | caller_left' }),
    summary: Type.Union([Type.Object({ text: Type.String(), provider: Type.String() }), Type.Null()]),
    requestedAt: Type.String(),
    acceptedAt: nullable(Type.String()),
    completedAt: nullable(Type.String()),
    endedAt: nullable(Type.String()),
    failReason: nullable(Type.String()),
  },
  Loose,
);

export const CallView = Type.Object(
  {
    id: Type.String(),
    room: Type.String(),
    state: Type.String({ description: 'waiting | active | on_hold | ended' }),
    callerName: Type.String(),
    agentId: nullable(Type.String()),
    agentName: nullable(Type.String()),
    queuePosition: Type.Union([Type.Integer(), Type.Null()]),
    callerReconnecting: Type.Boolean({ description: "The caller's connection dropped; they keep their place for RECONNECT_GRACE_S" }),
    agentReconnecting: Type.Boolean({ description: "The agent's connection dropped; the caller hears hold music for up to RECONNECT_GRACE_S" }),
    timeline: Type.Array(Type.Object({ at: Type.String(), type: Type.String() }, Loose)),
  },
  Loose,
);

export const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, ErrorBody]));

/** OpenAPI security for agent routes: bearer token or the session cookie. */
export const AGENT_SECURITY: { [label: string]: string[] }[] = [{ bearer: [] }, { cookie: [] }];
