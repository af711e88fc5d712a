// Who may be in a call's room, with which permissions: a pure function of the record.
import { describe, expect, it } from 'vitest';
import { entitledMembers, entitlement, HELD, LIVE, roomFixes, type RoomRecord } from '../../src/domain/room-policy.js';

const A = 'agent-a';
const B = 'agent-b';
const rec = (state: RoomRecord['call']['state'], agentId: string | null, transfer: RoomRecord['transfer'] = null): RoomRecord => ({
  call: { id: 'c1', state, agentId, phoneTransferId: null },
  transfer,
});
const caller = { kind: 'caller' } as const;
const agent = (agentId: string) => ({ kind: 'agent', agentId }) as const;

describe('room entitlements', () => {
  it('a waiting caller is alone in the room: no agent is entitled, so their open microphone reaches no one', () => {
    expect(entitlement(rec('waiting', null), caller)).toEqual(LIVE);
    expect(entitlement(rec('waiting', null), agent(A))).toBeNull();
  });

  it('the caller and the agent talk; on hold the caller neither hears nor is heard', () => {
    expect(entitlement(rec('active', A), caller)).toEqual(LIVE);
    expect(entitlement(rec('active', A), agent(A))).toEqual(LIVE);
    expect(entitlement(rec('on_hold', A), caller)).toEqual(HELD);
    expect(entitlement(rec('on_hold', A), agent(A))).toEqual(LIVE);
    expect(entitlement(rec('active', A), agent(B))).toBeNull();
  });

  it('B is let in only once they accept; A stays while the transfer is open', () => {
    const ringing = rec('on_hold', A, { id: 't1', state: 'ringing', fromAgentId: A, targetAgentId: B });
    expect(entitlement(ringing, agent(B))).toBeNull();
    const consulting = rec('on_hold', A, { id: 't1', state: 'consulting', fromAgentId: A, targetAgentId: B });
    expect(entitlement(consulting, agent(B))).toEqual(LIVE);
    expect(entitlement(consulting, caller)).toEqual(HELD);
    const introducing = rec('active', B, { id: 't1', state: 'introducing', fromAgentId: A, targetAgentId: B });
    expect(entitledMembers(introducing).map((m) => m.member)).toEqual([caller, agent(B), agent(A)]);
  });

  it('after completion A is out; after the call ends nobody is entitled', () => {
    expect(entitlement(rec('active', B), agent(A))).toBeNull();
    expect(entitledMembers(rec('ended', B))).toEqual([]);
  });

  it('fixes: strangers and removed agents are removed, wrong permissions corrected, the rest left alone', () => {
    const r = rec('on_hold', A, { id: 't1', state: 'consulting', fromAgentId: A, targetAgentId: B });
    const fixes = roomFixes(r, [
      { identity: 'caller:c1', member: caller, permission: LIVE },
      { identity: `agent:${A}`, member: agent(A), permission: LIVE },
      { identity: `agent:${B}`, member: agent(B), permission: HELD },
      { identity: 'agent:old', member: agent('old'), permission: LIVE },
      { identity: 'someone', member: null, permission: HELD },
    ]);
    expect(fixes).toEqual([
      { type: 'set_permission', identity: 'caller:c1', permission: HELD },
      { type: 'set_permission', identity: `agent:${B}`, permission: LIVE },
      { type: 'remove', identity: 'agent:old' },
      { type: 'remove', identity: 'someone' },
    ]);
  });
});

describe('a phone specialist in the room', () => {
  const phone = { kind: 'phone', transferId: 't1' } as const;
  it('is let in once the phone answered (consulting), never while it rings, and stays as the one who has the caller', () => {
    const t = (state: 'ringing' | 'consulting' | 'introducing') => ({ id: 't1', state, fromAgentId: A, targetAgentId: null });
    expect(entitlement(rec('on_hold', A, t('ringing')), phone)).toBeNull();
    expect(entitlement(rec('on_hold', A, t('consulting')), phone)).toEqual(LIVE);
    expect(entitlement(rec('on_hold', A, t('consulting')), caller)).toEqual(HELD);
    const handed: RoomRecord = { call: { id: 'c1', state: 'active', agentId: null, phoneTransferId: 't1' }, transfer: null };
    expect(entitlement(handed, phone)).toEqual(LIVE);
    expect(entitlement(handed, { kind: 'phone', transferId: 't2' })).toBeNull();
    expect(entitlement(handed, agent(A))).toBeNull();
    expect(entitledMembers(handed).map((m) => m.member)).toEqual([caller, phone]);
  });
});
