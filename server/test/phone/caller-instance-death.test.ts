// A customer who phoned in is talking to a web agent when the API instance holding their Media
// Stream dies (SIGKILL). Their TwiML's <Connect action> makes Twilio (the emulator) ask what next;
// the load balancer (here: the emulator's app link and LiveKit's webhook relay, moved to the
// surviving instance) sends that to the other instance, which answers, from the record, a fresh
// stream for the same leg: the bridge joins the room again as the caller, the call stays live with
// the same agent, and the two hear each other again (measured both ways, with tones). And when the
// record no longer wants the leg, the action answers <Hangup/> and the phone call ends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevLivekit } from '../../../devkit/dev-livekit.js';
import { twilioSignature, type EmulatedCall, type TwilioEmulator } from '../../../devkit/twilio-emulator/emulator.js';
import { eventually } from '../../../testkit/participants.js';
import { phoneHeard, TWILIO } from '../../../testkit/phone-stack.js';
import { client, freePort, TEST_PASSWORD } from '../../../testkit/stack.js';
import { ToneParticipant } from '../../../testkit/tone-participant.js';
import { callerIdentity } from '../../src/livekit/media.js';
import type { ApiProcess } from '../support/api-process.js';
import { startPhoneRig, type PhoneRig } from '../support/phone-rig.js';

const CALLER = 440;
const A = 660;
const TONES = [CALLER, A] as const;
/** Kill → both directions heard again: the claim is "the caller is back with the agent", so the bound is generous. */
const BACK_WITHIN_MS = 15_000;

let rig: PhoneRig;
let livekit: DevLivekit;
let twilio: TwilioEmulator;
let apis: ApiProcess[] = [];
let open: PhoneRig['open'] = [];
const emails = ['caller-death-alice@warmline.test', 'caller-death-bea@warmline.test', 'caller-death-cai@warmline.test'] as const;

/** An API instance; `restBaseUrl` is where its Twilio REST requests go (default: the emulator). */
const spawnApi = (port: number, restBaseUrl = twilio.restBaseUrl) => rig.spawnApi(port, { RECONNECT_GRACE_S: '5', TWILIO_API_BASE_URL: restBaseUrl });

/** As a load balancer would: Twilio's requests and LiveKit's webhooks go to `api` from now on. */
const routeTo = (api: ApiProcess) => {
  twilio.setAppUrl(api.baseUrl);
  livekit.setWebhookTarget(`${api.baseUrl}/livekit/webhook`);
};

const isAction = (url: string) => url.includes('/twilio/stream-ended');

/** The URLs the call fetched documents from (its <Connect action> requests), and when each was asked and answered. */
const spyFetches = (call: EmulatedCall) => {
  const urls: string[] = [];
  const times: Array<{ url: string; at: number; answeredAt: number }> = [];
  const fetchDocument = call.fetchDocument.bind(call);
  call.fetchDocument = async (url: string) => {
    urls.push(url);
    const at = performance.now();
    const doc = await fetchDocument(url);
    times.push({ url, at, answeredAt: performance.now() });
    return doc;
  };
  return Object.assign(urls, { times });
};

/** A phone caller answered by an agent (a tone participant), with two-way audio measured; `api` holds the stream. */
async function answeredPhoneCall(api: ApiProcess, from: string, email: string) {
  const login = await client(api.baseUrl)('POST', '/api/auth/login', { email, password: TEST_PASSWORD });
  const token = login.body.token as string;
  const alice = client(api.baseUrl, token);
  const inbound = await twilio.placeInbound({ from, toneHz: CALLER });
  const fetched = spyFetches(inbound);
  const queued = await eventually(async () => {
    const q = (await alice('GET', '/api/queue')).body as Array<{ id: string; channel: string; callerName: string }>;
    return q.find((c) => c.channel === 'phone' && c.callerName.endsWith(from.slice(-4)));
  }, 15_000, 'the phone caller in the queue');
  const media = await inbound.waitForMedia(10_000);
  const grant = (await alice('POST', `/api/calls/${queued.id}/accept`)).body;
  const a = await ToneParticipant.join({ url: grant.livekitUrl, token: grant.token, label: 'alice', freq: A, targets: TONES });
  open.push(a);
  expect(await a.waitFor(CALLER, performance.now(), 15_000), 'Alice hears the phone caller').not.toBeNull();
  await eventually(async () => phoneHeard(media.played, A, performance.now() - 1000, performance.now(), TONES).withTone > 20, 15_000, 'the phone caller hears Alice');
  return { alice, token, inbound, fetched, callId: queued.id as string, media, a };
}

