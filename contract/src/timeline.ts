// Every entry type the server writes to a call's timeline (call_events.type); nothing else is sent.

export const TIMELINE_EVENTS = [
  // the call (services/calls.ts, services/apply-events.ts)
  'created',
  'accepted',
  'held',
  'resumed',
  'ended',
  'agent_dropped',
  'handed_over',
  // back to a queue, at the front (a queue transfer, or a blind transfer nobody took): detail queueId, queueName
  'requeued',
  // wrap-up (services/wrap-ups.ts): done (by the agent or the timeout), a disposition given later
  'wrapped_up',
  'disposition_set',
  // the transfer (services/transfers.ts, services/apply-events.ts)
  'transfer_requested',
  'summary_ready',
  'transfer_accepted',
  'transfer_introducing',
  'transfer_completed',
  'transfer_cancelled',
  'transfer_declined',
  'transfer_timed_out',
  'transfer_failed',
  'transfer_caller_left',
  // a phone leg, as Twilio reports it (services/phone-*.ts)
  'phone_dialed',
  'phone_ringing',
  'phone_answered',
  'phone_connected',
  'phone_ended',
  // the room, as LiveKit reports it (services/room-events.ts)
  'caller_joined',
  'agent_joined',
  'caller_disconnected',
  'agent_disconnected',
  // supervision (services/supervision.ts; the supervisor's connection, services/room-events.ts)
  'monitor_started',
  'monitor_changed',
  'monitor_ended',
  'supervisor_joined',
  'supervisor_disconnected',
] as const;
export type TimelineEvent = (typeof TIMELINE_EVENTS)[number];
