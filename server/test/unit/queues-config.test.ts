// QUEUES: the deployment's queues, read at start-up; every bad entry is named.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { parseQueues } from '../../src/config-queues.js';

describe('QUEUES', () => {
  it('unset: null (the stored queues stay); set: id:name pairs in order, spaces trimmed, a bare id named by itself', () => {
    expect(parseQueues(undefined, [])).toBeNull();
    const problems: string[] = [];
    expect(parseQueues(' billing:Billing , technical: Technical support,vip', problems)).toEqual([
      { id: 'billing', name: 'Billing' },
      { id: 'technical', name: 'Technical support' },
      { id: 'vip', name: 'vip' },
    ]);
    expect(problems).toEqual([]);
  });

  it('a bad id, an empty name or a repeated id is a start-up error that names it', () => {
    const problems: string[] = [];
    parseQueues('Billing:Billing,ok:,a b:x,dup:One,dup:Two', problems);
    expect(problems).toEqual([
      expect.stringMatching(/"Billing" is not a queue id/),
      expect.stringMatching(/name of "ok"/),
      expect.stringMatching(/"a b" is not a queue id/),
      expect.stringMatching(/"dup" is listed twice/),
    ]);
    expect(() => loadConfig({ NODE_ENV: 'test', QUEUES: 'Bad Id:x' })).toThrow(/QUEUES/);
    expect(loadConfig({ NODE_ENV: 'test', QUEUES: 'billing:Billing' }).queues).toEqual([{ id: 'billing', name: 'Billing' }]);
  });
});
