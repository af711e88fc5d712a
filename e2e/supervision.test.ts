// Issue 12, supervisors, proven by measured audio in three Chromium processes: the caller
// (440 Hz), Agent Alice (660 Hz) and Supervisor Sam (1000 Hz) on the real supervisor board
// (/agent/supervisor). Whisper: Alice hears Sam, the caller never does; barge: both hear Sam;
// listen: Sam hears both, nobody hears Sam. "Never heard" is checked only over windows the
// probe actually analysed while that page was receiving the other party. The board's queues (at
// the top) flag a queue with a call waiting and nobody available, and tick its longest wait.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent } from '../server/src/store/agents-admin.js';
import { TEST_PASSWORD } from '../testkit/stack.js';
import { assertNeverHeard, measure, waitUntilHears, waitUntilSilent } from './support/audio-probe.js';
import { acceptFirstCall, callIdOf, callState, client, placeCall, signInAgent, startStack, type Stack } from './support/app.js';
import { axeViolations, describeViolations } from './support/axe.js';
import { launchRole, type RoleBrowser } from './support/browser.js';

const CALLER = 440;
const A = 660;
const S = 1000;

let stack: Stack;
let caller: RoleBrowser;
let alice: RoleBrowser;
let sam: RoleBrowser;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Whom a page's LiveKit client lists in its room (a hidden supervisor is not among them). */
const listed = (page: RoleBrowser['page']) =>
  page.evaluate(() => {
    const room = (window as unknown as { __warmline?: { room?: { remoteParticipants: Map<string, { identity: string }> } | null } }).__warmline?.room;
    return room ? [...room.remoteParticipants.values()].map((p) => p.identity) : [];
  });
const listsSam = async (page: RoleBrowser['page']) => (await listed(page)).some((id) => id.startsWith('supervisor:'));

beforeAll(async () => {
  stack = await startStack({ env: { WRAP_UP_TIMEOUT_S: '0' } });
  await createAgent(stack.deps.db, { email: 'sam@warmline.test', name: 'Sam', password: TEST_PASSWORD, role: 'supervisor' });
  [caller, alice, sam] = await Promise.all([launchRole('caller', CALLER), launchRole('agent-a', A), launchRole('supervisor', S)]);
  await signInAgent(alice.page, stack, 'alice');
  await sam.page.goto(`${stack.baseUrl}/agent/supervisor?rawAudio=1`);
  await sam.page.getByTestId('login-email').fill('sam@warmline.test');
  await sam.page.getByTestId('login-password').fill(TEST_PASSWORD);
  await sam.page.getByTestId('login-button').click();
  await sam.page.getByTestId('board-agents').waitFor({ timeout: 15_000 });
});
afterAll(async () => {
  await Promise.all([caller?.close(), alice?.close(), sam?.close()]);
  await stack?.stop();
});

/** A settled window: in-flight audio drains after a switch, then the page is observed. */
async function window(ms = 2000) {
  await sleep(300);
  const since = Date.now();
  await sleep(ms);
  return { since, until: Date.now() };
}

