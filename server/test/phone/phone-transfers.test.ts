// Warm transfer to a phone specialist through Twilio (the local emulator speaking Twilio's wire
// formats), with measured audio: the phone's ear is Goertzel on the μ-law it receives.
import { beforeAll, describe, expect, it } from 'vitest';
import { phoneHeard, phoneSuite, startPhoneStack, TWILIO, type PhoneStack } from '../../../testkit/phone-stack.js';
import { eventually } from '../../../testkit/participants.js';
import { client } from '../../../testkit/stack.js';
import { twilioSignature } from '../../../devkit/twilio-emulator/signature.js';

const CALLER = 440;
const A = 660;
const PHONE = 1000;
const TONES = [CALLER, A, PHONE] as const;

const suite = phoneSuite({ RECONNECT_GRACE_S: '2', TRANSFER_RING_TIMEOUT_S: '20', PHONE_TRANSFERS_PER_MINUTE: '1000' }, '+1555010', TONES);
const { open, nextNumber, tone } = suite;
let stack: PhoneStack;
beforeAll(() => {
  stack = suite.stack();
});

/** A caller (440) talking to Alice (660), both measured. */
async function liveCall() {
  const res = await client(stack.baseUrl)('POST', '/api/calls', { name: 'Dana Phone', reason: 'Refund for order 7781' });
  expect(res.status).toBe(201);
  const call = res.body as { id: string; room: string; token: string; livekitUrl: string };
  const caller = await tone('caller', call.livekitUrl, call.token, CALLER);
  const alice = client(stack.baseUrl, await stack.login('alice'));
  const grant = (await alice('POST', `/api/calls/${call.id}/accept`)).body;
  const a = await tone('alice', grant.livekitUrl, grant.token, A);
  expect(await a.waitFor(CALLER, performance.now(), 10_000)).not.toBeNull();
  open.push({ close: async () => void (await alice('POST', `/api/calls/${call.id}/hangup`)) });
  return { call, caller, a, alice };
}

const transferOf = async (api: ReturnType<typeof client>, id: string) => (await api('GET', `/api/transfers/${id}`)).body;
const callOf = async (api: ReturnType<typeof client>, id: string) => (await api('GET', `/api/calls/${id}`)).body;

