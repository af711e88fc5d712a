// Wire types of the Warmline API (JSON; timestamps are ISO strings). Every state, reason and
// event name comes from @warmline/contract, the list the server sends from (contract/src/).
import {
  isOpenTransferState,
  type CallState,
  type EndReason,
  type PresenceStatus,
  type TimelineEvent,
  type TransferFailReason,
  type TransferState,
  type TransferTargetType,
} from '@warmline/contract';

export type { CallState, EndReason, PresenceStatus, TimelineEvent, TransferFailReason, TransferState };

export const isOpenTransfer = (t: { state: TransferState } | null | undefined): boolean => !!t && isOpenTransferState(t.state);

export interface TimelineEntry {
  at: string;
  type: TimelineEvent;
  detail: Record<string, unknown>;
}

export interface Summary {
  text: string;
  provider: string;
}

export interface TransferView {
  id: string;
  callId: string;
  state: TransferState;
  fromAgent: { id: string; name: string };
  target: { type: TransferTargetType; agentId: string; name: string };
  notes: string;
  summary: Summary | null;
  requestedAt: string;
  acceptedAt: string | null;
  completedAt: string | null;
  endedAt: string | null;
  failReason: TransferFailReason | null;
  ringDeadline: string;
  call: { id: string; callerName: string; reason: string; answeredAt: string | null };
}

export interface CallView {
  id: string;
  room: string;
  state: CallState;
  callerName: string;
  reason: string;
  agentId: string | null;
  agentName: string | null;
  createdAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  endReason: EndReason | null;
  notes: string;
  queuePosition: number | null;
  holdCount: number;
  /** Dropped and inside the reconnect grace period. */
  callerReconnecting: boolean;
  agentReconnecting: boolean;
  timeline: TimelineEntry[];
  transfer: TransferView | null;
}

export interface RoomGrant {
  token: string;
  livekitUrl: string;
  room: string;
}

export interface CreatedCall extends RoomGrant {
  id: string;
  callerKey: string;
}

export interface Agent {
  id: string;
  name: string;
  email: string;
  status: PresenceStatus;
}

export interface Me {
  agent: Agent;
  currentCall: CallView | null;
  incomingTransfers: TransferView[];
  outgoingTransfer: TransferView | null;
}

export interface Presence {
  id: string;
  name: string;
  status: PresenceStatus;
}

export interface PublicConfig {
  devMode: boolean;
  transferRingTimeoutS: number;
}

/** What the caller's own page receives (X-Caller-Key): progress only, no notes, summary or timeline. */
export type CallerCallView = Pick<
  CallView,
  'id' | 'room' | 'state' | 'callerName' | 'agentName' | 'createdAt' | 'answeredAt' | 'endedAt' | 'endReason' | 'agentReconnecting' | 'queuePosition'
>;
