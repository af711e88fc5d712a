import { describe, expect, it } from 'vitest';
import { decideCall, type CallEvent, type CallSnapshot, type CallState } from '../../src/domain/call.js';

const A = 'agent-a';
const B = 'agent-b';
const call = (state: CallState, agentId: string | null = state === 'waiting' ? null : A): CallSnapshot => ({
  state,
  agentId,
  phoneTransferId: null,
  holdCount: 0,
  endReason: null,
});

describe('call state machine', () => {
  it('a waiting call is answered by the first agent who accepts, and the caller is made live', () => {
    const d = decideCall(call('waiting'), { type: 'accept', agentId: A });
    expect(d).toMatchObject({ ok: true, changed: true, next: { state: 'active', agentId: A } });
    expect(d.ok && d.effects).toEqual([{ type: 'caller_media', mode: 'live' }]);
  });

  it('a second agent accepting an answered call is told it is taken', () => {
    for (const state of ['active', 'on_hold'] as const) {
      expect(decideCall(call(state), { type: 'accept', agentId: B })).toMatchObject({ ok: false, code: 'call_already_taken' });
    }
  });

  it('the same agent accepting again (double click, page reload) changes nothing', () => {
    expect(decideCall(call('active'), { type: 'accept', agentId: A })).toMatchObject({ ok: true, changed: false });
  });

  it('an ended call cannot be accepted', () => {
    expect(decideCall(call('ended'), { type: 'accept', agentId: A })).toMatchObject({ ok: false, code: 'call_conflict' });
  });

  it('hold silences the caller both ways and counts the hold; resume brings them back', () => {
    const held = decideCall(call('active'), { type: 'hold', agentId: A });
    expect(held).toMatchObject({ ok: true, changed: true, next: { state: 'on_hold', holdCount: 1 } });
    expect(held.ok && held.effects).toEqual([{ type: 'caller_media', mode: 'held' }]);
    const resumed = decideCall(call('on_hold'), { type: 'resume', agentId: A });
    expect(resumed).toMatchObject({ ok: true, next: { state: 'active' } });
    expect(resumed.ok && resumed.effects).toEqual([{ type: 'caller_media', mode: 'live' }]);
  });

  it('holding a held call or resuming an active one is a no-op', () => {
    expect(decideCall(call('on_hold'), { type: 'hold', agentId: A })).toMatchObject({ ok: true, changed: false });
    expect(decideCall(call('active'), { type: 'resume', agentId: A })).toMatchObject({ ok: true, changed: false });
  });

  it('only the agent on the call can hold it', () => {
    expect(decideCall(call('active'), { type: 'hold', agentId: B })).toMatchObject({ ok: false, code: 'forbidden' });
  });

  it('waiting and ended calls cannot be held or resumed', () => {
    for (const state of ['waiting', 'ended'] as const) {
      for (const type of ['hold', 'resume'] as const) {
        expect(decideCall(call(state), { type, agentId: A })).toMatchObject({ ok: false, code: 'call_conflict' });
      }
    }
  });

  it('hang up ends the call from any live state with the right reason and closes the room', () => {
    const cases: [CallState, CallEvent, string][] = [
      ['waiting', { type: 'hangup', by: { kind: 'caller' } }, 'abandoned'],
      ['active', { type: 'hangup', by: { kind: 'caller' } }, 'caller_hung_up'],
      ['on_hold', { type: 'hangup', by: { kind: 'agent', agentId: A } }, 'agent_hung_up'],
      ['active', { type: 'caller_left' }, 'caller_left'],
      ['waiting', { type: 'caller_left' }, 'abandoned'],
    ];
    for (const [state, event, reason] of cases) {
      const d = decideCall(call(state), event);
      expect(d).toMatchObject({ ok: true, changed: true, next: { state: 'ended', endReason: reason } });
      expect(d.ok && d.effects).toEqual([{ type: 'close_room' }]);
    }
  });

  it('hanging up an ended call again is a no-op', () => {
    expect(decideCall(call('ended'), { type: 'hangup', by: { kind: 'caller' } })).toMatchObject({ ok: true, changed: false });
    expect(decideCall(call('ended'), { type: 'caller_left' })).toMatchObject({ ok: true, changed: false });
  });

  it('an agent who is not on the call cannot hang it up', () => {
    expect(decideCall(call('active'), { type: 'hangup', by: { kind: 'agent', agentId: B } })).toMatchObject({
      ok: false,
      code: 'forbidden',
    });
  });

  it('an agent who drops puts the caller back in the queue, on hold', () => {
    const d = decideCall(call('active'), { type: 'agent_left', agentId: A });
    expect(d).toMatchObject({ ok: true, changed: true, next: { state: 'waiting', agentId: null } });
    expect(d.ok && d.effects).toEqual([{ type: 'caller_media', mode: 'held' }]);
  });

  it('some other agent leaving the room does not touch the call', () => {
    expect(decideCall(call('active'), { type: 'agent_left', agentId: B })).toMatchObject({ ok: true, changed: false });
    expect(decideCall(call('waiting'), { type: 'agent_left', agentId: A })).toMatchObject({ ok: true, changed: false });
  });

  it('handover gives the call to the new agent with the caller live', () => {
    const d = decideCall(call('on_hold'), { type: 'handover', toAgentId: B });
    expect(d).toMatchObject({ ok: true, changed: true, next: { state: 'active', agentId: B } });
    expect(d.ok && d.effects).toEqual([{ type: 'caller_media', mode: 'live' }]);
    expect(decideCall(call('active', B), { type: 'handover', toAgentId: B })).toMatchObject({ changed: false });
  });

  it('waiting and ended calls cannot be handed over', () => {
    for (const state of ['waiting', 'ended'] as const) {
      expect(decideCall(call(state), { type: 'handover', toAgentId: B })).toMatchObject({ ok: false, code: 'call_conflict' });
    }
  });
});

describe('a call handed to a phone specialist', () => {
  it('is active with no agent; only the specialist of that transfer (or the caller) can end it', () => {
    const handed = decideCall(call('on_hold'), { type: 'handover_to_phone', transferId: 't1' });
    expect(handed).toMatchObject({ ok: true, next: { state: 'active', agentId: null, phoneTransferId: 't1' } });
    const c = (handed as { next: CallSnapshot }).next;
    expect(decideCall(c, { type: 'hangup', by: { kind: 'specialist', transferId: 'other' } })).toMatchObject({ changed: false });
    expect(decideCall(c, { type: 'hangup', by: { kind: 'specialist', transferId: 't1' } })).toMatchObject({ next: { state: 'ended', endReason: 'specialist_hung_up' } });
    expect(decideCall(c, { type: 'hangup', by: { kind: 'caller' } })).toMatchObject({ next: { state: 'ended', endReason: 'caller_hung_up' } });
    expect(decideCall(c, { type: 'hangup', by: { kind: 'agent', agentId: A } })).toMatchObject({ ok: false, code: 'forbidden' });
    expect(decideCall(c, { type: 'hold', agentId: A })).toMatchObject({ ok: false });
  });
});

describe('the hold a transfer makes', () => {
  it('holds the caller like any hold but is not counted as one (call details, the summary)', () => {
    const held = decideCall(call('active'), { type: 'hold', agentId: A, forTransfer: true });
    expect(held).toMatchObject({ ok: true, changed: true, next: { state: 'on_hold', holdCount: 0 }, effects: [{ type: 'caller_media', mode: 'held' }] });
    const mine = decideCall(call('active'), { type: 'hold', agentId: A });
    expect(mine).toMatchObject({ next: { holdCount: 1 } });
  });
});
