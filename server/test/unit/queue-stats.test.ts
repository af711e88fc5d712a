// The queue stats rule (domain/queue-stats.ts), which GET /api/queues, the supervisor board and
// the consoles' queue events all use.
import { describe, expect, it } from 'vitest';
import { queueStats, queuesOf } from '../../src/domain/queue-stats.js';

const queues = [
  { id: 'billing', name: 'Billing', position: 1, active: true },
  { id: 'general', name: 'General', position: 0, active: true },
  { id: 'old', name: 'Old', position: 2, active: false },
  { id: 'gone', name: 'Gone', position: 3, active: false },
];
const now = new Date('2026-11-27T10:00:00Z');
const ago = (s: number) => new Date(now.getTime() - s * 1000);

describe('queue stats', () => {
  it('counts waiting calls, the longest wait in whole seconds, available and signed-in members per queue', () => {
    const rows = queueStats(
      queues,
      [
        { queueId: 'billing', queuedAt: ago(12.7) },
        { queueId: 'billing', queuedAt: ago(3) },
        { queueId: 'old', queuedAt: ago(1) },
      ],
      [
        { status: 'available', queues: [] }, // general
        { status: 'available', queues: ['billing', 'general'] },
        { status: 'on_call', queues: ['billing'] },
        { status: 'offline', queues: ['billing'] },
        { status: 'away', queues: [] },
      ],
      now,
    );
    expect(rows).toEqual([
      { id: 'general', name: 'General', waiting: 0, longestWaitS: null, oldestQueuedAt: null, availableAgents: 2, signedIn: 3 },
      { id: 'billing', name: 'Billing', waiting: 2, longestWaitS: 12, oldestQueuedAt: ago(12.7), availableAgents: 1, signedIn: 2 },
      // inactive, but a call still waits in it; 'gone' (inactive, empty) is not listed
      { id: 'old', name: 'Old', waiting: 1, longestWaitS: 1, oldestQueuedAt: ago(1), availableAgents: 0, signedIn: 0 },
    ]);
  });

  it('a call queued a moment in the future (clock skew between instances) waits 0 s, not less', () => {
    const [row] = queueStats([queues[1]!], [{ queueId: 'general', queuedAt: ago(-0.5) }], [], now);
    expect(row?.longestWaitS).toBe(0);
  });

  it('an agent with no queue belongs to general', () => {
    expect(queuesOf([])).toEqual(['general']);
    expect(queuesOf(['billing'])).toEqual(['billing']);
  });
});
