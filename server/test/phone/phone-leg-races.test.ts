// A phone leg the record still wants is never ended by the bridge's own bookkeeping: a refresh that
// straddles the completion's commit, or a LiveKit connection that drops, must leave the call up.
// (The flaky phone-callers run lost both phone legs right after completing to a phone specialist.)
import { beforeAll, describe, expect, it } from 'vitest';
import { phoneHeard, phoneSuite, type PhoneStack } from '../../../testkit/phone-stack.js';
import { eventually } from '../../../testkit/participants.js';
import { client } from '../../../testkit/stack.js';
import { phoneBridgesOf } from '../../src/services/phone-bridges.js';

const CALLER = 440;
const A = 660;
const PHONE = 1000;
const TONES = [CALLER, A, PHONE] as const;

const suite = phoneSuite({ TRANSFER_RING_TIMEOUT_S: '20', PHONE_TRANSFERS_PER_MINUTE: '1000' }, '+1555020', TONES);
const { open, nextNumber, tone } = suite;
let stack: PhoneStack;
beforeAll(() => {
  stack = suite.stack();
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A web caller and Alice, then a phone specialist in consultation with Alice. */
async function consulting() {
  const res = await client(stack.baseUrl)('POST', '/api/calls', { name: 'Race Phone', reason: 'Port a number' });
  const call = res.body as { id: string; room: string; token: string; livekitUrl: string; callerKey: string };
  const caller = await tone('caller', call.livekitUrl, call.token, CALLER);
  const alice = client(stack.baseUrl, await stack.login('alice'));
  const grant = (await alice('POST', `/api/calls/${call.id}/accept`)).body;
  const a = await tone('alice', grant.livekitUrl, grant.token, A);
  expect(await a.waitFor(CALLER, performance.now(), 10_000)).not.toBeNull();
  open.push({ close: async () => void (await client(stack.baseUrl, undefined, { 'x-caller-key': call.callerKey })('POST', `/api/calls/${call.id}/hangup`)) });
  const number = nextNumber();
  stack.twilio.behave(number, { answer: 'human', toneHz: PHONE, ringMs: 100 });
  const t = (await alice('POST', `/api/calls/${call.id}/transfers`, { target: { type: 'phone', number } })).body as { id: string };
  await eventually(async () => (await alice('GET', `/api/transfers/${t.id}`)).body.state === 'consulting', 15_000, 'consulting');
  const phoneCall = await stack.twilio.waitForCall({ to: number }, 10_000);
  const media = await phoneCall.waitForMedia(10_000);
  expect(await a.waitFor(PHONE, performance.now(), 10_000), 'A hears the phone').not.toBeNull();
  return { call, caller, alice, t, phoneCall, media };
}

describe('a phone leg the record still wants', () => {
  it('survives a refresh whose reads straddle the completion (call read before the commit, transfer after)', async () => {
    const { call, caller, alice, t, media } = await consulting();
    // Reads of a transfer by id outside a transaction take 600 ms: a refresh that starts now reads
    // the call as it was (on hold, no phone specialist) and the transfer as it will be (completed).
    const db = stack.deps.db;
    const query = db.query.bind(db);
    let slow = true;
    db.query = (async (sql: string, params?: unknown[]) => {
      if (slow && /FROM transfers WHERE id = \$1$/.test(sql.trim())) await sleep(600);
      return query(sql, params);
    }) as typeof db.query;
    try {
      await stack.deps.bus.publish({ type: 'call', callId: call.id }); // the bridge refreshes now
      await sleep(150);
      expect((await alice('POST', `/api/transfers/${t.id}/complete`, {})).body.state).toBe('completed');
      await sleep(1000);
    } finally {
      slow = false;
      db.query = query;
    }
    await sleep(1500);
    const ended = phoneBridgesOf(stack.deps)?.endedLegs() ?? [];
    expect(ended.map((e) => `${e.role} ${e.reason} stillWanted=${e.stillWanted}`), 'legs that ended').toEqual([]);
    expect((await alice('GET', `/api/calls/${call.id}`)).body, 'the call').toMatchObject({ state: 'active', agentId: null });
    expect(await caller.waitFor(PHONE, performance.now(), 10_000), 'the caller hears the phone').not.toBeNull();
    await eventually(async () => phoneHeard(media.played, CALLER, performance.now() - 1000, performance.now(), TONES).withTone > 10, 10_000, 'phone hears the caller');
  }, 60_000);
});
