// Issue 10: warm transfer to a phone specialist, driven through the agent console, proven by
// measured audio. Caller in Chromium (440 Hz), Alice in Chromium (660 Hz), the specialist is the
// Twilio emulator's phone (1000 Hz); what the phone heard is Goertzel on the μ-law it received.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { phoneHeard, startPhoneStack, type PhoneStack } from '../testkit/phone-stack.js';
import { assertNeverHeard, measure, waitUntilHears, waitUntilSilent } from './support/audio-probe.js';
import { acceptFirstCall, callIdOf, callState, client, placeCall, signInAgent } from './support/app.js';
import { chooseTransferTarget } from './support/directory.js';
import { launchRole, type RoleBrowser } from './support/browser.js';

const CALLER = 440;
const A = 660;
const PHONE = 1000;
const TONES = [CALLER, A, PHONE] as const;
const TYPED = '+1 555 010 4242';
const NUMBER = '+15550104242';

let stack: PhoneStack;
let caller: RoleBrowser;
let alice: RoleBrowser;

beforeAll(async () => {
  // No after-call work here (WRAP_UP_TIMEOUT_S 0): the phone is under test; transfer.test.ts covers wrap-up.
  stack = await startPhoneStack({ env: { TRANSFER_RING_TIMEOUT_S: '20', WRAP_UP_TIMEOUT_S: '0' } });
  [caller, alice] = await Promise.all([launchRole('caller', CALLER), launchRole('agent-a', A)]);
  await signInAgent(alice.page, stack, 'alice');
});
afterAll(async () => {
  await Promise.all([caller?.close(), alice?.close()]);
  await stack?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const panel = (page: Page) => page.getByTestId('transfer-panel');

/** Every phone stage the panel shows, in order, recorded in the page (a poll could miss a short one). */
async function recordStages(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { __stages: string[] };
    w.__stages = [];
    const note = () => {
      const s = document.querySelector('[data-testid="transfer-panel"]')?.getAttribute('data-phone-stage');
      if (s && w.__stages[w.__stages.length - 1] !== s) w.__stages.push(s);
    };
    new MutationObserver(note).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-phone-stage'] });
    note();
  });
  return () => page.evaluate(() => (window as unknown as { __stages: string[] }).__stages);
}

