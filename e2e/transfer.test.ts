// Issue 4: warm transfer to a colleague on the web, proven by measured audio.
// Three Chromium processes: caller 440 Hz, Agent A (Alice) 660 Hz, Agent B (Bob) 880 Hz.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { assertNeverHeard, measure, waitUntilHears, waitUntilSilent } from './support/audio-probe.js';
import { acceptFirstCall, callIdOf, callState, client, finishWrapUp, placeCall, callerAndTwoAgents } from './support/app.js';
import { chooseTransferTarget } from './support/directory.js';

const CALLER = 440;
const A = 660;
const B = 880;
const RING_TIMEOUT_S = 6;

// With wrap-up on: each agent whose part in a call ends picks a disposition before the next one.
const roles = callerAndTwoAgents({ TRANSFER_RING_TIMEOUT_S: String(RING_TIMEOUT_S), WRAP_UP_TIMEOUT_S: '300' });

const connected = (page: Page) => page.getByTestId('room-connection').first().getAttribute('data-connected');

/** A fresh call: the caller talking to Alice, measured. Returns the call id. */
async function callerWithAlice(name: string): Promise<string> {
  const room = await placeCall(roles.caller.page, roles.stack, name, 'Refund for order 66120, charged twice');
  await acceptFirstCall(roles.alice.page, name);
  await expect.poll(() => callState(roles.caller.page), { timeout: 15_000 }).toBe('active');
  await waitUntilHears(roles.caller.page, A, 15_000);
  await waitUntilHears(roles.alice.page, CALLER, 15_000);
  return callIdOf(room);
}

async function startTransferToBob(notes: string) {
  await chooseTransferTarget(roles.alice.page, { agent: 'Bob' });
  await roles.alice.page.getByTestId('transfer-notes').fill(notes);
  await roles.alice.page.getByTestId('transfer-start').click();
  await expect.poll(() => roles.alice.page.getByTestId('transfer-panel').getAttribute('data-state'), { timeout: 10_000 }).toBe('ringing');
}

/** Bob's console rings with the summary; Bob accepts and joins the consultation. */
async function bobAccepts() {
  const card = roles.bob.page.getByTestId('incoming-transfer');
  await expect.poll(() => card.getAttribute('data-state'), { timeout: 10_000 }).toBe('ringing');
  await expect.poll(() => roles.bob.page.getByTestId('incoming-summary').textContent()).toMatch(/66120/);
  await roles.bob.page.getByTestId('incoming-accept').click();
  await expect.poll(() => card.getAttribute('data-state'), { timeout: 10_000 }).toBe('consulting');
  await expect.poll(() => connected(roles.bob.page), { timeout: 15_000 }).toBe('true');
  await waitUntilHears(roles.bob.page, A, 15_000);
  await waitUntilHears(roles.alice.page, B, 15_000);
}

/** During the consultation nobody hears what they must not: counted per 20 ms block, in a
 *  window the probes must have covered (a dead probe hears nothing and proves nothing). */
async function assertConsultationPrivate(ms = 2500) {
  const since = Date.now();
  await new Promise((r) => setTimeout(r, ms)); // the observation window
  const until = Date.now();
  await assertNeverHeard(roles.caller.page, [A, B], since, { until, what: 'caller during consultation' });
  await assertNeverHeard(roles.bob.page, CALLER, since, { until, what: 'B during consultation' });
  expect((await measure(roles.bob.page, 1000))[A]).toBeGreaterThan(0.8); // but A and B do talk
  expect(await roles.caller.page.getByTestId('hold-music').getAttribute('data-playing')).toBe('true');
}

async function endCall(callId: string) {
  await roles.caller.page.getByTestId('hangup-button').click();
  const api = client(roles.stack.baseUrl, await roles.stack.login('alice'));
  await expect.poll(async () => (await api('GET', `/api/calls/${callId}`)).body.state, { timeout: 15_000 }).toBe('ended');
  await expect.poll(() => roles.alice.page.getByTestId('current-call').count(), { timeout: 15_000 }).toBe(0);
  await expect.poll(() => roles.bob.page.getByTestId('current-call').count(), { timeout: 15_000 }).toBe(0);
}

