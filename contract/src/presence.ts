// What an agent chooses (stored) and what everyone sees (derived from calls, transfers and open consoles).

export const AGENT_STATUSES = ['available', 'away'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

/** busy: on a live call or consulting; offline: chose Available but no console open for PRESENCE_OFFLINE_AFTER_S. */
export const PRESENCE = [...AGENT_STATUSES, 'busy', 'offline'] as const;
export type PresenceStatus = (typeof PRESENCE)[number];
