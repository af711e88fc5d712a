// The console's transfer directory (web/src/agent/directory.ts): what one search box lists for
// what the agent types, in which order, and what can be chosen. Also the console's reading of a
// handed-over call (handoff.ts) and of a timeline entry's detail (timelineFacts.ts).
import { describe, expect, it } from 'vitest';
import {
  filterDirectory,
  fold,
  longestWaitMs,
  looksLikeNumber,
  matchRank,
  stepActive,
  unavailableWhy,
  waitUrgency,
  type DirectoryAgent,
  type DirectoryInput,
  type DirectoryQueue,
} from '../../../web/src/agent/directory.js';
import { handoffKind, handoffOf, queuedSince, requeuedBy, requeuedWhy } from '../../../web/src/agent/handoff.js';
import { isRawId, readableDetail } from '../../../web/src/agent/timelineFacts.js';

const agents: DirectoryAgent[] = [
  { id: 'me', name: 'Alice Martin', status: 'available', awayReason: null },
  { id: 'b', name: 'Bob Stone', status: 'available', awayReason: null },
  { id: 'c', name: 'Carol Bobbitt', status: 'on_call', awayReason: null },
  { id: 'd', name: 'Dana Roberts', status: 'away', awayReason: 'lunch' },
  { id: 'e', name: 'Zoë Ng', status: 'offline', awayReason: null },
  { id: 'f', name: 'Abe Robinson', status: 'wrap_up', awayReason: null },
  { id: 'g', name: 'Bobby Tables', status: 'available', awayReason: null },
];
const queues: DirectoryQueue[] = [
  { id: 'q1', name: 'Billing', waiting: 2, longestWaitS: 95, availableAgents: 1, mine: false },
  { id: 'q2', name: 'Technical support', waiting: 0, longestWaitS: 0, availableAgents: 0, mine: true },
  { id: 'q3', name: 'Bookings', waiting: 1, longestWaitS: 12, availableAgents: 2, mine: false },
];
const input = (query: string, over: Partial<DirectoryInput> = {}): DirectoryInput => ({ query, agents, queues, myId: 'me', phoneAllowed: true, ...over });
const names = (xs: { name: string }[]) => xs.map((x) => x.name);

describe('transfer directory filtering', () => {
  it('an empty query lists every colleague but me (available first), every queue (mine first) and the phone entry last', () => {
    const r = filterDirectory(input(''));
    expect(names(r.agents)).toEqual(['Bob Stone', 'Bobby Tables', 'Abe Robinson', 'Carol Bobbitt', 'Dana Roberts', 'Zoë Ng']);
    expect(r.agents.map((a) => a.selectable)).toEqual([true, true, false, false, false, false]);
    expect(names(r.queues)).toEqual(['Technical support', 'Billing', 'Bookings']);
    expect(r.ordered.at(-1)).toMatchObject({ kind: 'phone', number: '', selectable: true });
    expect(r.ordered).toHaveLength(6 + 3 + 1);
  });

  it('part of a name finds colleagues and queues by name, case-insensitively, better matches first', () => {
    const r = filterDirectory(input('BO'));
    // Bob / Bobby start with it; Carol Bobbitt only has a word that does, and she is on a call.
    expect(names(r.agents)).toEqual(['Bob Stone', 'Bobby Tables', 'Carol Bobbitt']);
    expect(names(r.queues)).toEqual(['Bookings']);
    // A word of the name starting with it counts as much: "rob" starts the surnames Robinson and Roberts.
    expect(names(filterDirectory(input('rob')).agents)).toEqual(['Abe Robinson', 'Dana Roberts']);
    expect(names(filterDirectory(input('ill')).queues)).toEqual(['Billing']);
  });

  it('a queue search finds the queue, not a colleague; the phone entry is always there', () => {
    const r = filterDirectory(input('tech'));
    expect(r.agents).toEqual([]);
    expect(names(r.queues)).toEqual(['Technical support']);
    expect(r.ordered.map((e) => e.kind)).toEqual(['queue', 'phone']);
  });

  it('accents and extra spaces do not matter', () => {
    expect(names(filterDirectory(input('zoe')).agents)).toEqual(['Zoë Ng']);
    expect(names(filterDirectory(input('  bob   stone ')).agents)).toEqual(['Bob Stone']);
    expect(fold('  Zoë  O’Neil ')).toBe('zoe o’neil');
  });

  it('never lists me, even when my name matches', () => {
    expect(names(filterDirectory(input('alice')).agents)).toEqual([]);
  });

  it('a typed number lists only the phone entry, prefilled with it', () => {
    const r = filterDirectory(input(' +44 20 7946 0000 '));
    expect(r.ordered).toEqual([{ kind: 'phone', key: 'phone', number: '+44 20 7946 0000', selectable: true }]);
    expect(filterDirectory(input('555', { phoneAllowed: false })).ordered).toEqual([{ kind: 'phone', key: 'phone', number: '555', selectable: false }]);
  });

  it('tells a number from a name', () => {
    expect(looksLikeNumber('+1 (555) 010-4242')).toBe(true);
    expect(looksLikeNumber('020 7946')).toBe(true);
    expect(looksLikeNumber('12')).toBe(false); // too short to be one yet
    expect(looksLikeNumber('bob 555')).toBe(false);
    expect(looksLikeNumber('')).toBe(false);
  });

  it('nothing matches: only the phone entry is left', () => {
    expect(filterDirectory(input('xyz')).ordered.map((e) => e.kind)).toEqual(['phone']);
  });

  it('ranks a match: start of the name, start of a word, inside; none', () => {
    expect(matchRank('Bob Stone', 'bob')).toBe(0);
    expect(matchRank('Carol Bobbitt', 'bob')).toBe(1);
    expect(matchRank('Jacob Obi', 'cob')).toBe(2);
    expect(matchRank('Dana', 'bob')).toBeNull();
    expect(matchRank('Anyone', '')).toBe(0);
  });
});

