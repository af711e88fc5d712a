// The API instance carrying a phone leg dies (SIGKILL) mid-consultation. Its bridge's socket
// closes, so Twilio (the emulator) ends the specialist's call, and Twilio's report of that is
// lost: nobody listens on the port. The restarted API must find the leg gone by itself and give
// the caller back to Agent A, off hold — never left on hold forever (docs/PHONES.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TwilioEmulator } from '../../../devkit/twilio-emulator/emulator.js';
import { eventually } from '../../../testkit/participants.js';
import { phoneHeard } from '../../../testkit/phone-stack.js';
import { client, freePort, TEST_PASSWORD } from '../../../testkit/stack.js';
import { ToneParticipant } from '../../../testkit/tone-participant.js';
import type { ApiProcess } from '../support/api-process.js';
import { startPhoneRig, type PhoneRig } from '../support/phone-rig.js';

const CALLER = 440;
const A = 660;
const PHONE = 1000;
const TONES = [CALLER, A, PHONE] as const;

let rig: PhoneRig;
let twilio: TwilioEmulator;
let port = 0;
let api: ApiProcess | null = null;
const aliceEmail = 'death-alice@warmline.test';
let open: PhoneRig['open'] = [];

const spawnApi = async () => (api = await rig.spawnApi(port, { RECONNECT_GRACE_S: '2' }));

beforeAll(async () => {
  port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  rig = await startPhoneRig({ label: 'death', appUrl: base, livekitWebhook: `${base}/livekit/webhook`, agents: [{ email: aliceEmail, name: 'Alice' }] });
  twilio = rig.twilio;
  open = rig.open;
  await spawnApi();
}, 120_000);

afterAll(async () => rig?.stop());

describe('the API instance carrying a phone leg dies', () => {
  it('the caller is back with Agent A, off hold, after a restart finds the leg gone; nothing stays connected at Twilio', async () => {
    const base = `http://127.0.0.1:${port}`;
    const login = await client(base)('POST', '/api/auth/login', { email: aliceEmail, password: TEST_PASSWORD });
    const alice = client(base, login.body.token);
    const call = (await client(base)('POST', '/api/calls', { name: 'Dana Death', reason: 'Refund' })).body;
    const caller = await ToneParticipant.join({ url: call.livekitUrl, token: call.token, label: 'caller', freq: CALLER, targets: TONES });
    open.push(caller);
    const grant = (await alice('POST', `/api/calls/${call.id}/accept`)).body;
    const a = await ToneParticipant.join({ url: grant.livekitUrl, token: grant.token, label: 'alice', freq: A, targets: TONES });
    open.push(a);
    expect(await a.waitFor(CALLER, performance.now(), 15_000)).not.toBeNull();

    const number = '+15550107777';
    twilio.behave(number, { answer: 'human', toneHz: PHONE, ringMs: 100 });
    const t = (await alice('POST', `/api/calls/${call.id}/transfers`, { target: { type: 'phone', number } })).body;
    await eventually(async () => (await alice('GET', `/api/transfers/${t.id}`)).body.state === 'consulting', 20_000, 'consulting');
    const phoneCall = await twilio.waitForCall({ to: number });
    const media = await phoneCall.waitForMedia(10_000);
    await eventually(async () => phoneHeard(media.played, A, performance.now() - 1000, performance.now(), TONES).withTone > 10, 15_000, 'the phone hears A');

    await api!.kill('SIGKILL');
    // The socket died with the process: Twilio ends the specialist's call; its report finds no one.
    await phoneCall.waitForStatus('completed', 15_000);
    await phoneCall.callbacksDelivered();
    const report = phoneCall.callbacks.find((c) => c.params.CallStatus === 'completed');
    expect(report, 'Twilio reported the end').toBeDefined();
    expect(report!.status, 'nobody took the report').not.toBe(204);

    await spawnApi();
    await eventually(async () => (await alice('GET', `/api/transfers/${t.id}`)).body.state === 'failed', 60_000, 'the transfer fails');
    expect((await alice('GET', `/api/transfers/${t.id}`)).body.failReason).toBe('target_left');
    expect((await alice('GET', `/api/calls/${call.id}`)).body).toMatchObject({ state: 'active', agentId: expect.any(String) });
    expect(await caller.waitFor(A, performance.now(), 20_000), 'the caller hears Alice again').not.toBeNull();
  }, 180_000);
});
