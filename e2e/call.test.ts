// Issue 3: a web caller and an agent talk over a real LiveKit server. Every claim
// about audio is a measurement: each browser's fake microphone plays its own tone
// and the probe analyses what each page actually receives over WebRTC.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchRole, type RoleBrowser } from './support/browser.js';
import { measure, waitUntilHears, waitUntilSilent } from './support/audio-probe.js';
import { acceptFirstCall, callIdOf, callState, client, placeCall, signInAgent, startStack, type Stack } from './support/app.js';

const CALLER = 440;
const AGENT = 660;

let stack: Stack;
let caller: RoleBrowser;
let agent: RoleBrowser;

beforeAll(async () => {
  stack = await startStack();
  [caller, agent] = await Promise.all([launchRole('caller', CALLER), launchRole('agent-a', AGENT)]);
});
afterAll(async () => {
  await Promise.all([caller?.close(), agent?.close()]);
  await stack?.stop();
});

describe('a web caller and an agent', () => {
  it('hear each other, hear nothing while on hold, hear each other again on resume, and hang up', async () => {
    await signInAgent(agent.page, stack, 'alice');
    const room = await placeCall(caller.page, stack, 'Quinn', 'My order 5521 arrived damaged');
    expect(room).toMatch(/^call-/);
    await expect.poll(() => caller.page.getByTestId('queue-position').textContent()).toMatch(/1/);
    expect(await caller.page.getByTestId('hold-music').getAttribute('data-playing')).toBe('true');

    await acceptFirstCall(agent.page, 'Quinn');
    await expect.poll(() => callState(caller.page), { timeout: 15_000 }).toBe('active');
    await expect.poll(() => caller.page.getByTestId('agent-name').textContent()).toMatch(/Alice/);

    // Two-way audio, measured.
    await waitUntilHears(caller.page, AGENT, 15_000);
    await waitUntilHears(agent.page, CALLER, 15_000);
    const talking = { caller: await measure(caller.page, 1500), agent: await measure(agent.page, 1500) };
    expect(talking.caller[AGENT]).toBeGreaterThan(0.8);
    expect(talking.agent[CALLER]).toBeGreaterThan(0.8);

    // Hold: enforced by LiveKit, so silence both ways.
    await agent.page.getByTestId('hold-button').click();
    await expect.poll(() => callState(caller.page), { timeout: 10_000 }).toBe('on_hold');
    await waitUntilSilent(caller.page, AGENT, 10_000);
    await waitUntilSilent(agent.page, CALLER, 10_000);
    const held = { caller: await measure(caller.page, 2000), agent: await measure(agent.page, 2000) };
    expect(held.caller[AGENT]).toBe(0);
    expect(held.agent[CALLER]).toBe(0);
    expect(await caller.page.getByTestId('hold-music').getAttribute('data-playing')).toBe('true');

    // Resume: two-way audio is back (the caller re-publishes its microphone).
    await agent.page.getByTestId('hold-button').click();
    await waitUntilHears(caller.page, AGENT, 15_000);
    await waitUntilHears(agent.page, CALLER, 15_000);
    const resumed = { caller: await measure(caller.page, 1500), agent: await measure(agent.page, 1500) };
    expect(resumed.caller[AGENT]).toBeGreaterThan(0.8);
    expect(resumed.agent[CALLER]).toBeGreaterThan(0.8);

    // Hang up from the caller page: the API says the call is ended.
    await caller.page.getByTestId('hangup-button').click();
    const alice = client(stack.baseUrl, await stack.login('alice'));
    await expect
      .poll(async () => (await alice('GET', `/api/calls/${callIdOf(room)}`)).body.state, { timeout: 15_000 })
      .toBe('ended');
    const timeline = (await alice('GET', `/api/calls/${callIdOf(room)}`)).body.timeline.map((e: { type: string }) => e.type);
    expect(timeline).toEqual(expect.arrayContaining(['created', 'accepted', 'held', 'resumed', 'ended']));
    await expect.poll(() => agent.page.getByTestId('current-call').count(), { timeout: 15_000 }).toBe(0);
  });
});