describe('supervisor board in the browser', () => {
  it('whisper reaches only the agent, barge reaches everyone, listen reaches no one; the agent is told each time', async () => {
    const name = 'Priya';
    // Queues at the top of the board: with Alice away, Priya's queue has a call and nobody to take it.
    const aliceApi = client(stack.baseUrl, await stack.login('alice'));
    expect((await aliceApi('POST', '/api/agents/me/status', { status: 'away', reason: 'break' })).status).toBe(200);
    const room = await placeCall(caller.page, stack, name, 'Card declined twice');
    await sam.page.getByTestId('board-queues').waitFor({ timeout: 15_000 });
    const general = sam.page.getByTestId('board-queue-general');
    await expect.poll(() => general.getByTestId('queue-waiting').textContent(), { timeout: 15_000 }).toBe('1');
    await expect.poll(() => general.getAttribute('data-unstaffed'), { timeout: 15_000 }).toBe('true');
    // Flagged in words, not by colour alone.
    expect(await general.getByTestId('queue-unstaffed').textContent()).toMatch(/No agent available/);
    const waited = await general.getByTestId('queue-longest').textContent();
    await expect.poll(() => general.getByTestId('queue-longest').textContent(), { timeout: 5_000 }).not.toBe(waited);
    expect(await sam.page.getByTestId(`board-call-${name}`).getByTestId('call-queue').textContent()).toBe('General');
    const unstaffed = await axeViolations(sam.page);
    expect(unstaffed, describeViolations('supervisor board with an unstaffed queue', unstaffed)).toEqual([]);
    if (process.env.E2E_SHOTS) await sam.page.screenshot({ path: `${process.env.E2E_SHOTS}/supervisor-board-unstaffed.png`, fullPage: true });
    expect((await aliceApi('POST', '/api/agents/me/status', { status: 'available' })).status).toBe(200);
    await expect.poll(() => general.getAttribute('data-unstaffed'), { timeout: 15_000 }).toBeNull();
    await acceptFirstCall(alice.page, name);
    await expect.poll(() => callState(caller.page), { timeout: 15_000 }).toBe('active');
    await waitUntilHears(caller.page, A, 15_000);
    const callId = callIdOf(room);

    // The board shows the live call, its agent and a ticking talk time, without a reload.
    const row = sam.page.getByTestId(`board-call-${name}`);
    await row.waitFor({ timeout: 15_000 });
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('Alice');
    const t0 = await row.getByTestId('call-time').textContent();
    await expect.poll(() => row.getByTestId('call-time').textContent(), { timeout: 5_000 }).not.toBe(t0);
    await expect.poll(() => sam.page.getByTestId('board-agent-Alice').textContent(), { timeout: 10_000 }).toContain('On a call');

    // Whisper: Sam speaks in the coach room; only Alice listens there.
    const whisperAt = Date.now();
    await row.getByTestId('monitor-whisper').click();
    await expect.poll(() => row.getByTestId('monitor-whisper').getAttribute('aria-pressed'), { timeout: 10_000 }).toBe('true');
    await expect.poll(() => alice.page.getByTestId('supervision-notice').getAttribute('data-mode'), { timeout: 10_000 }).toBe('whisper');
    expect(await alice.page.getByTestId('supervision-notice').textContent()).toMatch(/Sam is whispering/);
    await waitUntilHears(alice.page, S, 20_000);
    const callerHearsA = await measure(caller.page, 1500);
    expect(callerHearsA[A], 'the caller still hears Alice').toBeGreaterThan(0.8);
    await assertNeverHeard(caller.page, S, whisperAt, { what: 'caller while Sam whispers' });
    // Whispering, Sam is hidden in the call room: the caller's client does not even list Sam.
    expect(await listed(caller.page)).toContain(`agent:${stack.agents.alice.id}`);
    expect(await listsSam(caller.page), 'the caller’s client lists Sam while whispering').toBe(false);
    const aliceWhisper = await measure(alice.page, 1500);
    expect(aliceWhisper[S], 'Alice hears the whisper').toBeGreaterThan(0.5);
    expect(aliceWhisper[CALLER], 'Alice still hears the caller').toBeGreaterThan(0.5);

    // Barge: everyone hears Sam.
    await row.getByTestId('monitor-barge').click();
    await expect.poll(() => row.getByTestId('monitor-barge').getAttribute('aria-pressed'), { timeout: 10_000 }).toBe('true');
    await expect.poll(() => alice.page.getByTestId('supervision-notice').getAttribute('data-mode'), { timeout: 10_000 }).toBe('barge');
    await waitUntilHears(caller.page, S, 20_000);
    await waitUntilHears(alice.page, S, 20_000);
    await expect.poll(() => listsSam(caller.page), { timeout: 10_000 }).toBe(true);
    // The board with a call being barged into: no serious or critical accessibility violation.
    const found = await axeViolations(sam.page);
    expect(found, describeViolations('supervisor board while barging', found)).toEqual([]);
    if (process.env.E2E_SHOTS) {
      await sam.page.screenshot({ path: `${process.env.E2E_SHOTS}/supervisor-board.png`, fullPage: true });
      await alice.page.screenshot({ path: `${process.env.E2E_SHOTS}/agent-barged.png`, fullPage: true });
    }
    const samBarge = await measure(sam.page, 1500);
    expect(samBarge[CALLER], 'Sam hears the caller').toBeGreaterThan(0.5);
    expect(samBarge[A], 'Sam hears Alice').toBeGreaterThan(0.5);

    // Listen: nobody hears Sam any more (the SFU unpublished Sam's microphone); Sam hears both.
    await row.getByTestId('monitor-listen').click();
    await expect.poll(() => row.getByTestId('monitor-listen').getAttribute('aria-pressed'), { timeout: 10_000 }).toBe('true');
    await expect.poll(() => alice.page.getByTestId('supervision-notice').getAttribute('data-mode'), { timeout: 10_000 }).toBe('listen');
    await waitUntilSilent(caller.page, S, 15_000);
    await waitUntilSilent(alice.page, S, 15_000);
    const w = await window();
    await assertNeverHeard(caller.page, S, w.since, { until: w.until, what: 'caller while Sam listens' });
    await assertNeverHeard(alice.page, S, w.since, { until: w.until, what: 'Alice while Sam listens' });
    const listening = await measure(caller.page, 1500);
    expect(listening[A], 'the caller still hears Alice').toBeGreaterThan(0.8);
    const samListen = await measure(sam.page, 1500);
    expect(samListen[CALLER]).toBeGreaterThan(0.5);
    expect(samListen[A]).toBeGreaterThan(0.5);
    // Back from barge Sam's page rejoined hidden: the caller's client was told Sam left and lists nobody new.
    expect(await listsSam(caller.page), 'the caller’s client lists Sam while listening').toBe(false);

    // Stop: the notice goes from Alice's console and the board shows nobody monitoring.
    await row.getByTestId('monitor-stop').click();
    await expect.poll(() => alice.page.getByTestId('supervision-notice').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => row.getByTestId('call-monitors').textContent(), { timeout: 10_000 }).toBe('—');

    // The caller hangs up: the call leaves the board by itself (event stream).
    await caller.page.getByTestId('hangup-button').click();
    await expect.poll(() => sam.page.getByTestId(`board-call-${name}`).count(), { timeout: 15_000 }).toBe(0);
    expect((await aliceApi('GET', `/api/calls/${callId}`)).body.state).toBe('ended');
  });
});