beforeAll(async () => {
  rig = await startPhoneRig({
    label: 'caller-death',
    appUrl: 'http://127.0.0.1:1', // routeTo() points it at an instance
    livekitWebhook: 'relay',
    agents: [
      { email: emails[0], name: 'Alice' },
      { email: emails[1], name: 'Bea' },
      { email: emails[2], name: 'Cai' },
    ],
  });
  ({ livekit, twilio, apis, open } = rig);
}, 120_000);

afterAll(async () => rig?.stop());

describe('the API instance holding a phone caller’s stream dies', () => {
  /** The instance holding the stream ends by `signal`; Twilio follows the action to `second`. */
  async function handedOn(signal: 'SIGKILL' | 'SIGTERM', first: ApiProcess, second: ApiProcess, from: string, email: string) {
    routeTo(first);
    const answered = await answeredPhoneCall(first, from, email);
    const { inbound, fetched, callId, media, a } = answered;
    const alice = client(second.baseUrl, answered.token); // the session is in Postgres: any instance
    const before = (await alice('GET', `/api/calls/${callId}`)).body;
    expect(before).toMatchObject({ state: 'active', agentId: expect.any(String) });

    routeTo(second);
    const killedAt = performance.now();
    await first.kill(signal);
    await media.closed;
    const closedAt = performance.now();
    expect(media.closedByPhone, 'the phone did not hang up').toBe(false);

    // Twilio asks the action (on the surviving instance) and opens a second stream for the same leg.
    await eventually(async () => inbound.streams.length === 2, 10_000, 'a second media stream');
    const streamAt = performance.now();
    const again = inbound.streams[1]!;
    expect(fetched.filter(isAction), 'Twilio requested the <Connect action>').toEqual([expect.stringMatching(/^https:\/\/warmline\.test\/twilio\/stream-ended\?leg=/)]);
    expect(inbound.errors, 'no application error at Twilio').toEqual([]);

    // Both directions, measured on the new stream only (nothing on it predates the kill), and at
    // Alice from the new bridge's track only (subscribed after the kill).
    const subscribedAt = await eventually(async () => a.firstSubscribedFrom(callerIdentity(callId), killedAt), BACK_WITHIN_MS, 'Alice gets the new bridge’s track');
    const aliceHeardAt = await a.waitFor(CALLER, Math.max(streamAt, subscribedAt), BACK_WITHIN_MS);
    expect(aliceHeardAt, 'Alice hears the phone caller again').not.toBeNull();
    await eventually(async () => phoneHeard(again.played, A, 0, performance.now(), TONES).withTone > 5, BACK_WITHIN_MS, 'the phone caller hears Alice again');
    const detectA = phoneHeard(again.played, A, 0, performance.now(), TONES);
    const phoneHeardAt = again.played.find((f) => f.atMs >= streamAt && phoneHeard([f], A, 0, Infinity, TONES).withTone === 1)?.atMs ?? NaN;
    const action = fetched.times.find((t) => isAction(t.url))!;
    const ms = (t: number) => Math.round(t - killedAt);
    console.info(
      `[caller-instance-death ${signal}] signal → old stream closed ${ms(closedAt)} ms; → action asked ${ms(action.at)} ms, answered ${ms(action.answeredAt)} ms; ` +
        `→ second stream seen ${Math.round(streamAt - killedAt)} ms; kill → Alice hears the caller ${Math.round(aliceHeardAt! - killedAt)} ms; ` +
        `kill → the caller hears Alice ${Math.round(phoneHeardAt - killedAt)} ms (frames with A so far: ${detectA.withTone})`,
    );
    expect(aliceHeardAt! - killedAt).toBeLessThan(BACK_WITHIN_MS);
    expect(phoneHeardAt - killedAt).toBeLessThan(BACK_WITHIN_MS);

    // The record never moved: the same call, live, with the same agent; Twilio's call is still up.
    const after = (await alice('GET', `/api/calls/${callId}`)).body;
    expect(after).toMatchObject({ state: 'active', agentId: before.agentId });
    expect(inbound.status).toBe('in-progress');

    // Past the reconnect grace period, still together: the old bridge's departure did not count.
    await new Promise((r) => setTimeout(r, 6000));
    expect((await alice('GET', `/api/calls/${callId}`)).body).toMatchObject({ state: 'active', agentId: before.agentId });
    const t0 = performance.now() - 1000;
    expect(a.count([CALLER], t0, performance.now()), 'Alice still hears the caller').toBeGreaterThan(10);
    expect(phoneHeard(again.played, A, t0, performance.now(), TONES).withTone, 'the caller still hears Alice').toBeGreaterThan(10);

    // Alice hangs up: Twilio's call ends over REST, and no third stream is opened.
    expect((await alice('POST', `/api/calls/${callId}/hangup`)).status).toBe(200);
    await inbound.waitForStatus('completed', 15_000);
    expect(inbound.streams.length).toBe(2);
  }

  it('killed (SIGKILL): Twilio follows <Connect action> to a surviving instance: same call, same agent, both hear each other again', async () => {
    const [first, second] = [await spawnApi(await freePort()), await spawnApi(await freePort())];
    await handedOn('SIGKILL', first, second, '+447700900555', emails[0]);
  }, 180_000);

  it('shut down (SIGTERM): the same — the closing instance does not count the stream ending as a hang-up', async () => {
    const second = apis.find((a) => a.alive())!;
    const third = await spawnApi(await freePort());
    await handedOn('SIGTERM', second, third, '+447700900777', emails[2]);
  }, 180_000);


  it('the record no longer wants the leg: the action answers <Hangup/> and the phone call ends', async () => {
    // Twilio's REST is unreachable from this instance, so the hang-up over REST fails and the bridge
    // closes the stream itself: Twilio asks the action, which must answer from the record.
    for (const other of apis) if (other.alive()) await other.kill('SIGKILL'); // their REST works: they would hang it up
    const unreachable = `http://127.0.0.1:${await freePort()}`;
    const api = await spawnApi(await freePort(), unreachable);
    routeTo(api);
    const { alice, inbound, fetched, callId, media } = await answeredPhoneCall(api, '+447700900666', emails[1]);
    const restBefore = twilio.requests.length;

    expect((await alice('POST', `/api/calls/${callId}/hangup`)).status).toBe(200);
    await inbound.waitForStatus('completed', 15_000);
    expect(media.closedByPhone, 'the phone did not hang up').toBe(false);
    expect(fetched.filter(isAction), 'Twilio requested the <Connect action>').toHaveLength(1);
    expect(inbound.streams.length, 'no second stream').toBe(1);
    expect(inbound.errors).toEqual([]);
    expect(twilio.requests.length, 'no REST request reached Twilio').toBe(restBefore);

    // The action itself, as Twilio signs it: <Hangup/> for a call that is over.
    const url = fetched.filter(isAction)[0]!;
    const params = { ...inbound.baseParams(), CallStatus: 'in-progress' };
    const res = await fetch(api.baseUrl + url.slice(TWILIO.publicUrl.length), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(TWILIO.authToken, url, params) },
      body: new URLSearchParams(params).toString(),
    });
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('<Hangup/>');
    expect(body).not.toContain('<Stream');

    // Unsigned: refused, as every Twilio webhook.
    const forged = await fetch(api.baseUrl + url.slice(TWILIO.publicUrl.length), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'forged' },
      body: new URLSearchParams(params).toString(),
    });
    expect(forged.status).toBe(403);
  }, 120_000);
});
