// What an agent chooses (stored) and what everyone sees (derived from calls, transfers, wrap-ups
// and open consoles, by one query: server/src/store/agents-repo.ts).

export const AGENT_STATUSES = ['available', 'away'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

/** Why an agent is away: chosen by them from CHOSEN_AWAY_REASONS, or `missed` (a transfer rang out unanswered). */
export const AWAY_REASONS = ['break', 'lunch', 'meeting', 'training', 'other', 'missed'] as const;
export type AwayReason = (typeof AWAY_REASONS)[number];
export const CHOSEN_AWAY_REASONS = ['break', 'lunch', 'meeting', 'training', 'other'] as const satisfies readonly AwayReason[];
export type ChosenAwayReason = (typeof CHOSEN_AWAY_REASONS)[number];

/**
 * on_call: talking (a live call, a consultation or an introduction); wrap_up: after-call work on
 * the call they just finished or handed over; offline: chose Available but no console open for
 * PRESENCE_OFFLINE_AFTER_S. The first that holds wins, in this order: on_call, wrap_up, away, offline.
 */
export const PRESENCE = [...AGENT_STATUSES, 'wrap_up', 'on_call', 'offline'] as const;
export type PresenceStatus = (typeof PRESENCE)[number];

/** A supervisor reads every call; an agent only the calls they took part in (and the queue). */
export const AGENT_ROLES = ['agent', 'supervisor'] as const;
export type AgentRole = (typeof AGENT_ROLES)[number];
