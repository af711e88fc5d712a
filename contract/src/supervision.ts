// Supervisors: live board, listen-in, whisper, barge (docs/ARCHITECTURE.md "Supervision").

/**
 * listen: the supervisor hears the caller and the agent, nobody hears them;
 * whisper: only the call's agent hears them (a separate coach room the caller is never in);
 * barge: everyone on the call hears them.
 */
export const MONITOR_MODES = ['listen', 'whisper', 'barge'] as const;
export type MonitorMode = (typeof MONITOR_MODES)[number];

/**
 * stopped: the supervisor pressed Stop; call_ended: the call ended; moved_on: the call left the
 * agent it was monitoring (handed over after a transfer, or back to the queue); switched: the
 * supervisor started monitoring another call; left: the supervisor's console stayed out of the
 * call's room longer than the reconnect grace period (closed the tab, lost the network).
 */
export const MONITOR_END_REASONS = ['stopped', 'call_ended', 'moved_on', 'switched', 'left'] as const;
export type MonitorEndReason = (typeof MONITOR_END_REASONS)[number];
