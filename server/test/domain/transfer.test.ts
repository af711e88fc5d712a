import { describe, expect, it } from 'vitest';
import { decideTransfer, type TransferEvent, type TransferSnapshot, type TransferState } from '../../src/domain/transfer.js';

const A = 'agent-a';
const B = 'agent-b';
const C = 'agent-c';
const t = (state: TransferState): TransferSnapshot => ({ id: 't1', state, fromAgentId: A, targetType: 'agent', targetAgentId: B, failReason: null, talkTo: 'target' });
/** The same transfer to a phone specialist. */
const p = (state: TransferState): TransferSnapshot => ({ ...t(state), targetType: 'phone', targetAgentId: null });
const ALL: TransferState[] = ['ringing', 'consulting', 'introducing', 'completed', 'cancelled', 'declined', 'timed_out', 'failed', 'caller_left'];
const backToA = { type: 'call', event: { type: 'resume', agentId: A } };
const toB = { type: 'call', event: { type: 'handover', toAgentId: B } };

describe('transfer state machine', () => {
  it('B accepting a ringing transfer starts the consultation; accepting again is a no-op', () => {
    expect(decideTransfer(t('ringing'), { type: 'accept', agentId: B })).toMatchObject({ ok: true, changed: true, next: { state: 'consulting' } });
    expect(decideTransfer(t('consulting'), { type: 'accept', agentId: B })).toMatchObject({ ok: true, changed: false });
  });

  it('B declining returns the caller to A, off hold', () => {
    const d = decideTransfer(t('ringing'), { type: 'decline', agentId: B });
    expect(d).toMatchObject({ ok: true, next: { state: 'declined', failReason: 'declined' } });
    expect(d.ok && d.effects).toEqual([backToA]);
  });

  it('no answer in time returns the caller to A', () => {
    const d = decideTransfer(t('ringing'), { type: 'timeout' });
    expect(d).toMatchObject({ ok: true, next: { state: 'timed_out', failReason: 'no_answer' } });
    expect(d.ok && d.effects).toEqual([backToA]);
  });

  it('a late timeout after an accept does nothing', () => {
    for (const s of ALL.filter((s) => s !== 'ringing')) {
      expect(decideTransfer(t(s), { type: 'timeout' })).toMatchObject({ ok: true, changed: false });
    }
  });

  it('B going offline while the transfer rings ends it at once as failed (target_offline), the caller back with A', () => {
    const d = decideTransfer(t('ringing'), { type: 'target_offline' });
    expect(d).toMatchObject({ ok: true, changed: true, next: { state: 'failed', failReason: 'target_offline' } });
    expect(d.ok && d.effects).toEqual([backToA]);
  });

  it('B going offline after accepting, or after the transfer ended, changes nothing', () => {
    for (const s of ALL.filter((s) => s !== 'ringing')) {
      expect(decideTransfer(t(s), { type: 'target_offline' })).toEqual({ ok: true, next: t(s), effects: [], changed: false });
    }
  });

  it('A cancelling while ringing returns the caller; while consulting it also removes B', () => {
    const ringing = decideTransfer(t('ringing'), { type: 'cancel', agentId: A });
    expect(ringing.ok && ringing.effects).toEqual([backToA]);
    const consulting = decideTransfer(t('consulting'), { type: 'cancel', agentId: A });
    expect(consulting).toMatchObject({ ok: true, next: { state: 'cancelled' } });
    expect(consulting.ok && consulting.effects).toEqual([{ type: 'remove_agent', agentId: B }, backToA]);
    expect(decideTransfer(t('cancelled'), { type: 'cancel', agentId: A })).toMatchObject({ ok: true, changed: false });
  });

  it('completing hands the caller to B and removes A', () => {
    const d = decideTransfer(t('consulting'), { type: 'complete', agentId: A, introduce: false });
    expect(d).toMatchObject({ ok: true, next: { state: 'completed' } });
    expect(d.ok && d.effects).toEqual([{ type: 'remove_agent', agentId: A }, toB]); // A out before the caller is back
  });

  it('introduce first makes it three-way; completing again then removes A', () => {
    const intro = decideTransfer(t('consulting'), { type: 'complete', agentId: A, introduce: true });
    expect(intro).toMatchObject({ ok: true, next: { state: 'introducing' } });
    expect(intro.ok && intro.effects).toEqual([toB]);
    expect(decideTransfer(t('introducing'), { type: 'complete', agentId: A, introduce: true })).toMatchObject({ changed: false });
    const done = decideTransfer(t('introducing'), { type: 'complete', agentId: A, introduce: false });
    expect(done.ok && done.effects).toEqual([{ type: 'remove_agent', agentId: A }]);
  });

  it('repeating complete returns the same result', () => {
    expect(decideTransfer(t('completed'), { type: 'complete', agentId: A, introduce: false })).toMatchObject({ ok: true, changed: false, next: { state: 'completed' } });
  });

  it('only B may accept or decline, only A may cancel or complete', () => {
    const wrong: TransferEvent[] = [
      { type: 'accept', agentId: A },
      { type: 'accept', agentId: C },
      { type: 'decline', agentId: A },
      { type: 'cancel', agentId: B },
      { type: 'complete', agentId: B, introduce: false },
    ];
    for (const e of wrong) expect(decideTransfer(t('ringing'), e)).toMatchObject({ ok: false, code: 'forbidden' });
  });

  it('every move out of a state that does not allow it is a conflict', () => {
    const illegal: [TransferState, TransferEvent][] = [
      ['ringing', { type: 'complete', agentId: A, introduce: false }],
      ['consulting', { type: 'decline', agentId: B }],
      ['introducing', { type: 'cancel', agentId: A }],
      ['completed', { type: 'cancel', agentId: A }],
      ['completed', { type: 'accept', agentId: B }],
      ['cancelled', { type: 'complete', agentId: A, introduce: false }],
      ['cancelled', { type: 'accept', agentId: B }],
      ['declined', { type: 'accept', agentId: B }],
      ['timed_out', { type: 'accept', agentId: B }],
      ['timed_out', { type: 'decline', agentId: B }],
      ['failed', { type: 'complete', agentId: A, introduce: false }],
      ['caller_left', { type: 'accept', agentId: B }],
    ];
    for (const [s, e] of illegal) expect(decideTransfer(t(s), e)).toMatchObject({ ok: false, code: 'call_conflict' });
  });

  it('the caller hanging up mid-consultation ends the transfer and the call', () => {
    for (const s of ['ringing', 'consulting'] as const) {
      const d = decideTransfer(t(s), { type: 'caller_left' });
      expect(d).toMatchObject({ ok: true, next: { state: 'caller_left' } });
      expect(d.ok && d.effects).toEqual([{ type: 'call', event: { type: 'caller_left' } }]);
    }
  });

  it('A dropping after B answered completes the transfer to B', () => {
    const d = decideTransfer(t('consulting'), { type: 'agent_left', agentId: A });
    expect(d).toMatchObject({ ok: true, next: { state: 'completed' } });
    expect(d.ok && d.effects).toEqual([toB]);
  });

  it('A dropping while B is still ringing sends the caller back to the queue', () => {
    const d = decideTransfer(t('ringing'), { type: 'agent_left', agentId: A });
    expect(d).toMatchObject({ ok: true, next: { state: 'failed', failReason: 'agent_left' } });
    expect(d.ok && d.effects).toEqual([{ type: 'call', event: { type: 'agent_left', agentId: A } }]);
  });

  it('B dropping during the consultation returns the caller to A', () => {
    const d = decideTransfer(t('consulting'), { type: 'agent_left', agentId: B });
    expect(d).toMatchObject({ ok: true, next: { state: 'failed', failReason: 'target_left' } });
    expect(d.ok && d.effects).toEqual([backToA]);
  });

  it('agents leaving after the transfer ended change nothing', () => {
    for (const s of ['completed', 'cancelled', 'declined', 'timed_out', 'failed', 'caller_left'] as const) {
      expect(decideTransfer(t(s), { type: 'agent_left', agentId: A })).toMatchObject({ ok: true, changed: false });
      expect(decideTransfer(t(s), { type: 'caller_left' })).toMatchObject({ ok: true, changed: false });
    }
  });
});