describe('warm transfer to a colleague on the web', () => {
  it('introduce then complete: the caller ends up talking to B only, and nobody overheard the consultation', async () => {
    const callId = await callerWithAlice('Rita');
    expect((await measure(roles.caller.page, 1000))[A]).toBeGreaterThan(0.8); // before: caller hears A

    await startTransferToBob('Verified identity. Tried refunding but the payment is still pending.');
    await expect.poll(() => callState(roles.caller.page), { timeout: 10_000 }).toBe('on_hold');
    await waitUntilSilent(roles.caller.page, A, 10_000);
    await bobAccepts();
    await assertConsultationPrivate();
    await expect.poll(() => roles.alice.page.getByTestId('transfer-summary').textContent()).toMatch(/66120/);

    // Introduce: a short three-way moment where all three hear each other.
    await roles.alice.page.getByTestId('transfer-introduce').click();
    await waitUntilHears(roles.caller.page, A, 15_000);
    await waitUntilHears(roles.caller.page, B, 15_000);
    await waitUntilHears(roles.bob.page, CALLER, 15_000);
    const three = await measure(roles.caller.page, 1500);
    expect(three[A]).toBeGreaterThan(0.5);
    expect(three[B]).toBeGreaterThan(0.5);

    // A leaves with one click: the caller hears B and not A; A is out of the room.
    await roles.alice.page.getByTestId('leave-call').click();
    await waitUntilSilent(roles.caller.page, A, 10_000);
    const after = await measure(roles.caller.page, 1500);
    expect(after[B]).toBeGreaterThan(0.8);
    expect(after[A]).toBe(0);
    expect((await measure(roles.bob.page, 1000))[CALLER]).toBeGreaterThan(0.8);
    await expect.poll(() => connected(roles.alice.page), { timeout: 10_000 }).not.toBe('true');
    await finishWrapUp(roles.alice.page, 'Transferred'); // A's after-call work while B talks on

    const api = client(roles.stack.baseUrl, await roles.stack.login('bob'));
    const view = (await api('GET', `/api/calls/${callId}`)).body;
    expect(view).toMatchObject({ state: 'active', agentId: roles.stack.agents.bob.id });
    const types = view.timeline.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['transfer_requested', 'summary_ready', 'transfer_accepted', 'transfer_introducing', 'transfer_completed']));
    await endCall(callId);
    await finishWrapUp(roles.bob.page, 'Resolved');
    const wrapped = (await api('GET', `/api/calls/${callId}`)).body;
    expect(wrapped.wrapUps.map((w: { agent: { name: string }; disposition: string }) => [w.agent.name, w.disposition])).toEqual([
      ['Alice', 'Transferred'],
      ['Bob', 'Resolved'],
    ]);
  });

  it('complete: one click hands the caller to B; A is disconnected and the caller never hears A again', async () => {
    const callId = await callerWithAlice('Vic');
    await startTransferToBob('Straight handover.');
    await bobAccepts();
    await assertConsultationPrivate(1500);
    const done = Date.now();
    await roles.alice.page.getByTestId('transfer-complete').click();
    await waitUntilHears(roles.caller.page, B, 15_000);
    await waitUntilHears(roles.bob.page, CALLER, 15_000);
    await assertNeverHeard(roles.caller.page, A, done, { what: 'caller after completion' });
    const after = await measure(roles.caller.page, 1500);
    expect(after[B]).toBeGreaterThan(0.8);
    expect(after[A]).toBe(0);
    await expect.poll(() => connected(roles.alice.page), { timeout: 10_000 }).not.toBe('true');
    await expect.poll(() => roles.alice.page.getByTestId('current-call').count(), { timeout: 10_000 }).toBe(0);
    await finishWrapUp(roles.alice.page, 'Transferred');
    await endCall(callId);
    await finishWrapUp(roles.bob.page, 'Resolved');
  });

  it('cancel: the caller is back with A and B is gone', async () => {
    const callId = await callerWithAlice('Sam');
    await startTransferToBob('Caller wants a manager.');
    await bobAccepts();
    await assertConsultationPrivate(1500);
    await roles.alice.page.getByTestId('transfer-cancel').click();
    await waitUntilHears(roles.caller.page, A, 15_000);
    await waitUntilHears(roles.alice.page, CALLER, 15_000);
    await waitUntilSilent(roles.caller.page, B, 10_000);
    const back = await measure(roles.caller.page, 1500);
    expect(back[A]).toBeGreaterThan(0.8);
    expect(back[B]).toBe(0);
    await expect.poll(() => connected(roles.bob.page), { timeout: 10_000 }).not.toBe('true');
    await expect.poll(() => roles.alice.page.getByTestId('transfer-outcome').first().getAttribute('data-outcome'), { timeout: 10_000 }).toBe('cancelled');
    await endCall(callId);
    await finishWrapUp(roles.alice.page, 'Escalated');
    expect(await roles.bob.page.getByTestId('wrap-up-panel').count()).toBe(0); // B only consulted: no wrap-up
  });

  it('decline: the caller is back with A, off hold, and A is told why', async () => {
    const callId = await callerWithAlice('Tia');
    const asked = Date.now();
    await startTransferToBob('');
    await waitUntilSilent(roles.caller.page, A, 10_000);
    await expect.poll(() => roles.bob.page.getByTestId('incoming-transfer').getAttribute('data-state'), { timeout: 10_000 }).toBe('ringing');
    await roles.bob.page.getByTestId('incoming-decline').click();
    await waitUntilHears(roles.caller.page, A, 15_000);
    await waitUntilHears(roles.alice.page, CALLER, 15_000);
    await assertNeverHeard(roles.caller.page, B, asked, { what: 'caller during a declined transfer' });
    await expect.poll(() => roles.alice.page.getByTestId('transfer-outcome').first().getAttribute('data-outcome'), { timeout: 10_000 }).toBe('declined');
    await endCall(callId);
    await finishWrapUp(roles.alice.page, 'No resolution');
  });

  it('no answer: after the ring timeout the caller is back with A', async () => {
    const callId = await callerWithAlice('Uma');
    const asked = Date.now();
    await startTransferToBob('Ring and wait');
    await waitUntilSilent(roles.caller.page, A, 10_000);
    await waitUntilHears(roles.caller.page, A, (RING_TIMEOUT_S + 10) * 1000);
    await waitUntilHears(roles.alice.page, CALLER, 15_000);
    await assertNeverHeard(roles.caller.page, B, asked, { what: 'caller while B did not answer' });
    await expect.poll(() => roles.alice.page.getByTestId('transfer-outcome').first().getAttribute('data-outcome'), { timeout: 10_000 }).toBe('timed_out');
    const api = client(roles.stack.baseUrl, await roles.stack.login('alice'));
    const view = (await api('GET', `/api/calls/${callId}`)).body;
    expect(view).toMatchObject({ state: 'active', agentId: roles.stack.agents.alice.id });
    expect(view.timeline.map((e: { type: string }) => e.type)).toContain('transfer_timed_out');
    await endCall(callId);
    await finishWrapUp(roles.alice.page, 'Follow-up needed');

    // Bob missed it: Away (missed), said so by his one status control. Arrow keys only move in the
    // menu; Enter chooses. He is Available again.
    const status = roles.bob.page.getByTestId('agent-status');
    await expect.poll(() => status.getAttribute('data-status'), { timeout: 10_000 }).toBe('away');
    expect(await status.textContent()).toMatch(/Missed a transfer/);
    await status.focus();
    await roles.bob.page.keyboard.press('ArrowDown');
    await roles.bob.page.keyboard.press('ArrowDown');
    await roles.bob.page.keyboard.press('ArrowUp');
    await new Promise((r) => setTimeout(r, 500));
    expect(await status.getAttribute('data-status')).toBe('away'); // nothing chosen yet
    await expect.poll(() => roles.bob.page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('status-option-available');
    await roles.bob.page.keyboard.press('Enter');
    await expect.poll(() => status.getAttribute('data-status'), { timeout: 10_000 }).toBe('available');
    expect(await status.evaluate((el) => el === document.activeElement)).toBe(true); // focus back on the control
  });
});
