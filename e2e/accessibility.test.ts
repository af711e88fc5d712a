// Issue 12, accessibility: axe-core (WCAG 2.x A/AA) finds no serious or critical violation on
// the caller page and the console in each state, and a keyboard-only agent (Tab, Enter, Space;
// no mouse) accepts a call, transfers it and completes the transfer, with focus never dropping
// to the page body after an action.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchRole, type RoleBrowser } from './support/browser.js';
import { acceptFirstCall, callIdOf, callState, client, finishWrapUp, placeCall, signInAgent, startStack, type Stack } from './support/app.js';
import { axeViolations, describeViolations } from './support/axe.js';
import { focusedDescription, tabTo, waitForFocusOffBody } from './support/keyboard.js';
import { chooseTransferTarget } from './support/directory.js';

let stack: Stack;
let caller: RoleBrowser;
let alice: RoleBrowser;
let bob: RoleBrowser;
const counts: Record<string, number> = {};

beforeAll(async () => {
  stack = await startStack({ env: { WRAP_UP_TIMEOUT_S: '300', TRANSFER_RING_TIMEOUT_S: '30' } });
  [caller, alice, bob] = await Promise.all([
    launchRole('caller', 440, { probe: false }),
    launchRole('agent-a', 660, { probe: false }),
    launchRole('agent-b', 880, { probe: false }),
  ]);
});
afterAll(async () => {
  console.log(`axe serious+critical violations per state: ${JSON.stringify(counts, null, 1)}`);
  await Promise.all([caller?.close(), alice?.close(), bob?.close()]);
  await stack?.stop();
});

/** axe on the page as it is now; every state is checked (soft), each failure named. */
async function check(state: string, page: Page) {
  await page.waitForTimeout(300); // let a state's entry animation and focus settle
  const found = await axeViolations(page);
  counts[state] = found.length;
  expect.soft(found, describeViolations(state, found)).toEqual([]);
}

const bobRings = () => expect.poll(() => bob.page.getByTestId('incoming-transfer').getAttribute('data-state'), { timeout: 10_000 }).toBe('ringing');

