// Issue 12: the console's transfer directory (one search box over colleagues, queues and a
// number), blind transfers and queue transfers, driven from the keyboard and proven by measured
// audio. Caller 440 Hz, Alice (A) 660 Hz, Bob (B) 880 Hz; Carol never signs in (offline).
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { assertNeverHeard, measureDetailed, waitUntilHears, waitUntilSilent } from './support/audio-probe.js';
import { acceptFirstCall, callIdOf, callState, client, finishWrapUp, placeCall, callerAndTwoAgents } from './support/app.js';
import { axeViolations, describeViolations } from './support/axe.js';
import { focusedDescription, tabTo } from './support/keyboard.js';

const CALLER = 440;
const A = 660;
const B = 880;

const roles = callerAndTwoAgents({ WRAP_UP_TIMEOUT_S: '300', TRANSFER_RING_TIMEOUT_S: '30', QUEUES: 'general:General,billing:Billing' });

const connected = (page: Page) => page.getByTestId('room-connection').first().getAttribute('data-connected');
const focusedTestId = (page: Page) => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid ?? document.activeElement?.tagName ?? '');

/** The directory's options as the agent sees them: kind, name, chosen-able, highlighted. */
async function options(page: Page) {
  return page.getByTestId('directory-option').evaluateAll((els) =>
    els.map((el) => ({
      kind: el.getAttribute('data-kind'),
      text: (el as HTMLElement).innerText.replace(/\s+/g, ' ').trim(),
      disabled: el.getAttribute('aria-disabled') === 'true',
      active: el.getAttribute('aria-selected') === 'true',
    })),
  );
}

/** axe on the page as it is now (serious and critical only). */
async function axeClean(page: Page, state: string) {
  const found = await axeViolations(page);
  expect(found, describeViolations(state, found)).toEqual([]);
}

/** A fresh call: the caller talking to Alice, both ways measured. Returns the call id. */
async function callerWithAlice(name: string, reason: string): Promise<string> {
  const room = await placeCall(roles.caller.page, roles.stack, name, reason);
  await acceptFirstCall(roles.alice.page, name);
  await expect.poll(() => callState(roles.caller.page), { timeout: 15_000 }).toBe('active');
  await waitUntilHears(roles.caller.page, A, 15_000);
  await waitUntilHears(roles.alice.page, CALLER, 15_000);
  return callIdOf(room);
}

