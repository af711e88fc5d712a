// Wire types of the Warmline API (JSON; timestamps are ISO strings). They are not written here:
// each is the `Static` type of the TypeBox schema the server validates and documents with
// (server/src/http/schemas.ts), imported with `import type`, which the bundler erases, so the
// browser gets no schema code and no field is typed twice. Names (states, reasons, events)
// come from @warmline/contract, the lists the server sends from.
import { isOpenTransferState, type TransferState } from '@warmline/contract';
import type { AgentHome, JoinInfo } from '../../../server/src/http/schemas';

export type {
  CallState,
  EndReason,
  EngagementKind,
  PresenceStatus,
  TimelineEvent,
  TransferFailReason,
  TransferState,
} from '@warmline/contract';
export type {
  CallerCallView,
  CallView,
  Engagement,
  Presence,
  TimelineEntry,
  TransferView,
} from '../../../server/src/http/schemas';

/** GET /api/agents/me. */
export type Me = AgentHome;
export type Agent = Me['agent'];
export type Summary = NonNullable<Me['incomingTransfers'][number]['summary']>;
export type RoomGrant = JoinInfo;

export const isOpenTransfer = (t: { state: TransferState } | null | undefined): boolean => !!t && isOpenTransferState(t.state);

// POST /api/calls and GET /api/config declare their bodies inline in their routes (or not at
// all); they are the two shapes still written out here.
export interface CreatedCall extends RoomGrant {
  id: string;
  callerKey: string;
}

export interface PublicConfig {
  devMode: boolean;
  transferRingTimeoutS: number;
}
