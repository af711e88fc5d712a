// Queue transfers and blind transfers in the pure domain: the call's requeue and release, the
// blind transfer's moves, and who the room holds meanwhile (issue 12).
import { describe, expect, it } from 'vitest';
import { decideCall, type CallSnapshot, type CallState } from '../../src/domain/call.js';
import { entitledMembers, entitlement, HELD, LIVE, roomFixes, type RoomRecord } from '../../src/domain/room-policy.js';
import { decideTransfer, type TransferEvent, type TransferSnapshot, type TransferState } from '../../src/domain/transfer.js';

const A = 'agent-a';
const B = 'agent-b';
const C = 'agent-c';
const call = (state: CallState, agentId: string | null = state === 'waiting' ? null : A): CallSnapshot => ({
  state,
  agentId,
  phoneTransferId: null,
  holdCount: 0,
  endReason: null,
  queueId: 'general',
  front: false,
});
const blind = (state: TransferState): TransferSnapshot => ({
  id: 't1',
  state,
  fromAgentId: A,
  targetType: 'agent',
  targetAgentId: B,
  failReason: null,
  talkTo: 'target',
  mode: 'blind',
});
const requeue = { type: 'call', event: { type: 'requeue', agentId: null } };
const toB = { type: 'call', event: { type: 'handover', toAgentId: B } };

describe('the call goes back to a queue (requeue)', () => {
  it('from active or on hold: waiting in the target queue at the front, the agent removed, the caller alone and live', () => {
    for (const state of ['active', 'on_hold'] as const) {
      const d = decideCall(call(state), { type: 'requeue', agentId: A, queueId: 'billing' });
      expect(d).toMatchObject({ ok: true, changed: true, next: { state: 'waiting', agentId: null, queueId: 'billing', front: true } });
      expect(d.ok && d.effects).toEqual([
        { type: 'remove_agent', agentId: A },
        { type: 'caller_media', mode: 'live' },
      ]);
    }
  });

  it('without a queue it stays in its own; with nobody on it (a blind ring ended) nobody is removed', () => {
    const d = decideCall({ ...call('on_hold', null), queueId: 'technical' }, { type: 'requeue', agentId: null });
    expect(d).toMatchObject({ ok: true, next: { state: 'waiting', queueId: 'technical', front: true } });
    expect(d.ok && d.effects).toEqual([{ type: 'caller_media', mode: 'live' }]);
  });

  it('only the agent on the call may send it, and never a waiting or ended call', () => {
    expect(decideCall(call('active'), { type: 'requeue', agentId: B, queueId: 'billing' })).toMatchObject({ ok: false, code: 'forbidden' });
    expect(decideCall(call('waiting'), { type: 'requeue', agentId: A, queueId: 'billing' })).toMatchObject({ ok: false, code: 'call_conflict' });
    expect(decideCall(call('ended'), { type: 'requeue', agentId: A, queueId: 'billing' })).toMatchObject({ ok: false, code: 'call_conflict' });
  });

  it('answering a re-queued call takes it off the front; an agent dropping puts it back there', () => {
    const waiting = { ...call('waiting'), front: true };
    expect(decideCall(waiting, { type: 'accept', agentId: C })).toMatchObject({ ok: true, next: { state: 'active', agentId: C, front: false } });
    expect(decideCall(call('active'), { type: 'agent_left', agentId: A })).toMatchObject({ ok: true, next: { state: 'waiting', front: true } });
  });

  it('two agents accepting the re-queued call: the second is told it is taken', () => {
    const d = decideCall({ ...call('waiting'), front: true }, { type: 'accept', agentId: B });
    const taken = d.ok ? d.next : call('active', B);
    expect(decideCall(taken, { type: 'accept', agentId: C })).toMatchObject({ ok: false, code: 'call_already_taken' });
  });
});

describe('release (a blind transfer begins)', () => {
  it('the agent leaves first, then the caller is held with nobody', () => {
    const d = decideCall(call('active'), { type: 'release', agentId: A });
    expect(d).toMatchObject({ ok: true, changed: true, next: { state: 'on_hold', agentId: null } });
    expect(d.ok && d.effects).toEqual([
      { type: 'remove_agent', agentId: A },
      { type: 'caller_media', mode: 'held' },
    ]);
  });

  it('only the agent on a live call can release it', () => {
    expect(decideCall(call('active'), { type: 'release', agentId: B })).toMatchObject({ ok: false, code: 'forbidden' });
    for (const state of ['waiting', 'ended'] as const) {
      expect(decideCall(call(state), { type: 'release', agentId: A })).toMatchObject({ ok: false, code: 'call_conflict' });
    }
  });
});