describe('accessibility', () => {
  it('axe: no serious or critical violation on the caller page and the console, in every state', async () => {
    await caller.page.goto(`${stack.baseUrl}/?rawAudio=1`);
    await caller.page.getByTestId('caller-name').waitFor();
    await check('caller: form', caller.page);

    await alice.page.goto(`${stack.baseUrl}/agent?rawAudio=1`);
    await alice.page.getByTestId('login-email').waitFor();
    await check('console: signed out', alice.page);

    await signInAgent(alice.page, stack, 'alice');
    await signInAgent(bob.page, stack, 'bob');
    await check('console: idle', alice.page);

    const room = await placeCall(caller.page, stack, 'Quinn', 'Order 5521 arrived damaged');
    await check('caller: waiting', caller.page);
    await alice.page.getByTestId('queue-item').filter({ hasText: 'Quinn' }).waitFor({ timeout: 15_000 });
    await check('console: queue with a caller', alice.page);

    await acceptFirstCall(alice.page, 'Quinn');
    await expect.poll(() => callState(caller.page), { timeout: 15_000 }).toBe('active');
    await check('caller: in call', caller.page);
    await check('console: on a call', alice.page);

    await alice.page.getByTestId('transfer-button').click();
    await alice.page.getByTestId('directory-search').waitFor();
    await check('console: transfer panel open', alice.page);

    await chooseTransferTarget(alice.page, { agent: 'Bob' });
    await check('console: transfer target chosen', alice.page);
    await alice.page.getByTestId('transfer-start').click();
    await bobRings();
    await check('console: incoming transfer ringing', bob.page);
    await check('console: transfer ringing (A)', alice.page);

    await bob.page.getByTestId('incoming-accept').click();
    await expect.poll(() => bob.page.getByTestId('incoming-transfer').getAttribute('data-state'), { timeout: 10_000 }).toBe('consulting');
    await check('console: consulting (B)', bob.page);
    await check('console: consulting (A)', alice.page);
    await check('caller: on hold', caller.page);

    await alice.page.getByTestId('transfer-complete').click();
    await alice.page.getByTestId('wrap-up-panel').waitFor({ timeout: 15_000 });
    await check('console: wrap-up', alice.page);

    await caller.page.getByTestId('hangup-button').click();
    await expect.poll(() => callState(caller.page), { timeout: 15_000 }).toBe('ended');
    await check('caller: ended', caller.page);
    const api = client(stack.baseUrl, await stack.login('alice'));
    await expect.poll(async () => (await api('GET', `/api/calls/${callIdOf(room)}`)).body.state, { timeout: 15_000 }).toBe('ended');
    await finishWrapUp(alice.page, 'Transferred');
    await finishWrapUp(bob.page, 'Resolved');
  });

  it('keyboard only: accept, transfer and complete with Tab, Enter and Space; focus follows each action', async () => {
    const room = await placeCall(caller.page, stack, 'Robin', 'Refund for order 66120');
    const page = alice.page;
    await page.getByTestId('queue-item').filter({ hasText: 'Robin' }).waitFor({ timeout: 15_000 });
    // The new caller is announced, and the queue button says whose call it takes.
    await expect.poll(() => page.getByTestId('new-caller-alert').textContent()).toMatch(/New caller in the queue: Robin/);
    await expect.poll(() => page.getByRole('button', { name: 'Accept call from Robin' }).count()).toBe(1);

    // "?" lists the shortcuts in a modal dialog, itself without violations; Escape closes it.
    await page.keyboard.press('?');
    await page.getByTestId('shortcuts-dialog').waitFor({ state: 'visible' });
    await check('console: shortcuts dialog', page);
    await page.keyboard.press('Escape');
    await page.getByTestId('shortcuts-dialog').waitFor({ state: 'hidden' });

    await tabTo(page, '[data-testid="accept-button"]');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('current-call').count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => callState(caller.page), { timeout: 15_000 }).toBe('active');
    expect(await waitForFocusOffBody(page)).not.toBe('body');

    // Hold and resume with Space: focus stays on the button.
    await tabTo(page, '[data-testid="hold-button"]');
    await page.keyboard.press('Space');
    await expect.poll(() => callState(caller.page), { timeout: 10_000 }).toBe('on_hold');
    expect(await focusedDescription(page)).toMatch(/hold-button/);
    await page.keyboard.press('Space');
    await expect.poll(() => callState(caller.page), { timeout: 10_000 }).toBe('active');
    expect(await focusedDescription(page)).toMatch(/hold-button/);
    // The same with the documented shortcut H.
    await page.keyboard.press('h');
    await expect.poll(() => callState(caller.page), { timeout: 10_000 }).toBe('on_hold');
    await page.keyboard.press('h');
    await expect.poll(() => callState(caller.page), { timeout: 10_000 }).toBe('active');

    // Open the transfer form: focus moves to the directory's search; Bob is found and chosen by keyboard.
    await tabTo(page, '[data-testid="transfer-button"]');
    await page.keyboard.press('Enter');
    await page.getByTestId('directory-search').waitFor();
    expect(await focusedDescription(page)).toMatch(/directory-search/);
    await page.keyboard.type('Bob');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('transfer-chosen').textContent()).toMatch(/Bob/);
    await tabTo(page, '[data-testid="transfer-start"]');
    await page.keyboard.press('Enter');
    await bobRings();
    // Focus ends on the transfer's progress (the form that had it is gone), not on the page body.
    await expect.poll(() => focusedDescription(page), { timeout: 5000 }).toMatch(/transfer-panel|section/);

    // Bob, keyboard only too: the ringing transfer is announced and reachable.
    await expect.poll(() => bob.page.locator('[role="alert"]').filter({ hasText: /transfer/i }).count()).toBeGreaterThan(0);
    await tabTo(bob.page, '[data-testid="incoming-accept"]');
    await bob.page.keyboard.press('Enter');
    await expect.poll(() => bob.page.getByTestId('incoming-transfer').getAttribute('data-state'), { timeout: 10_000 }).toBe('consulting');
    expect(await waitForFocusOffBody(bob.page)).not.toBe('body');

    // Alice completes the transfer; the wrap-up takes focus, and is done by keyboard too.
    await tabTo(page, '[data-testid="transfer-complete"]');
    await page.keyboard.press('Enter');
    await page.getByTestId('wrap-up-panel').waitFor({ timeout: 15_000 });
    expect(await waitForFocusOffBody(page)).not.toBe('body');
    await tabTo(page, '[data-testid="wrap-up-disposition"]');
    await page.keyboard.press('Space');
    await tabTo(page, '[data-testid="wrap-up-done"]');
    await page.keyboard.press('Enter');
    await page.getByTestId('wrap-up-panel').waitFor({ state: 'detached', timeout: 10_000 });

    // The caller is Bob's now.
    await expect.poll(() => caller.page.getByTestId('agent-name').textContent(), { timeout: 15_000 }).toMatch(/Bob/);
    await caller.page.getByTestId('hangup-button').click();
    const api = client(stack.baseUrl, await stack.login('alice'));
    await expect.poll(async () => (await api('GET', `/api/calls/${callIdOf(room)}`)).body.state, { timeout: 15_000 }).toBe('ended');
    await finishWrapUp(bob.page, 'Resolved');
  });
});
