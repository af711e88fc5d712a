// Issue 12, consult controls, proven by measured audio in three Chromium processes:
// caller 440 Hz, Agent A (Alice) 660 Hz, Agent B (Bob) 880 Hz. B leaves the consultation;
// A talks to the caller (B held), back to B (the caller held), conferences, then completes.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { assertNeverHeard, measure, waitUntilHears, waitUntilSilent } from './support/audio-probe.js';
import { acceptFirstCall, callIdOf, callState, client, placeCall, callerAndTwoAgents } from './support/app.js';
import { chooseTransferTarget } from './support/directory.js';

const CALLER = 440;
const A = 660;
const B = 880;

const roles = callerAndTwoAgents({ WRAP_UP_TIMEOUT_S: '0' });

const connected = (page: Page) => page.getByTestId('room-connection').first().getAttribute('data-connected');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The caller with Alice, transferred to Bob, Bob consulting with Alice (the caller held). */
async function consultation(name: string): Promise<{ callId: string; asked: number }> {
  const room = await placeCall(roles.caller.page, roles.stack, name, 'Refund for order 66120, charged twice');
  await acceptFirstCall(roles.alice.page, name);
  await expect.poll(() => callState(roles.caller.page), { timeout: 15_000 }).toBe('active');
  await waitUntilHears(roles.caller.page, A, 15_000);
  await chooseTransferTarget(roles.alice.page, { agent: 'Bob' });
  await roles.alice.page.getByTestId('transfer-notes').fill('Charged twice; needs a refund approval.');
  const asked = Date.now();
  await roles.alice.page.getByTestId('transfer-start').click();
  const card = roles.bob.page.getByTestId('incoming-transfer');
  await expect.poll(() => card.getAttribute('data-state'), { timeout: 10_000 }).toBe('ringing');
  await roles.bob.page.getByTestId('incoming-accept').click();
  await expect.poll(() => card.getAttribute('data-state'), { timeout: 10_000 }).toBe('consulting');
  await expect.poll(() => connected(roles.bob.page), { timeout: 15_000 }).toBe('true');
  await waitUntilHears(roles.bob.page, A, 15_000);
  await waitUntilHears(roles.alice.page, B, 15_000);
  return { callId: callIdOf(room), asked };
}

/** A settled window: let in-flight audio drain after a switch, then observe. */
async function window(ms = 2000) {
  await sleep(300);
  const since = Date.now();
  await sleep(ms);
  return { since, until: Date.now() };
}

async function endCall(callId: string, who: 'alice' | 'bob') {
  await roles.caller.page.getByTestId('hangup-button').click();
  const api = client(roles.stack.baseUrl, await roles.stack.login(who));
  await expect.poll(async () => (await api('GET', `/api/calls/${callId}`)).body.state, { timeout: 15_000 }).toBe('ended');
}

describe('consult controls in the console', () => {
  it('B leaves the consultation: the caller is back with A, B is out, and the caller never heard B', async () => {
    const { callId, asked } = await consultation('Lena');
    await roles.bob.page.getByTestId('consult-leave').click();
    await waitUntilHears(roles.caller.page, A, 15_000);
    await waitUntilHears(roles.alice.page, CALLER, 15_000);
    await expect.poll(() => connected(roles.bob.page), { timeout: 10_000 }).not.toBe('true');
    await expect.poll(() => roles.bob.page.getByTestId('incoming-transfer').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => roles.alice.page.getByTestId('transfer-outcome').first().textContent(), { timeout: 10_000 }).toMatch(/left the consultation/);
    const back = await measure(roles.caller.page, 1500);
    expect(back[A]).toBeGreaterThan(0.8);
    await assertNeverHeard(roles.caller.page, B, asked, { what: 'caller during and after a consultation B left' });
    await endCall(callId, 'alice');
  });

  it('A talks to the caller (B held), back to B (the caller held), conferences, then completes', async () => {
    const { callId, asked } = await consultation('Omar');
    const controls = roles.alice.page.getByTestId('consult-controls');

    // Talk to the caller, from the keyboard: B is held by the server.
    await roles.alice.page.getByTestId('consult-talk-caller').focus();
    await roles.alice.page.keyboard.press('Enter');
    await expect.poll(() => controls.getAttribute('data-talk-to'), { timeout: 10_000 }).toBe('caller');
    expect(await roles.alice.page.getByTestId('party-target').getAttribute('data-held')).toBe('true');
    expect(await roles.alice.page.getByTestId('consult-talk-caller').getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => roles.bob.page.getByTestId('consult-words').getAttribute('data-talk-to'), { timeout: 10_000 }).toBe('caller');
    await waitUntilHears(roles.caller.page, A, 15_000);
    await waitUntilHears(roles.alice.page, CALLER, 15_000);
    await waitUntilSilent(roles.bob.page, A, 10_000);
    let w = await window();
    await assertNeverHeard(roles.caller.page, B, asked, { until: w.until, what: 'caller while A talks to them (B held)' });
    await assertNeverHeard(roles.alice.page, B, w.since, { until: w.until, what: 'A while B is held' });
    await assertNeverHeard(roles.bob.page, [A, CALLER], w.since, { until: w.until, what: 'held B' });
    expect((await measure(roles.caller.page, 1000))[A]).toBeGreaterThan(0.8);

    // Back to B: the caller is held again.
    await roles.alice.page.getByTestId('consult-talk-target').click();
    await expect.poll(() => controls.getAttribute('data-talk-to'), { timeout: 10_000 }).toBe('target');
    await waitUntilHears(roles.bob.page, A, 15_000);
    await waitUntilHears(roles.alice.page, B, 15_000);
    await waitUntilSilent(roles.caller.page, A, 10_000);
    w = await window();
    await assertNeverHeard(roles.caller.page, [A, B], w.since, { until: w.until, what: 'held caller' });
    await assertNeverHeard(roles.alice.page, CALLER, w.since, { until: w.until, what: 'A while the caller is held' });
    await assertNeverHeard(roles.bob.page, CALLER, asked, { until: w.until, what: 'B before the conference' });

    // Conference: all three hear each other.
    await roles.alice.page.getByTestId('consult-talk-both').click();
    await expect.poll(() => controls.getAttribute('data-talk-to'), { timeout: 10_000 }).toBe('both');
    await waitUntilHears(roles.caller.page, B, 15_000);
    await waitUntilHears(roles.bob.page, CALLER, 15_000);
    const [c, a, b] = await Promise.all([measure(roles.caller.page, 1500), measure(roles.alice.page, 1500), measure(roles.bob.page, 1500)]);
    console.log(`conference (fraction of 20 ms blocks): caller ${JSON.stringify(c)} alice ${JSON.stringify(a)} bob ${JSON.stringify(b)}`);
    for (const [who, f] of [['caller hears A', c[A]], ['caller hears B', c[B]], ['A hears caller', a[CALLER]], ['A hears B', a[B]], ['B hears caller', b[CALLER]], ['B hears A', b[A]]] as const) {
      expect(f, who).toBeGreaterThan(0.5);
    }

    // Hand over: A leaves; the caller hears B only.
    await roles.alice.page.getByTestId('transfer-complete').click();
    await waitUntilSilent(roles.caller.page, A, 10_000);
    await expect.poll(() => connected(roles.alice.page), { timeout: 10_000 }).not.toBe('true');
    const after = await measure(roles.caller.page, 1500);
    console.log(`after completion, the caller: ${JSON.stringify(after)}`);
    expect(after[B]).toBeGreaterThan(0.8);
    expect(after[A]).toBe(0);
    await endCall(callId, 'bob');
  });
});
