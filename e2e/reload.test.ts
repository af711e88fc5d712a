// Issue 8: a reload is not a hang-up. The agent or the caller reloads mid-call and they talk
// again, measured with tones, without the call going back to the queue; a second console tab
// of the same agent does not steal the audio unless asked to.
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { measure, waitUntilHears } from './support/audio-probe.js';
import { acceptFirstCall, callIdOf, callState, client, placeCall, signInAgent, startStack, type Stack } from './support/app.js';
import { launchRole, type RoleBrowser } from './support/browser.js';

const CALLER = 440;
const AGENT = 660;

let stack: Stack;
let caller: RoleBrowser;
let agent: RoleBrowser;

beforeAll(async () => {
  stack = await startStack({ env: { RECONNECT_GRACE_S: '20' } });
  [caller, agent] = await Promise.all([launchRole('caller', CALLER), launchRole('agent-a', AGENT)]);
  await signInAgent(agent.page, stack, 'alice');
});
afterAll(async () => {
  await Promise.all([caller?.close(), agent?.close()]);
  await stack?.stop();
});

// A failed test must not leave Alice on a call or the caller page resuming it.
let aliceToken = '';
const aliceApi = async () => client(stack.baseUrl, (aliceToken ||= await stack.login('alice')));

afterEach(async () => {
  const api = await aliceApi();
  const me = (await api('GET', '/api/agents/me')).body;
  if (me.currentCall) await api('POST', `/api/calls/${me.currentCall.id}/hangup`);
  await caller.page.evaluate(() => sessionStorage.clear()).catch(() => undefined);
  await caller.page.goto('about:blank');
});

const connected = (page: Page) => page.getByTestId('room-connection').first().getAttribute('data-connected');

async function talking(name: string): Promise<string> {
  const room = await placeCall(caller.page, stack, name, 'Invoice 7731 charged twice');
  await acceptFirstCall(agent.page, name);
  await waitUntilHears(caller.page, AGENT, 15_000);
  await waitUntilHears(agent.page, CALLER, 15_000);
  return callIdOf(room);
}

async function record(callId: string) {
  const api = await aliceApi();
  return (await api('GET', `/api/calls/${callId}`)).body;
}

async function hangUp() {
  await caller.page.getByTestId('hangup-button').click();
  await expect.poll(() => agent.page.getByTestId('current-call').count(), { timeout: 15_000 }).toBe(0);
}

describe('reloads mid-call', () => {
  it('the agent reloads the console: the caller hears the agent again and the call never goes back to the queue', async () => {
    const callId = await talking('Reload A');
    await agent.page.reload();
    await expect.poll(() => connected(agent.page), { timeout: 20_000 }).toBe('true');
    await waitUntilHears(caller.page, AGENT, 20_000);
    await waitUntilHears(agent.page, CALLER, 20_000);
    expect((await measure(caller.page, 1500))[AGENT]).toBeGreaterThan(0.8);
    expect((await measure(agent.page, 1500))[CALLER]).toBeGreaterThan(0.8);
    const view = await record(callId);
    expect(view).toMatchObject({ state: 'active', agentId: stack.agents.alice.id, agentReconnecting: false });
    expect(view.timeline.map((e: { type: string }) => e.type)).not.toContain('agent_dropped');
    await hangUp();
  });

  it('the caller reloads the page: the same call comes back and the caller talks to the same agent again', async () => {
    const callId = await talking('Reload C');
    await caller.page.reload();
    await expect.poll(() => callState(caller.page), { timeout: 20_000 }).toBe('active');
    await waitUntilHears(caller.page, AGENT, 20_000);
    await waitUntilHears(agent.page, CALLER, 20_000);
    expect((await measure(caller.page, 1500))[AGENT]).toBeGreaterThan(0.8);
    expect((await measure(agent.page, 1500))[CALLER]).toBeGreaterThan(0.8);
    const roomNow = await caller.page.evaluate(() => (window as unknown as { __warmline?: { room?: { name?: string } | null } }).__warmline?.room?.name ?? '');
    expect(roomNow).toBe(`call-${callId}`);
    expect(await record(callId)).toMatchObject({ state: 'active', agentId: stack.agents.alice.id, callerReconnecting: false });
    await hangUp();
    expect((await record(callId)).endReason).toBe('caller_hung_up');
  });

  it('a second console tab of the same agent does not steal the audio; "Use this tab" moves it there', async () => {
    const callId = await talking('Two tabs');
    const second = await agent.context.newPage();
    try {
      await second.goto(`${stack.baseUrl}/agent?rawAudio=1`);
      const useHere = second.getByTestId('use-this-tab').first();
      await useHere.waitFor({ timeout: 15_000 });
      expect(await connected(agent.page)).toBe('true'); // the first tab keeps the call
      expect((await measure(agent.page, 1000))[CALLER]).toBeGreaterThan(0.8);

      await useHere.click();
      await expect.poll(() => connected(second), { timeout: 15_000 }).toBe('true');
      await waitUntilHears(second, CALLER, 15_000);
      await agent.page.getByTestId('use-this-tab').first().waitFor({ timeout: 15_000 }); // the first tab now offers it back
      await waitUntilHears(caller.page, AGENT, 15_000);
      expect(await record(callId)).toMatchObject({ state: 'active', agentId: stack.agents.alice.id });
    } finally {
      await second.close();
    }
    await agent.page.getByTestId('use-this-tab').first().click();
    await expect.poll(() => connected(agent.page), { timeout: 15_000 }).toBe('true');
    await hangUp();
  });
});
