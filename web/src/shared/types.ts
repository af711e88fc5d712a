// Wire types of the Warmline API (JSON; timestamps are ISO strings). They are not written here:
// each is the `Static` type of the TypeBox schema the server validates and documents with
// (server/src/http/schemas.ts), imported with `import type`, which the bundler erases, so the
// browser gets no schema code and no field is typed twice. Names (states, reasons, events)
// come from @warmline/contract, the lists the server sends from.
import { isOpenTransferState, type ChosenAwayReason, type TransferState } from '@warmline/contract';
import type { AgentHome, Dispositions, JoinInfo, PublicConfig, QueueStats } from '../../../server/src/http/schemas';

export type {
  AgentRole,
  AwayReason,
  CallState,
  EndReason,
  EngagementKind,
  PresenceStatus,
  TimelineEvent,
  TransferFailReason,
  TransferMode,
  TransferState,
} from '@warmline/contract';
export type {
  CallerCallView,
  CallView,
  Engagement,
  Presence,
  PublicConfig,
  TimelineEntry,
  Topic,
  TransferView,
  WrapUpView,
} from '../../../server/src/http/schemas';

/** GET /api/agents/me. */
export type Me = AgentHome;
export type Agent = Me['agent'];
export type Summary = NonNullable<Me['incomingTransfers'][number]['summary']>;
export type RoomGrant = JoinInfo;

export const isOpenTransfer = (t: { state: TransferState } | null | undefined): boolean => !!t && isOpenTransferState(t.state);

/** GET /api/dispositions. */
export type DispositionList = Dispositions;
/** What the agent may choose (POST /api/agents/me/status). */
export type StatusChoice = { status: 'available' } | { status: 'away'; reason: ChosenAwayReason };

/** GET /api/config's phone settings; null: phones are not configured. */
export type PhoneConfig = PublicConfig['phone'];

// Two shapes are declared inline in their routes, so they are written out here: who a transfer
// rings (the `target` of POST /api/calls/{id}/transfers) and POST /api/calls's answer.
export type TransferTarget = { type: 'agent'; agentId: string } | { type: 'phone'; number: string } | { type: 'queue'; queueId: string };

/** GET /api/queues (agent): each queue at a glance; `mine`: the agent is one of its agents. */
export type QueueStat = QueueStats;

export interface CreatedCall extends RoomGrant {
  id: string;
  callerKey: string;
}