describe('blind transfer', () => {
  it('B accepting completes it at once: the call is handed to B, no consultation; again is a no-op', () => {
    const d = decideTransfer(blind('ringing'), { type: 'accept', agentId: B });
    expect(d).toMatchObject({ ok: true, changed: true, next: { state: 'completed' } });
    expect(d.ok && d.effects).toEqual([toB]);
    expect(decideTransfer(blind('completed'), { type: 'accept', agentId: B })).toMatchObject({ ok: true, changed: false });
    expect(decideTransfer(blind('ringing'), { type: 'accept', agentId: C })).toMatchObject({ ok: false, code: 'forbidden' });
  });

  it('declined, timed out or B offline: the call goes back to the front of its queue (A is gone)', () => {
    const cases: [TransferEvent, TransferState, string][] = [
      [{ type: 'decline', agentId: B }, 'declined', 'declined'],
      [{ type: 'timeout' }, 'timed_out', 'no_answer'],
      [{ type: 'target_offline' }, 'failed', 'target_offline'],
    ];
    for (const [event, state, failReason] of cases) {
      const d = decideTransfer(blind('ringing'), event);
      expect(d, event.type).toMatchObject({ ok: true, next: { state, failReason } });
      expect(d.ok && d.effects, event.type).toEqual([requeue]);
    }
  });

  it('the caller hanging up while B rings ends the transfer and the call', () => {
    const d = decideTransfer(blind('ringing'), { type: 'caller_left', hungUp: true });
    expect(d).toMatchObject({ ok: true, next: { state: 'caller_left', failReason: 'caller_left' } });
    expect(d.ok && d.effects).toEqual([{ type: 'call', event: { type: 'hangup', by: { kind: 'caller' } } }]);
    // B's accept after that is refused.
    expect(decideTransfer(blind('caller_left'), { type: 'accept', agentId: B })).toMatchObject({ ok: false, code: 'call_conflict' });
  });

  it('A cannot cancel, complete or switch focus (A has left); A dropping changes nothing', () => {
    expect(decideTransfer(blind('ringing'), { type: 'cancel', agentId: A })).toMatchObject({ ok: false, code: 'call_conflict' });
    expect(decideTransfer(blind('ringing'), { type: 'complete', agentId: A, introduce: false })).toMatchObject({ ok: false, code: 'call_conflict' });
    expect(decideTransfer(blind('ringing'), { type: 'talk_to', agentId: A, talkTo: 'caller' })).toMatchObject({ ok: false, code: 'call_conflict' });
    expect(decideTransfer(blind('ringing'), { type: 'agent_left', agentId: A })).toMatchObject({ ok: true, changed: false });
  });

  it('a warm transfer is unchanged: decline gives the caller back to A', () => {
    const d = decideTransfer({ ...blind('ringing'), mode: 'warm' }, { type: 'decline', agentId: B });
    expect(d.ok && d.effects).toEqual([{ type: 'call', event: { type: 'resume', agentId: A } }]);
  });
});

describe('room entitlements of a blind transfer', () => {
  const ringing: RoomRecord = {
    call: { id: 'c1', state: 'on_hold', agentId: null, phoneTransferId: null },
    transfer: { id: 't1', state: 'ringing', fromAgentId: A, targetAgentId: B, mode: 'blind' },
  };
  it('while B rings: the caller held, A not entitled (removed if present), B not yet', () => {
    expect(entitlement(ringing, { kind: 'caller' })).toEqual(HELD);
    expect(entitlement(ringing, { kind: 'agent', agentId: A })).toBeNull();
    expect(entitlement(ringing, { kind: 'agent', agentId: B })).toBeNull();
    expect(entitledMembers(ringing)).toEqual([{ member: { kind: 'caller' }, permission: HELD }]);
    const seen = [
      { identity: 'caller:c1', member: { kind: 'caller' } as const, permission: LIVE },
      { identity: `agent:${A}`, member: { kind: 'agent', agentId: A } as const, permission: LIVE },
    ];
    expect(roomFixes(ringing, seen)).toEqual([
      { type: 'set_permission', identity: 'caller:c1', permission: HELD },
      { type: 'remove', identity: `agent:${A}` },
    ]);
  });

  it('from acceptance: B has the call, the caller live with B, A still out', () => {
    const accepted: RoomRecord = { call: { id: 'c1', state: 'active', agentId: B, phoneTransferId: null }, transfer: null };
    expect(entitlement(accepted, { kind: 'caller' })).toEqual(LIVE);
    expect(entitlement(accepted, { kind: 'agent', agentId: B })).toEqual(LIVE);
    expect(entitlement(accepted, { kind: 'agent', agentId: A })).toBeNull();
  });

  it('a re-queued call: the caller alone, live (microphone published for whoever answers), nobody else', () => {
    const waiting: RoomRecord = { call: { id: 'c1', state: 'waiting', agentId: null, phoneTransferId: null }, transfer: null };
    expect(entitledMembers(waiting)).toEqual([{ member: { kind: 'caller' }, permission: LIVE }]);
    expect(entitlement(waiting, { kind: 'agent', agentId: A })).toBeNull();
  });
});
