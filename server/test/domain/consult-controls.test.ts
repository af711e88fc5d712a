// Consult controls: B leaving the consultation, A choosing who they talk to, and what each
// choice means for the room (who is held) and for a phone specialist's bridge.
import { describe, expect, it } from 'vitest';
import { legMode } from '../../src/domain/phone-leg.js';
import { entitledMembers, entitlement, HELD, LIVE, type RoomRecord } from '../../src/domain/room-policy.js';
import { decideTransfer, type TalkTo, type TransferSnapshot, type TransferState } from '../../src/domain/transfer.js';

const A = 'agent-a';
const B = 'agent-b';
const t = (state: TransferState, talkTo: TalkTo = 'target'): TransferSnapshot => ({
  id: 't1', state, fromAgentId: A, targetType: 'agent', targetAgentId: B, failReason: null, talkTo,
});
const p = (state: TransferState, talkTo: TalkTo = 'target'): TransferSnapshot => ({ ...t(state, talkTo), targetType: 'phone', targetAgentId: null });
const hold = { type: 'call', event: { type: 'hold', agentId: A } };
const resume = { type: 'call', event: { type: 'resume', agentId: A } };

describe('B leaves the consultation', () => {
  it('ends the transfer as declined (left_consultation), removes B and gives the caller back to A', () => {
    expect(decideTransfer(t('consulting', 'caller'), { type: 'leave', agentId: B })).toEqual({
      ok: true,
      changed: true,
      next: { ...t('consulting', 'caller'), state: 'declined', failReason: 'left_consultation' },
      effects: [{ type: 'remove_agent', agentId: B }, resume],
    });
  });

  it('a double click changes nothing; only B may leave, and only while consulting', () => {
    const left = { ...t('declined'), failReason: 'left_consultation' as const };
    expect(decideTransfer(left, { type: 'leave', agentId: B })).toMatchObject({ ok: true, changed: false });
    expect(decideTransfer(t('consulting'), { type: 'leave', agentId: A })).toMatchObject({ ok: false, code: 'forbidden' });
    expect(decideTransfer(p('consulting'), { type: 'leave', agentId: B })).toMatchObject({ ok: false, code: 'forbidden' });
    for (const s of ['ringing', 'introducing', 'completed', 'cancelled'] as const) {
      expect(decideTransfer(t(s), { type: 'leave', agentId: B })).toMatchObject({ ok: false, code: 'call_conflict' });
    }
  });
});

describe('A chooses who they talk to', () => {
  it('the caller: the call is resumed (B held by talkTo); B: the call is held again; both: resumed', () => {
    expect(decideTransfer(t('consulting'), { type: 'talk_to', agentId: A, talkTo: 'caller' })).toEqual({
      ok: true, changed: true, next: t('consulting', 'caller'), effects: [resume],
    });
    expect(decideTransfer(t('consulting', 'caller'), { type: 'talk_to', agentId: A, talkTo: 'target' })).toMatchObject({
      next: t('consulting', 'target'), effects: [hold],
    });
    expect(decideTransfer(t('consulting', 'caller'), { type: 'talk_to', agentId: A, talkTo: 'both' })).toMatchObject({
      next: t('consulting', 'both'), effects: [resume],
    });
  });

  it('the same choice twice is a no-op; only A chooses; not before B answers nor after it ends', () => {
    expect(decideTransfer(t('consulting', 'both'), { type: 'talk_to', agentId: A, talkTo: 'both' })).toMatchObject({ ok: true, changed: false });
    expect(decideTransfer(t('consulting'), { type: 'talk_to', agentId: B, talkTo: 'caller' })).toMatchObject({ ok: false, code: 'forbidden' });
    expect(decideTransfer(t('ringing'), { type: 'talk_to', agentId: A, talkTo: 'caller' })).toMatchObject({ ok: false, code: 'call_conflict' });
    expect(decideTransfer(t('completed'), { type: 'talk_to', agentId: A, talkTo: 'caller' })).toMatchObject({ ok: false, code: 'call_conflict' });
    // Introducing is already all three (the call is B's): only "both" is accepted, as a no-op.
    expect(decideTransfer(t('introducing', 'both'), { type: 'talk_to', agentId: A, talkTo: 'both' })).toMatchObject({ ok: true, changed: false });
    expect(decideTransfer(t('introducing', 'both'), { type: 'talk_to', agentId: A, talkTo: 'caller' })).toMatchObject({ ok: false, code: 'call_conflict' });
  });

  it('introducing sets talkTo both; completing while talking to the caller hands over to B as usual', () => {
    expect(decideTransfer(t('consulting', 'caller'), { type: 'complete', agentId: A, introduce: true })).toMatchObject({
      next: { state: 'introducing', talkTo: 'both' },
    });
    expect(decideTransfer(t('consulting', 'caller'), { type: 'complete', agentId: A, introduce: false })).toMatchObject({
      next: { state: 'completed' },
      effects: [{ type: 'remove_agent', agentId: A }, { type: 'call', event: { type: 'handover', toAgentId: B } }],
    });
  });
});

const room = (callState: 'active' | 'on_hold', talkTo: TalkTo, target: string | null = B): RoomRecord => ({
  call: { id: 'c1', state: callState, agentId: A, phoneTransferId: null },
  transfer: { id: 't1', state: 'consulting', fromAgentId: A, targetAgentId: target, talkTo },
});
const caller = { kind: 'caller' } as const;
const agent = (agentId: string) => ({ kind: 'agent', agentId }) as const;
const phone = { kind: 'phone', transferId: 't1' } as const;

describe('who is held, per talkTo (permissions are per participant)', () => {
  it('target: the caller held, A and B live', () => {
    const r = room('on_hold', 'target');
    expect([entitlement(r, caller), entitlement(r, agent(A)), entitlement(r, agent(B))]).toEqual([HELD, LIVE, LIVE]);
  });

  it('caller: B held (neither publishes nor subscribes), the caller and A live', () => {
    const r = room('active', 'caller');
    expect([entitlement(r, caller), entitlement(r, agent(A)), entitlement(r, agent(B))]).toEqual([LIVE, LIVE, HELD]);
    // B is still entitled to stay in the room (held, not removed).
    expect(entitledMembers(r).map((m) => m.member)).toContainEqual(agent(B));
  });

  it('both: everyone live', () => {
    const r = room('active', 'both');
    expect(entitledMembers(r).map((m) => m.permission)).toEqual([LIVE, LIVE, LIVE]);
  });

  it('talking to B holds the caller even if the call record were active (either one alone holds)', () => {
    expect(entitlement(room('active', 'target'), caller)).toEqual(HELD);
  });

  it('a phone specialist follows the same rules, and its bridge plays hold music while held', () => {
    expect(entitlement(room('active', 'caller', null), phone)).toEqual(HELD);
    expect(entitlement(room('on_hold', 'target', null), phone)).toEqual(LIVE);
    expect(entitlement(room('active', 'both', null), phone)).toEqual(LIVE);
    const leg = (talkTo: TalkTo, state: TransferState = 'consulting') =>
      legMode({ role: 'specialist', transferId: 't1', call: { state: 'active', phoneTransferId: null }, transfer: { state, talkTo } });
    expect(leg('caller')).toBe('hold_music');
    expect(leg('target')).toBe('live');
    expect(leg('both')).toBe('live');
    expect(leg('target', 'ringing')).toBe('silent');
  });
});