describe('transfer to a phone', () => {
  const toPhone = { type: 'call', event: { type: 'handover_to_phone', transferId: 't1' } };
  it('the phone network answering starts the consultation; nobody can accept or decline for it', () => {
    expect(decideTransfer(p('ringing'), { type: 'phone_answered' })).toMatchObject({ ok: true, changed: true, next: { state: 'consulting' } });
    expect(decideTransfer(p('consulting'), { type: 'phone_answered' })).toMatchObject({ ok: true, changed: false });
    expect(decideTransfer(p('cancelled'), { type: 'phone_answered' })).toMatchObject({ ok: false, code: 'call_conflict' });
    expect(decideTransfer(t('ringing'), { type: 'phone_answered' })).toMatchObject({ ok: false, code: 'forbidden' });
    expect(decideTransfer(p('ringing'), { type: 'accept', agentId: B })).toMatchObject({ ok: false, code: 'forbidden' });
  });

  it('busy, no answer, failed and voicemail end a ringing transfer with that reason and hand the caller back to A', () => {
    for (const [outcome, state, reason] of [
      ['busy', 'failed', 'busy'],
      ['no_answer', 'timed_out', 'no_answer'],
      ['failed', 'failed', 'dial_failed'],
      ['voicemail', 'failed', 'voicemail'],
      ['hung_up', 'failed', 'target_left'],
    ] as const) {
      expect(decideTransfer(p('ringing'), { type: 'phone_ended', outcome })).toEqual({
        ok: true, changed: true, next: { ...p('ringing'), state, failReason: reason }, effects: [backToA],
      });
    }
  });

  it('the phone hanging up mid-consultation takes it out and gives the caller back to A; during the introduction too', () => {
    expect(decideTransfer(p('consulting'), { type: 'phone_ended', outcome: 'hung_up' })).toMatchObject({
      next: { state: 'failed', failReason: 'target_left' }, effects: [{ type: 'remove_phone' }, backToA],
    });
    expect(decideTransfer(p('introducing'), { type: 'phone_ended', outcome: 'hung_up' })).toMatchObject({
      next: { state: 'failed' }, effects: [{ type: 'remove_phone' }, { type: 'call', event: { type: 'handover', toAgentId: A } }],
    });
    expect(decideTransfer(p('completed'), { type: 'phone_ended', outcome: 'hung_up' })).toMatchObject({ changed: false });
  });

  it('completing hands the call to the phone leg (A leaves first); cancelling removes the phone', () => {
    expect(decideTransfer(p('consulting'), { type: 'complete', agentId: A, introduce: false })).toMatchObject({
      next: { state: 'completed' }, effects: [{ type: 'remove_agent', agentId: A }, toPhone],
    });
    expect(decideTransfer(p('consulting'), { type: 'cancel', agentId: A })).toMatchObject({
      next: { state: 'cancelled' }, effects: [{ type: 'remove_phone' }, backToA],
    });
  });

  it('a phone ending never touches an agent transfer', () => {
    expect(decideTransfer(t('consulting'), { type: 'phone_ended', outcome: 'hung_up' })).toMatchObject({ ok: true, changed: false });
  });
});