describe('transfer directory arrow keys', () => {
  const { ordered } = filterDirectory(input('bo')); // Bob, Bobby, Carol (disabled), Bookings, phone
  const keys = ordered.map((e) => e.key);

  it('down from nothing lands on the first entry, up on the last; both wrap around', () => {
    expect(stepActive(ordered, null, 1)).toBe('agent:b');
    expect(stepActive(ordered, null, -1)).toBe('phone');
    expect(stepActive(ordered, 'phone', 1)).toBe('agent:b');
    expect(stepActive(ordered, 'agent:b', -1)).toBe('phone');
  });

  it('walks every entry in the order shown, disabled ones included (their reason is read out)', () => {
    const walked: string[] = [];
    let k: string | null = null;
    for (let i = 0; i < keys.length; i++) walked.push((k = stepActive(ordered, k, 1))!);
    expect(walked).toEqual(keys);
    expect(walked).toContain('agent:c');
  });

  it('an active entry that the filter removed starts over; an empty list has nothing to land on', () => {
    expect(stepActive(ordered, 'agent:gone', 1)).toBe('agent:b');
    expect(stepActive([], null, 1)).toBeNull();
  });
});

describe('why a colleague cannot be chosen, and how long a queue has waited', () => {
  it('says why in words for every presence but available', () => {
    expect(unavailableWhy({ status: 'available', awayReason: null })).toBeNull();
    expect(unavailableWhy({ status: 'on_call', awayReason: null })).toBe('busy on a call');
    expect(unavailableWhy({ status: 'wrap_up', awayReason: null })).toBe('finishing a call');
    expect(unavailableWhy({ status: 'offline', awayReason: null })).toBe('console closed');
    expect(unavailableWhy({ status: 'away', awayReason: 'lunch' })).toBe('stepped away');
    expect(unavailableWhy({ status: 'away', awayReason: 'missed' })).toBe('missed a transfer, not back yet');
  });

  it('the longest wait ticks on from the moment it was read; nobody waiting is 0', () => {
    expect(longestWaitMs({ waiting: 2, longestWaitS: 95 }, 1_000_000, 1_004_000)).toBe(99_000);
    expect(longestWaitMs({ waiting: 2, longestWaitS: 95 }, 1_000_000, 999_000)).toBe(95_000); // a clock step back never subtracts
    expect(longestWaitMs({ waiting: 0, longestWaitS: null }, 1_000_000, 1_004_000)).toBe(0);
    expect([waitUrgency(45_000), waitUrgency(45_001), waitUrgency(120_001)]).toEqual(['fresh', 'warm', 'late']);
  });
});