describe('warm transfer to a phone specialist', () => {
  it('Alice transfers to a typed number through the console: the phone hears only Alice while the caller is held, then caller and phone talk', async () => {
    stack.twilio.behave(NUMBER, { answer: 'human', toneHz: PHONE, ringMs: 2500 });
    const room = await placeCall(caller.page, stack, 'Nora', 'Refund for order 55120, charged twice');
    const callId = callIdOf(room);
    await acceptFirstCall(alice.page, 'Nora');
    await expect.poll(() => callState(caller.page), { timeout: 15_000 }).toBe('active');
    await waitUntilHears(caller.page, A, 15_000);
    await waitUntilHears(alice.page, CALLER, 15_000);

    // The form: Phone, a number outside the allow-list is refused inline and nothing is dialled.
    const page = alice.page;
    await chooseTransferTarget(page, { phone: true });
    await expect.poll(() => page.getByTestId('transfer-phone-prefixes').textContent()).toMatch(/\+1 or \+44/);
    await page.getByTestId('transfer-phone-number').fill('+33 1 23 45 67 89');
    await expect.poll(() => page.getByTestId('transfer-phone-error').textContent()).toMatch(/cannot be dialled/);
    // Send is aria-disabled, not disabled, so a click can say why: force past Playwright's enabled check.
    expect(await page.getByTestId('transfer-start').getAttribute('aria-disabled')).toBe('true');
    await page.getByTestId('transfer-start').click({ force: true });
    await expect.poll(() => page.getByTestId('transfer-phone-number').evaluate((el) => el === document.activeElement)).toBe(true);
    expect(stack.twilio.calls.length, 'a refused number was dialled').toBe(0);

    // As agents type numbers: spaces are fine, and the console shows what it will dial.
    await page.getByTestId('transfer-phone-number').fill(TYPED);
    await expect.poll(() => page.getByTestId('transfer-phone-normalised').textContent()).toBe(NUMBER);
    await page.getByTestId('transfer-notes').fill('Verified identity; refund is approved, needs a card-team override.');
    const stages = await recordStages(page);
    await page.getByTestId('transfer-start').click();

    // Progress: ringing with its timer, answered (the whisper), then on the line.
    await expect.poll(() => panel(page).getAttribute('data-phone-stage'), { timeout: 10_000 }).toBe('ringing');
    await expect.poll(() => page.getByTestId('transfer-ring-timer').textContent()).toMatch(/^\d+ s$/);
    expect(await panel(page).textContent()).toMatch(/4242/);
    await expect.poll(() => callState(caller.page), { timeout: 10_000 }).toBe('on_hold');
    await waitUntilSilent(caller.page, A, 10_000);
    const phoneCall = await stack.twilio.waitForCall({ to: NUMBER }, 10_000);
    await expect.poll(() => panel(page).getAttribute('data-phone-stage'), { timeout: 20_000 }).toBe('on_line');
    expect(await panel(page).getAttribute('data-state')).toBe('consulting');
    await expect.poll(() => panel(page).textContent()).toMatch(/On the line with/);
    const seen = await stages();
    expect(seen.filter((s) => s !== 'dialling'), `stages shown: ${seen.join(' → ')}`).toEqual(['ringing', 'answered', 'on_line']);
    expect(phoneCall.said.join(' '), 'the whisper names the customer').toMatch(/Nora/);

    // The consultation: Alice and the phone talk; the phone never hears the held caller, who hears neither.
    const media = await phoneCall.waitForMedia(10_000);
    await waitUntilHears(page, PHONE, 15_000);
    await expect.poll(() => phoneHeard(media.played, A, performance.now() - 1000, performance.now(), TONES).withTone, { timeout: 15_000 }).toBeGreaterThan(25);
    const since = Date.now();
    const fromPerf = performance.now();
    await sleep(2500); // the observation window
    const until = Date.now();
    const toPerf = performance.now();
    await assertNeverHeard(caller.page, [A, PHONE], since, { until, what: 'held caller during the phone consultation' });
    const heardCaller = phoneHeard(media.played, CALLER, fromPerf, toPerf, TONES);
    expect(heardCaller.frames, 'the phone received audio in the window').toBeGreaterThan(100);
    expect(heardCaller.withTone, 'the phone heard the held caller').toBe(0);
    expect(phoneHeard(media.played, A, fromPerf, toPerf, TONES).withTone, 'the phone hears Alice').toBeGreaterThan(heardCaller.frames * 0.6);
    expect(await caller.page.getByTestId('hold-music').getAttribute('data-playing')).toBe('true');

    // Complete: Alice leaves; the caller hears the phone and never Alice again; the phone hears the caller.
    const done = Date.now();
    await page.getByTestId('transfer-complete').click();
    await waitUntilHears(caller.page, PHONE, 15_000);
    await expect.poll(() => phoneHeard(media.played, CALLER, performance.now() - 1000, performance.now(), TONES).withTone, { timeout: 15_000 }).toBeGreaterThan(25);
    const afterPerf = performance.now();
    const after = await measure(caller.page, 1500);
    const phoneAfter = phoneHeard(media.played, CALLER, afterPerf, performance.now(), TONES);
    expect(after[PHONE]).toBeGreaterThan(0.8);
    expect(after[A]).toBe(0);
    await assertNeverHeard(caller.page, A, done, { what: 'caller after completion' });
    expect(phoneAfter.withTone, 'the phone hears the caller').toBeGreaterThan(phoneAfter.frames * 0.6);
    expect(phoneHeard(media.played, A, afterPerf, performance.now(), TONES).withTone, 'the phone still hears Alice').toBe(0);

    // Alice is out of the room and told where the call went; the record says a phone has it.
    await expect.poll(() => page.getByTestId('room-connection').first().getAttribute('data-connected'), { timeout: 10_000 }).not.toBe('true');
    await expect.poll(() => page.getByTestId('current-call').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => page.getByTestId('transfer-outcome').first().getAttribute('data-outcome'), { timeout: 10_000 }).toBe('completed');
    const api = client(stack.baseUrl, await stack.login('alice'));
    const view = (await api('GET', `/api/calls/${callId}`)).body;
    expect(view).toMatchObject({ state: 'active', agentId: null });
    expect(view.timeline.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['phone_dialed', 'phone_ringing', 'phone_answered', 'phone_connected', 'transfer_completed', 'handed_over']),
    );

    // Recent calls read sensibly: with a phone specialist, by masked number.
    await page.getByRole('button', { name: 'Recent calls' }).click();
    const row = page.getByTestId('recent-call').filter({ hasText: 'Nora' });
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toMatch(/with a phone specialist/);
    await row.click();
    await expect.poll(() => page.getByTestId('call-detail-agent').textContent(), { timeout: 10_000 }).toMatch(/phone specialist.*4242/);
    await page.keyboard.press('Escape');

    // The caller hangs up: the call ends and the phone leg is hung up.
    await caller.page.getByTestId('hangup-button').click();
    await expect.poll(async () => (await api('GET', `/api/calls/${callId}`)).body.state, { timeout: 15_000 }).toBe('ended');
    await phoneCall.waitForStatus('completed', 10_000);
  });

  it('a customer who dials in shows as a Phone call in the queue and on the call card, masked', async () => {
    const inbound = await stack.twilio.placeInbound({ from: '+447700900123', toneHz: CALLER });
    const page = alice.page;
    const item = page.getByTestId('queue-item').filter({ hasText: '0123' });
    await expect.poll(() => item.getByTestId('phone-badge').count(), { timeout: 15_000 }).toBe(1);
    expect(await item.textContent()).toMatch(/Phone \+44 ••• ••• 0123/);
    await item.getByTestId('accept-button').click();
    await expect.poll(() => page.getByTestId('room-connection').first().getAttribute('data-connected'), { timeout: 15_000 }).toBe('true');
    await expect.poll(() => page.getByTestId('current-call').getByTestId('phone-badge').count()).toBe(1);
    await waitUntilHears(page, CALLER, 15_000); // the phone caller's voice, through the bridge
    await page.getByTestId('hangup-button').click();
    await inbound.waitForStatus('completed', 10_000);
    await expect.poll(() => page.getByTestId('current-call').count(), { timeout: 10_000 }).toBe(0);
  });
});