describe('warm transfer to a phone', () => {
  it('the phone hears A (not the caller) during the consultation; after completion caller and phone hear each other and A is gone', async () => {
    const { call, caller, a, alice } = await liveCall();
    const number = nextNumber();
    stack.twilio.behave(number, { answer: 'human', toneHz: PHONE, ringMs: 200 });
    const res = await alice('POST', `/api/calls/${call.id}/transfers`, { target: { type: 'phone', number }, notes: 'Customer wants a refund of $40 for order 7781.' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.target).toMatchObject({ type: 'phone', agentId: null });
    expect(res.body.target.name).not.toContain('0100'); // masked, not the number in clear
    const phoneCall = await stack.twilio.waitForCall({ to: number }, 10_000);
    expect(phoneCall.from).toBe(TWILIO.number);
    const t = await eventually(async () => {
      const v = await transferOf(alice, res.body.id);
      return v.state === 'consulting' && v;
    }, 15_000, 'consulting');
    expect(t.state).toBe('consulting');
    // The whisper names the customer and the reason before A comes on.
    expect(phoneCall.said.join(' ')).toMatch(/Dana Phone/);
    expect(phoneCall.said.join(' ')).toMatch(/Refund for order/); // the reason, and the summary made for speech
    expect(phoneCall.said.join(' ')).toMatch(/7 7 8 1/); // identifiers spelled out
    const media = await phoneCall.waitForMedia(10_000);
    expect(await a.waitFor(PHONE, performance.now(), 10_000), 'A hears the phone').not.toBeNull();
    await eventually(async () => phoneHeard(media.played, A, performance.now() - 1000, performance.now(), TONES).withTone > 10, 10_000, 'phone hears A');

    // A window of consultation: the phone hears A and never the caller; the caller hears no one.
    const from = performance.now();
    await new Promise((r) => setTimeout(r, 2000));
    const to = performance.now();
    const heard = phoneHeard(media.played, CALLER, from, to, TONES);
    expect(heard.frames, 'the phone received audio in the window').toBeGreaterThan(50);
    expect(heard.withTone, 'the phone heard the held caller').toBe(0);
    expect(phoneHeard(media.played, A, from, to, TONES).withTone).toBeGreaterThan(40);
    expect(caller.count([A, PHONE], from, to), 'the held caller heard the consultation').toBe(0);
    expect(a.count([CALLER], from, to), 'A heard the held caller').toBe(0);

    // Complete: A leaves, caller and phone talk.
    const done = await alice('POST', `/api/transfers/${t.id}/complete`, {});
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.state).toBe('completed');
    expect(await caller.waitFor(PHONE, performance.now(), 10_000), 'the caller hears the phone').not.toBeNull();
    await eventually(async () => phoneHeard(media.played, CALLER, performance.now() - 1000, performance.now(), TONES).withTone > 10, 10_000, 'phone hears the caller');
    const v = await callOf(alice, call.id);
    expect(v).toMatchObject({ state: 'active', agentId: null });
    const rooms = await stack.deps.media.listParticipants(call.room);
    expect(rooms.map((p) => p.identity).sort()).toEqual([`caller:${call.id}`, `phone:${t.id}`].sort());

    // The caller hangs up: the phone leg is hung up over REST, nothing is left connected.
    const hangup = await client(stack.baseUrl, undefined, { 'x-caller-key': (call as any).callerKey })('POST', `/api/calls/${call.id}/hangup`);
    expect(hangup.status).toBe(200);
    await phoneCall.waitForStatus('completed', 10_000);
    expect(stack.twilio.requests.some((r) => r.path.endsWith(`/Calls/${phoneCall.sid}.json`) && r.form.Status === 'completed')).toBe(true);
  });

  for (const [answer, reason, state] of [
    ['busy', 'busy', 'failed'],
    ['no-answer', 'no_answer', 'timed_out'],
    ['failed', 'dial_failed', 'failed'],
    ['machine', 'voicemail', 'failed'],
  ] as const) {
    it(`a phone that answers "${answer}" ends the transfer (${reason}) and the caller is back with A, off hold`, async () => {
      const { call, caller, alice } = await liveCall();
      const number = nextNumber();
      stack.twilio.behave(number, { answer, ringMs: 150, amdMs: 200 });
      const res = await alice('POST', `/api/calls/${call.id}/transfers`, { target: { type: 'phone', number } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const t = await eventually(async () => {
        const v = await transferOf(alice, res.body.id);
        return v.state !== 'ringing' && v.state !== 'consulting' && v;
      }, 15_000, `transfer ends on ${answer}`);
      expect(t).toMatchObject({ state, failReason: reason });
      expect(await callOf(alice, call.id)).toMatchObject({ state: 'active', agentId: stack.agents.alice.id });
      expect(await caller.waitFor(A, performance.now(), 10_000), 'the caller hears A again').not.toBeNull();
      if (answer === 'machine') {
        const phoneCall = await stack.twilio.waitForCall({ to: number });
        await phoneCall.waitForStatus('completed', 10_000); // the voicemail leg is hung up
      }
    });
  }

  it('the caller hangs up while the phone still rings: the dial is cancelled, nothing keeps ringing', async () => {
    const { call, alice } = await liveCall();
    const number = nextNumber();
    stack.twilio.behave(number, { answer: 'manual' });
    const res = await alice('POST', `/api/calls/${call.id}/transfers`, { target: { type: 'phone', number } });
    expect(res.status).toBe(201);
    const phoneCall = await stack.twilio.waitForCall({ to: number }, 10_000);
    await phoneCall.waitForStatus('ringing', 10_000);
    const hangup = await client(stack.baseUrl, undefined, { 'x-caller-key': (call as any).callerKey })('POST', `/api/calls/${call.id}/hangup`);
    expect(hangup.status).toBe(200);
    await phoneCall.waitForStatus('canceled', 10_000);
    expect((await transferOf(alice, res.body.id)).state).toBe('caller_left');
  });

  it('the phone hangs up mid-consultation: the caller is back with A', async () => {
    const { call, caller, alice } = await liveCall();
    const number = nextNumber();
    stack.twilio.behave(number, { answer: 'human', toneHz: PHONE, ringMs: 100 });
    const res = await alice('POST', `/api/calls/${call.id}/transfers`, { target: { type: 'phone', number } });
    const phoneCall = await stack.twilio.waitForCall({ to: number }, 10_000);
    await eventually(async () => (await transferOf(alice, res.body.id)).state === 'consulting', 15_000, 'consulting');
    await phoneCall.hangUp();
    const t = await eventually(async () => {
      const v = await transferOf(alice, res.body.id);
      return v.state === 'failed' && v;
    }, 10_000, 'transfer failed');
    expect(t.failReason).toBe('target_left');
    expect(await callOf(alice, call.id)).toMatchObject({ state: 'active', agentId: stack.agents.alice.id });
    expect(await caller.waitFor(A, performance.now(), 10_000)).not.toBeNull();
  });

  it('A leaves before the phone answers: the call is not dropped (back in the queue) and the dial is cancelled', async () => {
    const { call, a, alice } = await liveCall();
    const number = nextNumber();
    stack.twilio.behave(number, { answer: 'manual' });
    const res = await alice('POST', `/api/calls/${call.id}/transfers`, { target: { type: 'phone', number } });
    const phoneCall = await stack.twilio.waitForCall({ to: number }, 10_000);
    await phoneCall.waitForStatus('ringing', 10_000);
    // A's connection is gone for good (RECONNECT_GRACE_S is 2 s in this file).
    await a.close();
    await phoneCall.waitForStatus('canceled', 15_000);
    expect((await transferOf(alice, res.body.id))).toMatchObject({ state: 'failed', failReason: 'agent_left' });
    expect(await callOf(alice, call.id)).toMatchObject({ state: 'waiting' });
  });

  it('bad input changes nothing and makes no REST call: not E.164, outside the allow-list', async () => {
    const { call, alice } = await liveCall();
    const bad = ['5551234567', '+1 555 123', '+33123456789', '+0123', '+1555abc4567'];
    for (const number of bad) {
      const r = await alice('POST', `/api/calls/${call.id}/transfers`, { target: { type: 'phone', number } });
      expect(r.status, number).toBe(400);
      expect(r.body.code).toBe('invalid_target');
    }
    expect(stack.twilio.requests.filter((r) => bad.includes(String(r.form.To ?? ''))), 'a REST call for a refused number').toEqual([]);
    expect(stack.twilio.calls.filter((c) => bad.includes(c.to))).toEqual([]);
    expect(await callOf(alice, call.id)).toMatchObject({ state: 'active', transfer: null });
  });

  it('a webhook with a bad signature gets 403 and changes nothing; the media socket needs a signature and a valid token', async () => {
    const url = `${TWILIO.publicUrl}/twilio/voice`;
    const params = { CallSid: 'CA' + 'f'.repeat(32), AccountSid: TWILIO.accountSid, From: '+15550009999', To: TWILIO.number, CallStatus: 'ringing', Direction: 'inbound' };
    const post = (sig: string) =>
      fetch(`${stack.baseUrl}/twilio/voice`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sig }, body: new URLSearchParams(params).toString() });
    const bob = client(stack.baseUrl, await stack.login('bob'));
    const phoneCallers = async () =>
      ((await bob('GET', '/api/queue')).body as Array<{ callerName: string; channel: string }>).filter((c) => c.callerName.endsWith('9999'));
    expect((await post('bad')).status).toBe(403);
    expect((await post(twilioSignature('wrong-token', url, params))).status).toBe(403);
    expect(await phoneCallers()).toEqual([]);
    // Signed right: a call is queued.
    const ok = await post(twilioSignature(TWILIO.authToken, url, params));
    expect(ok.status).toBe(200);
    // The stream, with a <Connect action> that reopens it should it end with the call up (docs/PHONES.md).
    expect(await ok.text()).toMatch(/<Connect action="https:\/\/warmline\.test\/twilio\/stream-ended\?leg=[^"]+" method="POST"><Stream url="wss:\/\/warmline\.test\/twilio\/media"><Parameter name="token"/);
    expect(await phoneCallers()).toMatchObject([{ callerName: 'Phone +1 ••• ••• 9999', channel: 'phone' }]);
    // Twilio retries the webhook: still one call.
    expect((await post(twilioSignature(TWILIO.authToken, url, params))).status).toBe(200);
    expect(await phoneCallers()).toHaveLength(1);

    const { openMediaStream } = await import('../../../devkit/twilio-emulator/media-client.js');
    const base = { connectUrl: stack.baseUrl.replace('http', 'ws') + '/twilio/media', signedUrl: 'wss://warmline.test/twilio/media', accountSid: TWILIO.accountSid, callSid: params.CallSid };
    await expect(openMediaStream({ ...base, authToken: 'wrong-token', customParameters: { token: 'x' } })).rejects.toMatchObject({ status: 403 });
    const unsigned = await openMediaStream({ ...base, authToken: TWILIO.authToken, customParameters: { token: 'not-a-token' } });
    expect((await unsigned.closed).code).toBe(1008);
  });
});