describe('a handed-over call', () => {
  const summary = {
    transferId: 't1',
    mode: 'warm' as 'warm' | 'blind',
    targetType: 'agent' as 'agent' | 'queue' | 'phone',
    fromAgent: { id: 'alice', name: 'Alice' },
    notes: 'Needs approval',
    text: 'Wants: a refund',
    provider: 'local',
  };
  const call = (over: object = {}, how: Partial<Pick<typeof summary, 'mode' | 'targetType'>> = {}) => ({
    state: 'active',
    agentId: 'bob',
    createdAt: '2026-01-01T00:00:00Z',
    queue: { name: 'Billing' },
    summary: { ...summary, ...how },
    ...over,
  });

  it("is the new owner's: re-queued, blind or warm, as the summary's own mode and target type say", () => {
    expect(handoffOf(call({}, { mode: 'blind', targetType: 'queue' }), 'bob')).toEqual({
      kind: 'queue',
      title: 'Re-queued to Billing by Alice',
      from: 'Alice',
      notes: 'Needs approval',
    });
    expect(handoffOf(call({}, { mode: 'blind' }), 'bob')).toMatchObject({ kind: 'blind', title: 'Blind transfer from Alice' });
    expect(handoffOf(call(), 'bob')).toMatchObject({ kind: 'warm', title: 'Transferred by Alice' });
    expect(handoffOf(call({}, { targetType: 'phone' }), 'bob')).toMatchObject({ kind: 'warm' });
    // The timeline is not read: an entry that says otherwise changes nothing.
    const misleading = { timeline: [{ at: '', type: 'transfer_requested', detail: { transferId: 't1', mode: 'blind', targetType: 'queue' } }] };
    expect(handoffOf(call(misleading), 'bob')).toMatchObject({ kind: 'warm' });
    expect(handoffKind({ mode: 'blind', targetType: 'queue' })).toBe('queue');
    expect(handoffKind({ mode: 'blind', targetType: 'agent' })).toBe('blind');
    expect(handoffKind({ mode: 'warm', targetType: 'phone' })).toBe('warm');
  });

  it('is not shown to the agent who wrote it, to someone who does not own the call, or without a summary', () => {
    expect(handoffOf(call({ agentId: 'alice' }), 'alice')).toBeNull();
    expect(handoffOf(call(), 'carol')).toBeNull();
    expect(handoffOf(call({ summary: null }), 'bob')).toBeNull();
  });

  it('in the queue: marked with who sent it back and how; a new call is not', () => {
    expect(requeuedBy(call({ state: 'waiting' }))).toBe('Alice');
    expect(requeuedBy(call({ state: 'waiting', summary: null }))).toBeNull();
    expect(requeuedBy(call({ state: 'active' }))).toBeNull();
    expect(requeuedWhy(call({ state: 'waiting' }, { mode: 'blind', targetType: 'queue' }))).toEqual({ kind: 'queue', from: 'Alice', label: 'Re-queued by Alice' });
    expect(requeuedWhy(call({ state: 'waiting' }, { mode: 'blind' }))).toMatchObject({ kind: 'blind', label: 'Blind transfer from Alice, not taken' });
    expect(requeuedWhy(call({ state: 'waiting' }))).toMatchObject({ kind: 'warm', label: 'Back from a transfer by Alice' });
    expect(requeuedWhy(call({ state: 'on_hold' }, { mode: 'blind' }))).toBeNull();
  });

  it('waits since it (re-)entered the queue when the server says so, else since it was created', () => {
    expect(queuedSince({ createdAt: 'a', queuedAt: 'b' })).toBe('b');
    expect(queuedSince({ createdAt: 'a', queuedAt: null })).toBe('a');
    expect(queuedSince({ createdAt: 'a' })).toBe('a');
  });
});

describe("a timeline entry's detail", () => {
  const agentId = '3f2b8c1e-9a4d-4e2f-8b1a-5c6d7e8f9a0b';

  it('names who did it (byName), never their id', () => {
    expect(readableDetail({ by: agentId, byName: 'Alice', queueId: 'billing', queueName: 'Billing' })).toEqual({ by: 'Alice', queueId: 'billing', queueName: 'Billing' });
    expect(readableDetail({ byName: 'Alice' })).toEqual({ by: 'Alice' });
  });

  it('leaves out a raw id it has no name for (an entry written before names were stored)', () => {
    expect(readableDetail({ by: agentId, queueName: 'Billing' })).toEqual({ queueName: 'Billing' });
    expect(readableDetail({ by: ` ${agentId.toUpperCase()} ` })).toEqual({});
    expect(readableDetail({ by: null, reason: 'declined' })).toEqual({ by: null, reason: 'declined' });
    expect(readableDetail({ by: 'caller' })).toEqual({ by: 'caller' }); // words stay
    expect(readableDetail(null)).toEqual({});
    expect([isRawId(agentId), isRawId('caller'), isRawId(42)]).toEqual([true, false, false]);
  });
});
