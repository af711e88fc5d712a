// Issue 12: what a waiting caller is told (no agent signed in, with the choice to keep waiting;
// an estimated wait; never how many are on the line), and call notes that survive failed saves
// and a reload: typed while every save fails, stored in full once saves go through, no click.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchRole, type RoleBrowser } from './support/browser.js';
import { acceptFirstCall, callIdOf, callState, client, placeCall, signInAgent, startStack, type Stack } from './support/app.js';

let stack: Stack;
let caller: RoleBrowser;
let alice: RoleBrowser;

beforeAll(async () => {
  stack = await startStack();
  [caller, alice] = await Promise.all([launchRole('caller', 440, { probe: false }), launchRole('agent-a', 660, { probe: false })]);
});
afterAll(async () => {
  await Promise.all([caller?.close(), alice?.close()]);
  await stack?.stop();
});

const NOTES_PUT = '**/api/calls/*/notes';

describe('the caller page and call notes', () => {
  it('says plainly when no agent is signed in, then estimates the wait; shows no participant count', async () => {
    const room = await placeCall(caller.page, stack, 'Quinn', 'Order 5521 arrived damaged');
    const noAgents = caller.page.getByTestId('no-agents');
    await noAgents.waitFor({ timeout: 10_000 });
    expect(await noAgents.textContent()).toMatch(/No agent is signed in/);
    await caller.page.getByTestId('keep-waiting').click();
    expect(await noAgents.textContent()).toMatch(/still in the queue/);
    expect(await caller.page.getByTestId('call-state').getAttribute('data-state')).toBe('waiting');

    // An agent opens the console: the notice goes, the wait is described instead.
    await signInAgent(alice.page, stack, 'alice');
    await noAgents.waitFor({ state: 'detached', timeout: 10_000 });
    await caller.page.getByTestId('estimated-wait').waitFor({ timeout: 10_000 });

    await acceptFirstCall(alice.page, 'Quinn');
    await expect.poll(() => callState(caller.page), { timeout: 15_000 }).toBe('active');
    await expect.poll(() => caller.page.getByTestId('room-connection').getAttribute('data-connected'), { timeout: 15_000 }).toBe('true');
    expect(await caller.page.getByTestId('room-connection').textContent()).not.toMatch(/on the line/);

    // A second caller while Alice is busy: the estimate now comes from answered calls.
    const second = await caller.context.newPage();
    await placeCall(second, stack, 'Robin', 'Billing question');
    const est = second.getByTestId('estimated-wait');
    await est.waitFor({ timeout: 10_000 });
    await expect.poll(() => est.getAttribute('data-seconds'), { timeout: 10_000 }).toMatch(/^\d+$/);
    expect(await est.textContent()).toMatch(/Estimated wait: (less than a minute|about \d+ minutes?)/);
    // What the caller's page reads: the queue outlook, no notes, no agent ids, no timeline.
    const polled = await second.waitForResponse((r) => /\/api\/calls\/[^/]+$/.test(new URL(r.url()).pathname) && r.request().method() === 'GET');
    const view = (await polled.json()) as Record<string, unknown>;
    expect(view).toMatchObject({ state: 'waiting', queuePosition: 1, agentSignedIn: true, agentAvailable: false });
    expect(typeof view.estimatedWaitS).toBe('number');
    for (const hidden of ['notes', 'agentId', 'timeline', 'transfer', 'wrapUps', 'reason']) expect(view).not.toHaveProperty(hidden);
    await second.getByTestId('hangup-button').click();
    await second.close();

    // Notes: every save fails while Alice types, then the page reloads; nothing is lost.
    await alice.page.route(NOTES_PUT, (r) => r.abort('failed'));
    const notes = alice.page.getByTestId('notes');
    await notes.click();
    await alice.page.keyboard.type('Customer says the box was crushed. ');
    await expect.poll(() => alice.page.getByTestId('notes-status').getAttribute('data-status'), { timeout: 10_000 }).toBe('error');
    expect(await alice.page.getByTestId('notes-status').textContent()).toMatch(/retrying/);
    await alice.page.keyboard.type('Over my $100 limit: escalate for a refund.');
    const full = 'Customer says the box was crushed. Over my $100 limit: escalate for a refund.';
    await expect.poll(() => alice.page.getByTestId('notes-status').getAttribute('data-status'), { timeout: 10_000 }).toBe('error');
    await alice.page.reload();
    await expect.poll(() => alice.page.getByTestId('notes').inputValue(), { timeout: 15_000 }).toBe(full);

    // The connection comes back: the retries store the whole text without a click.
    await alice.page.unroute(NOTES_PUT);
    const api = client(stack.baseUrl, await stack.login('alice'));
    const id = callIdOf(room);
    await expect.poll(async () => (await api('GET', `/api/calls/${id}`)).body.notes, { timeout: 25_000 }).toBe(full);
    await expect.poll(() => alice.page.getByTestId('notes-status').getAttribute('data-status'), { timeout: 10_000 }).toBe('saved');
    expect(await alice.page.evaluate((k) => sessionStorage.getItem(k), `warmline.notes.${id}`)).toBeNull();

    await caller.page.getByTestId('hangup-button').click();
    await expect.poll(async () => (await api('GET', `/api/calls/${id}`)).body.state, { timeout: 15_000 }).toBe('ended');
  });
});
