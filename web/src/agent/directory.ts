// The transfer directory's filtering, as a pure function: one search box over colleagues (by
// name), queues (by name) and a phone number. No React, no DOM, no relative imports (the unit
// test in server/test/unit/ imports it), only the contract's names.
import type { AwayReason, PresenceStatus } from '@warmline/contract';

export interface DirectoryAgent {
  id: string;
  name: string;
  status: PresenceStatus;
  awayReason: AwayReason | null;
}

export interface DirectoryQueue {
  id: string;
  name: string;
  waiting: number;
  /** null: nobody waiting. */
  longestWaitS: number | null;
  availableAgents: number;
  mine: boolean;
}

export type AgentEntry = DirectoryAgent & { kind: 'agent'; key: string; selectable: boolean };
export type QueueEntry = DirectoryQueue & { kind: 'queue'; key: string; selectable: true };
/** "Phone number…": opens the number field, prefilled with `number` when the query is one. */
export type PhoneEntry = { kind: 'phone'; key: 'phone'; number: string; selectable: boolean };
export type DirectoryEntry = AgentEntry | QueueEntry | PhoneEntry;

export interface DirectoryInput {
  query: string;
  agents: readonly DirectoryAgent[];
  queues: readonly DirectoryQueue[];
  /** The signed-in agent: never listed. */
  myId: string;
  /** Phone transfers possible (configured, something dialable); false lists the entry disabled. */
  phoneAllowed: boolean;
}

export interface DirectoryResult {
  agents: AgentEntry[];
  queues: QueueEntry[];
  phone: PhoneEntry;
  /** Every entry in the order shown (arrow keys walk this): phone first when the query is a number. */
  ordered: DirectoryEntry[];
}

/** Lower case, accents off, spaces squeezed: "  Zoë  O'Neil" → "zoe o'neil". */
export function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * How well `name` matches the folded query: 0 the name starts with it, 1 a word of it does,
 * 2 it is inside the name, null no match. An empty query matches everything (0).
 */
export function matchRank(name: string, foldedQuery: string): 0 | 1 | 2 | null {
  if (!foldedQuery) return 0;
  const n = fold(name);
  if (n.startsWith(foldedQuery)) return 0;
  if (n.split(/[\s\-'’.]+/).some((w) => w.startsWith(foldedQuery))) return 1;
  if (n.includes(foldedQuery)) return 2;
  return null;
}

/** The query is a phone number being typed: only digits and + ( ) - . / spaces, at least 3 digits. */
export function looksLikeNumber(query: string): boolean {
  const q = query.trim();
  return /^\+?[\d\s().\-/]+$/.test(q) && (q.match(/\d/g)?.length ?? 0) >= 3;
}

const PRESENCE_ORDER: Record<PresenceStatus, number> = { available: 0, wrap_up: 1, on_call: 2, away: 3, offline: 4 };

/**
 * What the directory lists for a query. Colleagues: only `available` ones are selectable; the
 * others stay listed (disabled, with their presence as the reason); available first, then the
 * better match, then by name. Queues: better match first, then the agent's own, then by name.
 * A query that looks like a number matches no name: the phone entry leads, prefilled with it.
 */
export function filterDirectory({ query, agents, queues, myId, phoneAllowed }: DirectoryInput): DirectoryResult {
  const number = looksLikeNumber(query);
  const q = number ? '' : fold(query);
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

  const agentEntries = number
    ? []
    : agents
        .filter((a) => a.id !== myId)
        .map((a) => ({ a, rank: matchRank(a.name, q) }))
        .filter((x): x is { a: DirectoryAgent; rank: 0 | 1 | 2 } => x.rank !== null)
        .sort((x, y) => Number(x.a.status !== 'available') - Number(y.a.status !== 'available') || x.rank - y.rank || PRESENCE_ORDER[x.a.status] - PRESENCE_ORDER[y.a.status] || byName(x.a, y.a))
        .map(({ a }): AgentEntry => ({ ...a, kind: 'agent', key: `agent:${a.id}`, selectable: a.status === 'available' }));

  const queueEntries = number
    ? []
    : queues
        .map((qu) => ({ qu, rank: matchRank(qu.name, q) }))
        .filter((x): x is { qu: DirectoryQueue; rank: 0 | 1 | 2 } => x.rank !== null)
        .sort((x, y) => x.rank - y.rank || Number(y.qu.mine) - Number(x.qu.mine) || byName(x.qu, y.qu))
        .map(({ qu }): QueueEntry => ({ ...qu, kind: 'queue', key: `queue:${qu.id}`, selectable: true }));

  const phone: PhoneEntry = { kind: 'phone', key: 'phone', number: number ? query.trim() : '', selectable: phoneAllowed };
  const ordered: DirectoryEntry[] = number ? [phone] : [...agentEntries, ...queueEntries, phone];
  return { agents: agentEntries, queues: queueEntries, phone, ordered };
}

/**
 * The next entry the arrow keys land on from `current` (a key, or null: nothing active yet),
 * `step` +1 (down) or -1 (up), wrapping around. Disabled entries are landed on too (their
 * reason is read out), as the ARIA listbox pattern allows.
 */
export function stepActive(ordered: readonly DirectoryEntry[], current: string | null, step: 1 | -1): string | null {
  if (ordered.length === 0) return null;
  const at = current === null ? -1 : ordered.findIndex((e) => e.key === current);
  if (at === -1) return (step === 1 ? ordered[0] : ordered[ordered.length - 1])!.key;
  return ordered[(at + step + ordered.length) % ordered.length]!.key;
}

/** Why a colleague cannot take a transfer now, in a few words (their presence badge says which state); null: they can. */
export function unavailableWhy(a: Pick<DirectoryAgent, 'status' | 'awayReason'>): string | null {
  switch (a.status) {
    case 'available':
      return null;
    case 'on_call':
      return 'busy on a call';
    case 'wrap_up':
      return 'finishing a call';
    case 'offline':
      return 'console closed';
    case 'away':
      return a.awayReason === 'missed' ? 'missed a transfer, not back yet' : 'stepped away';
  }
}

/** Milliseconds the longest-waiting caller of `q` has waited by `now`, from a read at `fetchedAt` (0: nobody waits). */
export function longestWaitMs(q: Pick<DirectoryQueue, 'waiting' | 'longestWaitS'>, fetchedAt: number, now: number): number {
  return q.waiting > 0 && q.longestWaitS !== null ? q.longestWaitS * 1000 + Math.max(0, now - fetchedAt) : 0;
}

/** How long is too long, as the queue colours it: over 45 s warm, over 2 min late. */
export function waitUrgency(ms: number): 'fresh' | 'warm' | 'late' {
  return ms > 120_000 ? 'late' : ms > 45_000 ? 'warm' : 'fresh';
}