describe('Twilio reports', () => {
  it('replayed and out-of-order status callbacks change nothing twice', async () => {
    const { call, alice } = await liveCall();
    const number = nextNumber();
    stack.twilio.behave(number, { answer: 'busy', ringMs: 100 });
    stack.twilio.setOutOfOrderCallbacks(true);
    try {
      const res = await alice('POST', `/api/calls/${call.id}/transfers`, { target: { type: 'phone', number } });
      expect(res.status).toBe(201);
      const phoneCall = await stack.twilio.waitForCall({ to: number });
      await phoneCall.waitForStatus('busy', 10_000);
      await phoneCall.callbacksDelivered();
      const t = await eventually(async () => {
        const v = await transferOf(alice, res.body.id);
        return v.state === 'failed' && v;
      }, 10_000, 'busy ends the transfer');
      expect(t.failReason).toBe('busy');
      const before = await callOf(alice, call.id);
      // Replay every callback Twilio sent, signed as Twilio signs them.
      for (const cb of phoneCall.callbacks) {
        const u = new URL(cb.url);
        const r = await fetch(`${stack.baseUrl}${u.pathname}${u.search}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(TWILIO.authToken, cb.url, cb.params) },
          body: new URLSearchParams(cb.params).toString(),
        });
        expect(r.status).toBe(204);
      }
      const after = await callOf(alice, call.id);
      expect(after.timeline).toEqual(before.timeline);
      expect(after).toMatchObject({ state: 'active', agentId: stack.agents.alice.id });
      expect(after.timeline.filter((e: { type: string }) => e.type === 'transfer_failed')).toHaveLength(1);
    } finally {
      stack.twilio.setOutOfOrderCallbacks(false);
    }
  });

  it('phone transfers are limited per agent: over the limit answers 429 and dials nothing', async () => {
    const limited = await startPhoneStack({ env: { PHONE_TRANSFERS_PER_MINUTE: '2' } });
    try {
      const alice = client(limited.baseUrl, await limited.login('alice'));
      const ids: string[] = [];
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const c = (await client(limited.baseUrl)('POST', '/api/calls', { name: `Limit ${i}`, reason: 'x' })).body;
        ids.push(c.id);
        expect((await alice('POST', `/api/calls/${c.id}/accept`)).status).toBe(200);
        const number = `+1555020000${i}`;
        limited.twilio.behave(number, { answer: 'busy', ringMs: 50 });
        statuses.push((await alice('POST', `/api/calls/${c.id}/transfers`, { target: { type: 'phone', number } })).status);
        await alice('POST', `/api/calls/${c.id}/hangup`);
      }
      expect(statuses).toEqual([201, 201, 429]);
      expect(limited.twilio.calls.map((c) => c.to)).not.toContain('+15550200002');
    } finally {
      await limited.stop();
    }
  });
});

describe('Twilio unreachable', () => {
  it('a dial Twilio cannot take answers 502 phone_unavailable, ends the transfer (dial_failed) and leaves the caller with A, off hold', async () => {
    const { startStack } = await import('../../../testkit/stack.js');
    const dead = await startStack({
      env: {
        TWILIO_ACCOUNT_SID: TWILIO.accountSid,
        TWILIO_AUTH_TOKEN: TWILIO.authToken,
        TWILIO_PHONE_NUMBER: TWILIO.number,
        TWILIO_API_BASE_URL: 'http://127.0.0.1:9', // nothing listens: connection refused
        PUBLIC_URL: TWILIO.publicUrl,
      },
    });
    try {
      const alice = client(dead.baseUrl, await dead.login('alice'));
      const call = (await client(dead.baseUrl)('POST', '/api/calls', { name: 'Unreachable', reason: 'x' })).body;
      expect((await alice('POST', `/api/calls/${call.id}/accept`)).status).toBe(200);
      const res = await alice('POST', `/api/calls/${call.id}/transfers`, { target: { type: 'phone', number: '+15550103333' } });
      expect(res.status).toBe(502);
      expect(res.body.code).toBe('phone_unavailable');
      expect(res.body.message).not.toContain('3333'); // no number in the message
      const v = (await alice('GET', `/api/calls/${call.id}`)).body;
      expect(v).toMatchObject({ state: 'active', agentId: dead.agents.alice.id, transfer: null });
      const failed = v.timeline.find((e: { type: string }) => e.type === 'transfer_failed');
      expect(failed.detail.reason).toBe('dial_failed');
      await alice('POST', `/api/calls/${call.id}/hangup`);
    } finally {
      await dead.stop();
    }
  });
});