describe('transfer directory', () => {
  it('keyboard only: T, part of a name, ↓, Enter, Blind, start — Alice is out at once, Bob gets the caller on accept', async () => {
    const callId = await callerWithAlice('Nora', 'Refund for order 77310, charged twice');
    const page = roles.alice.page;
    await expect.poll(() => page.getByTestId('call-queue').textContent()).toMatch(/General/); // the call card says which queue

    // T opens the directory with the search box focused; everyone but Alice is listed, with presence.
    await expect.poll(() => focusedDescription(page), { timeout: 10_000 }).not.toMatch(/^input|^textarea/);
    await page.keyboard.press('t');
    await page.getByTestId('transfer-directory').waitFor();
    await expect.poll(() => focusedTestId(page)).toBe('directory-search');
    const all = await options(page);
    expect(all.filter((o) => o.kind === 'agent').map((o) => [o.text.split(' ')[0], o.disabled])).toEqual([
      ['Bob', false],
      ['Carol', true],
    ]);
    expect(all.find((o) => o.text.startsWith('Carol'))!.text).toMatch(/^Carol Away Not available: stepped away$/); // never signed in
    expect(all.filter((o) => o.kind === 'queue').map((o) => o.text)).toEqual([
      expect.stringMatching(/^General queue Your queue 0 waiting 1 available$/),
      expect.stringMatching(/^Billing queue 0 waiting no one available$/),
    ]);
    await axeClean(page, 'console: transfer directory open');

    // Part of Bob's name narrows it to Bob; ↓ highlights him (aria-activedescendant), Enter chooses.
    await page.keyboard.type('bo');
    await expect.poll(async () => (await options(page)).map((o) => o.kind + ':' + o.text.split(' ')[0])).toEqual(['agent:Bob', 'phone:Phone']);
    await page.keyboard.press('ArrowDown');
    await expect.poll(async () => (await options(page)).find((o) => o.active)?.text).toMatch(/^Bob/);
    const search = page.getByTestId('directory-search');
    const activeId = await search.getAttribute('aria-activedescendant');
    expect(await page.locator(`[id="${activeId}"]`).getAttribute('data-agent-id')).toBe(roles.stack.agents.bob.id);
    await axeClean(page, 'console: transfer directory, an option highlighted');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('transfer-chosen').textContent()).toMatch(/Bob.*Available/);
    // Focus moved on to how; → picks Blind, which says what it does.
    await expect.poll(() => focusedTestId(page)).toBe('transfer-mode-warm');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getByTestId('transfer-mode-blind').isChecked()).toBe(true);
    expect(await page.getByTestId('transfer-mode-explain').textContent()).toMatch(/You leave the call now; Bob talks to Nora as soon as they accept/);
    await page.keyboard.press('Tab');
    expect(await focusedTestId(page)).toBe('transfer-notes');
    await page.keyboard.type('Verified identity; the refund needs a supervisor approval.');
    await tabTo(page, '[data-testid="transfer-start"]');
    expect(await page.getByTestId('transfer-start').textContent()).toMatch(/Blind transfer to Bob/);
    await page.keyboard.press('Enter');

    // Alice is out at once: her card is the wrap-up, her audio is gone; the caller is held and no longer hears her.
    await page.getByTestId('wrap-up-panel').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('current-call').count()).toBe(0);
    await expect.poll(() => connected(page), { timeout: 10_000 }).not.toBe('true');
    const { at: aliceGone } = await waitUntilSilent(roles.caller.page, A, 10_000);
    await expect.poll(() => callState(roles.caller.page), { timeout: 10_000 }).toBe('on_hold');

    // Bob rings with the summary and Alice's note; he accepts and is straight on the call.
    const ring = roles.bob.page.getByTestId('incoming-transfer');
    await expect.poll(() => ring.getAttribute('data-state'), { timeout: 10_000 }).toBe('ringing');
    await expect.poll(() => roles.bob.page.getByTestId('incoming-summary').textContent(), { timeout: 15_000 }).toMatch(/77310/);
    expect(await ring.textContent()).toMatch(/supervisor approval/);
    // It says plainly that there is no briefing: accepting puts Bob on the call; the button says so too.
    expect(await ring.getAttribute('data-mode')).toBe('blind');
    expect(await roles.bob.page.getByTestId('incoming-blind').textContent()).toMatch(/Blind transfer: you will be talking to the caller as soon as you accept/);
    expect(await roles.bob.page.getByTestId('incoming-accept').textContent()).toMatch(/Accept and talk to the caller/);
    expect(await roles.bob.page.getByRole('button', { name: /^Accept and talk to the caller, Nora$/ }).count()).toBe(1);
    await expect.poll(() => roles.bob.page.getByTestId('transfer-alert').textContent()).toMatch(/Blind transfer from Alice.*talking to the caller as soon as you accept/);
    await axeClean(roles.bob.page, 'console: blind transfer ringing');
    await roles.bob.page.getByTestId('incoming-accept').click();
    await roles.bob.page.getByTestId('current-call').waitFor({ timeout: 15_000 });
    expect(await roles.bob.page.getByTestId('incoming-transfer').count()).toBe(0); // no consultation step: the call itself
    // What Alice left is on Bob's card at once.
    expect(await roles.bob.page.getByTestId('handoff').getAttribute('data-kind')).toBe('blind');
    expect(await roles.bob.page.getByTestId('handoff').textContent()).toMatch(/Blind transfer from Alice/);
    expect(await roles.bob.page.getByTestId('handoff-notes').textContent()).toMatch(/supervisor approval/);
    expect(await roles.bob.page.getByTestId('call-summary').textContent()).toMatch(/77310/);

    // Measured: the caller hears Bob, Bob hears the caller; neither hears Alice.
    await waitUntilHears(roles.caller.page, B, 15_000);
    await waitUntilHears(roles.bob.page, CALLER, 15_000);
    const callerHears = await measureDetailed(roles.caller.page, 1500);
    const bobHears = await measureDetailed(roles.bob.page, 1500);
    expect(callerHears.blocks).toBeGreaterThanOrEqual(60); // 75 blocks of 20 ms in the window; coverage is checked too
    expect(callerHears.presentBlocks[B]! / callerHears.blocks).toBeGreaterThan(0.8);
    expect(callerHears.presentBlocks[A] ?? 0).toBe(0);
    expect(bobHears.blocks).toBeGreaterThanOrEqual(60);
    expect(bobHears.presentBlocks[CALLER]! / bobHears.blocks).toBeGreaterThan(0.8);
    expect(bobHears.presentBlocks[A] ?? 0).toBe(0);
    await assertNeverHeard(roles.caller.page, A, aliceGone, { what: 'caller after Alice left by a blind transfer' });

    const api = client(roles.stack.baseUrl, await roles.stack.login('bob'));
    const view = (await api('GET', `/api/calls/${callId}`)).body;
    expect(view).toMatchObject({ state: 'active', agentId: roles.stack.agents.bob.id, summary: { fromAgent: { name: 'Alice' } } });
    const handoff = (await api('GET', `/api/transfers/${view.summary.transferId}`)).body;
    expect(handoff).toMatchObject({ mode: 'blind', state: 'completed', target: { type: 'agent', agentId: roles.stack.agents.bob.id } });

    await roles.caller.page.getByTestId('hangup-button').click();
    await expect.poll(async () => (await api('GET', `/api/calls/${callId}`)).body.state, { timeout: 15_000 }).toBe('ended');
    await finishWrapUp(roles.alice.page, 'Transferred');
    await finishWrapUp(roles.bob.page, 'Resolved');
  });

  it('a queue transfer puts the call at the front of that queue; whoever accepts sees the summary at once', async () => {
    // Someone already waits in Billing (placed through the API: no browser needed to wait).
    const pat = await client(roles.stack.baseUrl)('POST', '/api/calls', { name: 'Pat', reason: 'Invoice copy', queueId: 'billing' });
    expect(pat.status).toBe(201);
    const callId = await callerWithAlice('Omar', 'Invoice 5531 shows the wrong VAT number');
    const page = roles.alice.page;

    await page.keyboard.press('t');
    await expect.poll(() => focusedTestId(page)).toBe('directory-search');
    await page.keyboard.type('bill');
    await expect.poll(async () => (await options(page)).map((o) => o.kind)).toEqual(['queue', 'phone']);
    // Billing's row says someone is waiting there, and for how long.
    expect((await options(page))[0]!.text).toMatch(/^Billing queue.*1 waiting.*longest wait \d\d:\d\d/);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('transfer-chosen').getAttribute('data-kind')).toBe('queue');
    // Queues are always blind, and the form says so.
    expect(await page.getByTestId('transfer-mode-blind').isChecked()).toBe(true);
    expect(await page.getByTestId('transfer-mode-warm').isDisabled()).toBe(true);
    expect(await page.getByTestId('transfer-mode-explain').textContent()).toMatch(/always blind: Omar goes to the front of Billing/);
    await expect.poll(() => focusedTestId(page)).toBe('transfer-notes'); // nothing to choose about how: straight to the note
    await page.keyboard.type('Needs a corrected invoice; VAT number on file is right.');
    await tabTo(page, '[data-testid="transfer-start"]');
    expect(await page.getByTestId('transfer-start').textContent()).toMatch(/Send to Billing queue/);
    await page.keyboard.press('Enter');
    await page.getByTestId('wrap-up-panel').waitFor({ timeout: 15_000 });
    await expect.poll(() => callState(roles.caller.page), { timeout: 10_000 }).toBe('waiting');
    await waitUntilSilent(roles.caller.page, A, 10_000);

    // Bob's queue: Billing has two waiting; Omar is first, marked as re-queued by Alice, ahead of Pat.
    const bobPage = roles.bob.page;
    const billing = bobPage.locator('[data-testid="queue-stat"][data-queue-id="billing"]');
    await expect.poll(() => billing.getByTestId('queue-stat-waiting').getAttribute('data-waiting'), { timeout: 15_000 }).toBe('2');
    expect(await billing.getByTestId('queue-stat-longest').textContent()).toMatch(/\d\d:\d\d/);
    const items = bobPage.locator('[data-testid="queue-item"][data-queue-id="billing"]');
    await expect.poll(() => items.evaluateAll((els) => els.map((el) => el.querySelector('.caller')?.textContent)), { timeout: 15_000 }).toEqual(['Omar', 'Pat']);
    const omar = items.first();
    expect(await omar.getAttribute('data-requeued')).toBe('true');
    expect(await omar.getByTestId('queue-item-requeued').textContent()).toMatch(/Re-queued by Alice/);
    expect(await omar.getByTestId('queue-item-queue').textContent()).toMatch(/Billing/);
    await axeClean(bobPage, 'console: queue with a re-queued call');

    // Bob accepts: the call card shows the queue, Alice's note and the summary at once, and they talk.
    await omar.getByTestId('accept-button').click();
    await bobPage.getByTestId('current-call').waitFor({ timeout: 15_000 });
    expect(await bobPage.getByTestId('call-queue').textContent()).toMatch(/Billing/);
    expect(await bobPage.getByTestId('handoff').getAttribute('data-kind')).toBe('queue');
    expect(await bobPage.getByTestId('handoff').textContent()).toMatch(/Re-queued to Billing by Alice/);
    expect(await bobPage.getByTestId('handoff-notes').textContent()).toMatch(/corrected invoice/);
    expect(await bobPage.getByTestId('call-summary').textContent()).toMatch(/5531/);
    // The timeline names who re-queued it, never their id.
    const requeued = bobPage.locator('[data-testid="timeline-item"][data-type="requeued"]');
    await expect.poll(() => requeued.textContent(), { timeout: 10_000 }).toMatch(/by: Alice/);
    expect(await bobPage.getByTestId('timeline').textContent()).not.toContain(roles.stack.agents.alice.id);
    await waitUntilHears(roles.caller.page, B, 15_000);
    await waitUntilHears(bobPage, CALLER, 15_000);
    const heard = await measureDetailed(roles.caller.page, 1500);
    expect(heard.presentBlocks[B]! / heard.blocks).toBeGreaterThan(0.8);
    expect(heard.presentBlocks[A] ?? 0).toBe(0);

    await roles.caller.page.getByTestId('hangup-button').click();
    const api = client(roles.stack.baseUrl, await roles.stack.login('bob'));
    await expect.poll(async () => (await api('GET', `/api/calls/${callId}`)).body.state, { timeout: 15_000 }).toBe('ended');
    await finishWrapUp(roles.alice.page, 'Transferred');
    await finishWrapUp(bobPage, 'Resolved');
    await client(roles.stack.baseUrl, undefined, { 'X-Caller-Key': pat.body.callerKey })('POST', `/api/calls/${pat.body.id}/hangup`, {});
  });

  it("the caller's topic: chosen on the caller page, the call waits in that queue and says so", async () => {
    const page = roles.caller.page;
    await page.goto(`${roles.stack.baseUrl}/?rawAudio=1`);
    const topic = page.getByTestId('caller-topic');
    await expect.poll(() => topic.locator('option').allTextContents(), { timeout: 10_000 }).toEqual(['General', 'Billing']);
    expect(await topic.inputValue()).toBe('general');
    await axeClean(page, 'caller: form with topics');
    await page.getByTestId('caller-name').fill('Ida');
    await topic.selectOption({ label: 'Billing' });
    await page.getByTestId('call-button').click();
    await expect.poll(() => callState(page), { timeout: 15_000 }).toBe('waiting');

    const item = roles.bob.page.locator('[data-testid="queue-item"]').filter({ hasText: 'Ida' });
    await expect.poll(() => item.getAttribute('data-queue-id'), { timeout: 15_000 }).toBe('billing');
    expect(await item.getByTestId('queue-item-queue').textContent()).toMatch(/Billing/);
    expect(await item.getByTestId('queue-item-requeued').count()).toBe(0); // a new call, not a re-queued one
    const billing = roles.bob.page.locator('[data-testid="queue-stat"][data-queue-id="billing"]');
    await expect.poll(() => billing.getByTestId('queue-stat-waiting').getAttribute('data-waiting'), { timeout: 15_000 }).toBe('1');

    await page.getByTestId('hangup-button').click();
    await expect.poll(() => callState(page), { timeout: 15_000 }).toBe('ended');
    await expect.poll(() => roles.bob.page.locator('[data-testid="queue-item"]').filter({ hasText: 'Ida' }).count(), { timeout: 15_000 }).toBe(0);
  });

  it('a colleague who is away cannot be chosen; Escape steps back: from the chosen target to the search, clears it, then closes onto the Transfer button', async () => {
    const callId = await callerWithAlice('Lee', 'Address change');
    const page = roles.alice.page;
    await page.keyboard.press('t');
    await expect.poll(() => focusedTestId(page)).toBe('directory-search');
    // A colleague who is not available is reachable with the arrows (to hear why) but cannot be chosen.
    await page.keyboard.type('car');
    await page.keyboard.press('ArrowDown');
    await expect.poll(async () => (await options(page)).find((o) => o.active)).toMatchObject({ kind: 'agent', disabled: true });
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('directory-said').textContent()).toMatch(/Carol cannot take a transfer: stepped away/);
    expect(await page.getByTestId('transfer-chosen').count()).toBe(0);
    expect(await focusedTestId(page)).toBe('directory-search');
    await page.keyboard.press('Escape'); // first Escape lets go of the highlighted option
    await page.keyboard.press('Escape'); // the second clears the search
    expect(await page.getByTestId('directory-search').inputValue()).toBe('');

    await page.keyboard.type('bob');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedTestId(page)).toBe('transfer-mode-warm');
    await page.keyboard.press('Escape'); // back to the directory, search kept
    await expect.poll(() => focusedTestId(page)).toBe('directory-search');
    expect(await page.getByTestId('directory-search').inputValue()).toBe('bob');
    await page.keyboard.press('Escape'); // clears the search
    expect(await page.getByTestId('directory-search').inputValue()).toBe('');
    await page.keyboard.press('Escape'); // closes: focus back on the button that opened it
    await expect.poll(() => focusedTestId(page)).toBe('transfer-button');
    expect(await page.getByTestId('transfer-directory').count()).toBe(0);

    await roles.caller.page.getByTestId('hangup-button').click();
    const api = client(roles.stack.baseUrl, await roles.stack.login('alice'));
    await expect.poll(async () => (await api('GET', `/api/calls/${callId}`)).body.state, { timeout: 15_000 }).toBe('ended');
    await finishWrapUp(page, 'Resolved');
  });
});
