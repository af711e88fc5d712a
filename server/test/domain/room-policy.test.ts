// Who may be in a call's room, with which permissions: a pure function of the record.
import { describe, expect, it } from 'vitest';
import {
  callIdOfCoachRoom,
  coachEntitlement,
  coachFixes,
  coachMembers,
  coachRoomOf,
  COACH_SPEAKER,
  entitledMembers,
  entitlement,
  HELD,
  BARGE,
  LISTEN_HIDDEN,
  LISTEN_ONLY,
  LIVE,
  mustRejoinToHide,
  roomFixes,
  samePermission,
  supervisorPermission,
  type RoomRecord,
} from '../../src/domain/room-policy.js';

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

describe('supervisors: listen, whisper (coach room), barge', () => {
  const S = 'sup-s';
  const sup = { kind: 'supervisor', agentId: S } as const;
  const monitored = (
    state: RoomRecord['call']['state'],
    agentId: string | null,
    mode: 'listen' | 'whisper' | 'barge',
    opts: { monitoredAgent?: string; transfer?: RoomRecord['transfer'] } = {},
  ): RoomRecord => ({ ...rec(state, agentId, opts.transfer ?? null), monitors: [{ supervisorId: S, agentId: opts.monitoredAgent ?? A, mode }] });

  it('listen: hears the call, may not publish, hidden from the other clients; nobody else is entitled through the monitor', () => {
    const r = monitored('active', A, 'listen');
    expect(entitlement(r, sup)).toEqual(LISTEN_HIDDEN);
    expect(LISTEN_HIDDEN).toEqual({ canPublish: false, canSubscribe: true, hidden: true });
    expect(entitlement(r, { kind: 'supervisor', agentId: 'other' })).toBeNull();
    expect(entitledMembers(r).map((m) => m.member)).toEqual([caller, agent(A), sup]);
    expect(coachMembers(r)).toEqual([]);
  });

  it('whisper: listen-only in the call room; in the coach room the supervisor only publishes, the agent only subscribes, the caller is never entitled', () => {
    const r = monitored('active', A, 'whisper');
    expect(entitlement(r, sup)).toEqual(LISTEN_HIDDEN);
    // Visible in the coach room: the agent's client must see them to subscribe to the whisper.
    expect(coachEntitlement(r, sup)).toEqual(COACH_SPEAKER);
    expect(COACH_SPEAKER).toEqual({ canPublish: true, canSubscribe: false });
    expect(coachEntitlement(r, agent(A))).toEqual(LISTEN_ONLY);
    expect(coachEntitlement(r, caller)).toBeNull();
    expect(coachEntitlement(r, agent(B))).toBeNull();
    expect(coachMembers(r).map((m) => m.member)).toEqual([agent(A), sup]);
    expect(coachRoomOf('c1')).toBe('coach-c1');
    expect(callIdOfCoachRoom('coach-c1')).toBe('c1');
    expect(callIdOfCoachRoom('call-c1')).toBeNull();
  });

  it('barge: publishes and subscribes in the call room, like the agent, and is no longer hidden', () => {
    const r = monitored('active', A, 'barge');
    expect(entitlement(r, sup)).toEqual(BARGE);
    expect(BARGE).toEqual({ ...LIVE, hidden: false });
    expect(samePermission(BARGE, LIVE)).toBe(true);
    expect(coachMembers(r)).toEqual([]);
  });

  it('a monitor grants nothing once the call ended, went back to the queue, or left the agent it monitored', () => {
    expect(entitlement(monitored('ended', A, 'barge'), sup)).toBeNull();
    expect(entitlement(monitored('waiting', null, 'listen'), sup)).toBeNull();
    expect(entitlement(monitored('active', B, 'listen'), sup)).toBeNull(); // handed over to B
    expect(coachEntitlement(monitored('active', B, 'whisper'), agent(B))).toBeNull();
    expect(coachMembers(monitored('ended', A, 'whisper'))).toEqual([]);
  });

  it('during an open transfer the monitor goes on: A still has the call, the whisper still reaches only A', () => {
    const consulting = { id: 't1', state: 'consulting', fromAgentId: A, targetAgentId: B } as const;
    const r = monitored('on_hold', A, 'whisper', { transfer: consulting });
    expect(entitlement(r, sup)).toEqual(LISTEN_HIDDEN);
    expect(coachEntitlement(r, agent(A))).toEqual(LISTEN_ONLY);
    expect(coachEntitlement(r, agent(B))).toBeNull();
    expect(entitlement(r, caller)).toEqual(HELD);
  });

  it('fixes: an unmonitored supervisor is removed; a listener who got publish is corrected; the coach room too', () => {
    const r = monitored('active', A, 'listen');
    expect(
      roomFixes(r, [
        { identity: `supervisor:${S}`, member: sup, permission: { ...LIVE, hidden: true } },
        { identity: 'supervisor:x', member: { kind: 'supervisor', agentId: 'x' }, permission: LISTEN_HIDDEN },
      ]),
    ).toEqual([
      { type: 'set_permission', identity: `supervisor:${S}`, permission: LISTEN_HIDDEN },
      { type: 'remove', identity: 'supervisor:x' },
    ]);
    // A hidden barger: made visible by a permission update (LiveKit announces them then).
    expect(roomFixes(monitored('active', A, 'barge'), [{ identity: `supervisor:${S}`, member: sup, permission: LISTEN_HIDDEN }])).toEqual([
      { type: 'set_permission', identity: `supervisor:${S}`, permission: BARGE },
    ]);
    // A listener the other clients can see: removed, to rejoin hidden (an update would leave them a ghost).
    for (const seen of [LISTEN_ONLY, LIVE, { ...LISTEN_ONLY, hidden: false }]) {
      expect(roomFixes(r, [{ identity: `supervisor:${S}`, member: sup, permission: seen }])).toEqual([{ type: 'remove', identity: `supervisor:${S}` }]);
    }
    expect(roomFixes(r, [{ identity: `supervisor:${S}`, member: sup, permission: LISTEN_HIDDEN }])).toEqual([]);
    const w = monitored('active', A, 'whisper');
    expect(
      coachFixes(w, [
        { identity: `supervisor:${S}`, member: sup, permission: HELD },
        { identity: `agent:${A}`, member: agent(A), permission: LIVE },
        { identity: `caller:c1`, member: caller, permission: LISTEN_ONLY },
      ]),
    ).toEqual([
      { type: 'set_permission', identity: `supervisor:${S}`, permission: COACH_SPEAKER },
      { type: 'set_permission', identity: `agent:${A}`, permission: LISTEN_ONLY },
      { type: 'remove', identity: 'caller:c1' },
    ]);
    // Whisper over: everyone in the coach room goes.
    expect(coachFixes(monitored('active', A, 'listen'), [{ identity: `agent:${A}`, member: agent(A), permission: LISTEN_ONLY }])).toEqual([
      { type: 'remove', identity: `agent:${A}` },
    ]);
  });

  it('hidden: only a listening or whispering supervisor; everyone else is compared as before (absent = false)', () => {
    expect(supervisorPermission('listen')).toEqual(LISTEN_HIDDEN);
    expect(supervisorPermission('whisper')).toEqual(LISTEN_HIDDEN);
    expect(supervisorPermission('barge')).toEqual(BARGE);
    const consulting = { id: 't1', state: 'consulting', fromAgentId: A, targetAgentId: B, talkTo: 'target' } as const;
    for (const r of [rec('active', A), rec('on_hold', A, consulting), monitored('active', A, 'listen'), monitored('active', A, 'barge')]) {
      for (const e of entitledMembers(r)) {
        if (e.member.kind === 'supervisor') continue;
        expect(e.permission.hidden, JSON.stringify(e)).toBeUndefined();
        // LiveKit reports hidden: false for them: no fix.
        expect(roomFixes(r, [{ identity: 'x', member: e.member, permission: { ...e.permission, hidden: false } }])).toEqual([]);
      }
    }
    expect(samePermission(LISTEN_ONLY, LISTEN_HIDDEN)).toBe(false);
    expect(samePermission(LIVE, { ...LIVE, hidden: false })).toBe(true);
    // Going hidden needs a rejoin; going visible, or staying as one was, does not.
    expect(mustRejoinToHide(LISTEN_HIDDEN, BARGE)).toBe(true);
    expect(mustRejoinToHide(LISTEN_HIDDEN, LISTEN_ONLY)).toBe(true);
    expect(mustRejoinToHide(BARGE, LISTEN_HIDDEN)).toBe(false);
    expect(mustRejoinToHide(LISTEN_HIDDEN, { ...HELD, hidden: true })).toBe(false);
    expect(mustRejoinToHide(LIVE, LIVE)).toBe(false);
  });
});
