// Wire types of the Warmline API (JSON; timestamps are ISO strings).

export type CallState = 'waiting' | 'active' | 'on_hold' | 'ended';
export type AgentStatus = 'available' | 'away' | 'busy';
/** offline: chose Available, but no console of theirs has been connected for PRESENCE_OFFLINE_AFTER_S. */
export type PresenceStatus = AgentStatus | 'offline';

export type TransferState =
  | 'ringing'
  | 'consulting'
  | 'introducing'
  | 'completed'
  | 'cancelled'
  | 'declined'
  | 'timed_out'
  | 'failed'
  | 'caller_left';

export const OPEN_TRANSFER_STATES: readonly TransferState[] = ['ringing', 'consulting', 'introducing'];
export const isOpenTransfer = (t: { state: TransferState } | null | undefined): boolean =>
  !!t && OPEN_TRANSFER_STATES.includes(t.state);

export interface TimelineEntry {
  at: string;
  type: string;
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
  target: { type: 'agent'; agentId: string; name: string };
  notes: string;
  summary: Summary | null;
  requestedAt: string;
  acceptedAt: string | null;
  completedAt: string | null;
  endedAt: string | null;
  failReason: string | null;
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
  endReason: string | null;
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
