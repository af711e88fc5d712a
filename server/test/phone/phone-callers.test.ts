// Customers who dial the Twilio number: queued like web callers, hold music from the bridge,
// answered by a web agent with measured two-way audio, and handed on to a phone specialist.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { phoneEventually, phoneHeard, startPhoneStack, type PhoneStack } from '../../../testkit/phone-stack.js';
import { eventually } from '../../../testkit/participants.js';
import { client } from '../../../testkit/stack.js';
import { toneDetector } from '../../../testkit/goertzel.js';
import { ToneParticipant } from '../../../testkit/tone-participant.js';

const CALLER = 440;
const A = 660;
const SPECIALIST = 1000;
const TONES = [CALLER, A, SPECIALIST] as const;

let stack: PhoneStack;
const open: Array<{ close(): Promise<void> | void }> = [];

beforeAll(async () => {
  stack = await startPhoneStack({ env: { PHONE_TRANSFERS_PER_MINUTE: '1000' } });
});
afterAll(async () => {
  for (const p of open.splice(0)) await p.close();
  await stack?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a customer who calls in by phone', () => {
  it('waits in the queue with hold music, talks to a web agent, and is transferred to a phone specialist', async () => {
    const alice = client(stack.baseUrl, await stack.login('alice'));
    const inbound = await stack.twilio.placeInbound({ from: '+447700900123', toneHz: CALLER });
    const queued = await eventually(async () => {
      const q = (await alice('GET', '/api/queue')).body as Array<{ id: string; channel: string; callerName: string }>;
      return q.find((c) => c.channel === 'phone' && c.callerName.endsWith('0123'));
    }, 10_000, 'the phone caller in the queue');
    expect(queued.callerName).toBe('Phone +44 ••• ••• 0123'); // masked caller ID
    const media = await inbound.waitForMedia(10_000);
    expect(inbound.said.join(' ')).toMatch(/hold/i); // the greeting came first

    // Waiting: the bridge plays hold music (sound, none of the test tones). The stream is open before
    // the bridge has joined the room and started its pacer (slow on a loaded machine: one run heard
    // 1 frame in a fixed 1.5 s wait), so first wait for a second of playout.
    await phoneEventually(stack, async () => media.played.filter((f) => f.atMs >= performance.now() - 1000).length > 30, 10_000, 'the waiting caller hears something');
    const from = performance.now() - 1000;
    const detect = toneDetector({ sampleRate: 8000, targets: TONES });
    const waiting = media.played.filter((f) => f.atMs >= from);
    expect(waiting.length, 'the waiting caller hears something').toBeGreaterThan(30);
    expect(waiting.filter((f) => detect(f.samples).rms > 0.01).length, 'hold music is audible').toBeGreaterThan(30);
    expect(waiting.filter((f) => detect(f.samples).tone !== null).length).toBe(0);

    // Alice answers: two-way audio, measured both ways.
    const grant = (await alice('POST', `/api/calls/${queued.id}/accept`)).body;
    const a = await ToneParticipant.join({ url: grant.livekitUrl, token: grant.token, label: 'alice', freq: A, targets: TONES });
    open.push(a);
    expect(await a.waitFor(CALLER, performance.now(), 10_000), 'Alice hears the phone caller').not.toBeNull();
    await phoneEventually(stack, async () => phoneHeard(media.played, A, performance.now() - 1000, performance.now(), TONES).withTone > 20, 10_000, 'the phone caller hears Alice');

    // Hold: the phone caller hears hold music again, not Alice.
    expect((await alice('POST', `/api/calls/${queued.id}/hold`, { hold: true })).status).toBe(200);
    await sleep(800);
    const h0 = performance.now();
    await sleep(1500);
    const held = phoneHeard(media.played, A, h0, performance.now(), TONES);
    expect(held.frames).toBeGreaterThan(40);
    expect(held.withTone, 'the held phone caller heard Alice').toBe(0);
    expect(a.count([CALLER], h0, performance.now()), 'Alice heard the held phone caller').toBe(0);
    expect((await alice('POST', `/api/calls/${queued.id}/hold`, { hold: false })).status).toBe(200);
    expect(await a.waitFor(CALLER, performance.now(), 10_000), 'Alice hears the caller again after hold').not.toBeNull();

    // Transfer to a phone specialist, then complete: the two phones talk, Alice is gone.
    const number = '+15550109999';
    stack.twilio.behave(number, { answer: 'human', toneHz: SPECIALIST, ringMs: 100 });
    const t = (await alice('POST', `/api/calls/${queued.id}/transfers`, { target: { type: 'phone', number }, notes: 'Wants to port a number.' })).body;
    await eventually(async () => (await alice('GET', `/api/transfers/${t.id}`)).body.state === 'consulting', 15_000, 'consulting');
    const specialist = await (await stack.twilio.waitForCall({ to: number })).waitForMedia(10_000);
    expect((await alice('POST', `/api/transfers/${t.id}/complete`, {})).body.state).toBe('completed');
    // Two bridges and the emulator share this process with the API: under a loaded CI machine the
    // phone-to-phone path is the slowest to settle, so it gets a longer bound (the claim is "heard");
    // a slow or failed wait prints what each bridge was doing. (It used to fail now and then with no
    // bridge left: a refresh that read the call before the completion's commit and the transfer after
    // it closed the specialist's leg, and the call was hung up; see phone-leg-races.test.ts.)
    await phoneEventually(stack, async () => phoneHeard(media.played, SPECIALIST, performance.now() - 1500, performance.now(), TONES).withTone > 15, 25_000, 'the caller hears the specialist');
    await phoneEventually(stack, async () => phoneHeard(specialist.played, CALLER, performance.now() - 1500, performance.now(), TONES).withTone > 15, 25_000, 'the specialist hears the caller');

    // The specialist hangs up: the call ends and the caller's phone leg is hung up too.
    await (await stack.twilio.waitForCall({ to: number })).hangUp();
    await inbound.waitForStatus('completed', 10_000);
    expect((await alice('GET', `/api/calls/${queued.id}`)).body).toMatchObject({ state: 'ended', endReason: 'specialist_hung_up' });
  }, 120_000);
});
