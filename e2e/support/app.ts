// Drives the real UI: the app stack from testkit/ (real LiveKit, real
// Postgres, the built web app) and page helpers for the caller and agent roles.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { launchRole, type RoleBrowser } from './browser.js';
import { client, startStack, TEST_PASSWORD, type Stack } from '../../testkit/stack.js';

export { client, startStack, type Stack };

// Tone tests want the raw microphone: no echo cancellation / noise suppression / AGC.
const RAW = '?rawAudio=1';

export async function signInAgent(page: Page, stack: Stack, who: 'alice' | 'bob' | 'carol') {
  await page.goto(`${stack.baseUrl}/agent${RAW}`);
  await page.getByTestId('login-email').fill(stack.agents[who].email);
  await page.getByTestId('login-password').fill(TEST_PASSWORD);
  await page.getByTestId('login-button').click();
  await page.getByTestId('agent-status').waitFor();
  await setStatus(page, 'available');
}

/** The status control: open its menu and choose (e.g. 'available', 'away-lunch'); waits until the server says so. */
export async function setStatus(page: Page, choice: string) {
  await page.getByTestId('agent-status').click();
  await page.getByTestId(`status-option-${choice}`).click();
  const status = choice.startsWith('away') ? 'away' : choice;
  // A locator wait, not expect.poll: this also runs in beforeAll.
  await page.locator(`[data-testid="agent-status"][data-status="${status}"]`).waitFor({ timeout: 10_000 });
}

/** After-call work (stacks with WRAP_UP_TIMEOUT_S > 0): pick a disposition, press Done; the panel goes. */
export async function finishWrapUp(page: Page, disposition: string) {
  const panel = page.getByTestId('wrap-up-panel');
  await panel.waitFor({ timeout: 15_000 });
  await panel.getByRole('radio', { name: disposition, exact: true }).check();
  await page.getByTestId('wrap-up-done').click();
  await panel.waitFor({ state: 'detached', timeout: 10_000 });
}

export async function placeCall(page: Page, stack: Stack, name: string, reason: string): Promise<string> {
  await page.goto(`${stack.baseUrl}/${RAW}`);
  await page.getByTestId('caller-name').fill(name);
  await page.getByTestId('caller-reason').fill(reason);
  await page.getByTestId('call-button').click();
  await expect.poll(() => page.getByTestId('call-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('waiting');
  const roomName = () =>
    page.evaluate(() => (window as unknown as { __warmline?: { room?: { name?: string } | null } }).__warmline?.room?.name ?? '');
  await expect.poll(roomName, { timeout: 15_000 }).toMatch(/^call-/);
  return roomName();
}

export async function acceptFirstCall(page: Page, callerName: string) {
  const item = page.getByTestId('queue-item').filter({ hasText: callerName });
  await item.getByTestId('accept-button').click({ timeout: 15_000 });
  await expect.poll(() => page.getByTestId('room-connection').first().getAttribute('data-connected'), { timeout: 15_000 }).toBe('true');
}

export const callState = (page: Page) => page.getByTestId('call-state').first().getAttribute('data-state');

/** The call id the caller page is on, read from the room name call-<id>. */
export const callIdOf = (room: string) => room.replace(/^call-/, '');

export interface ThreeRoles {
  stack: Stack;
  caller: RoleBrowser;
  alice: RoleBrowser;
  bob: RoleBrowser;
}

/**
 * A test file's stack (with `env`) and three Chromium processes, each with its own tone: the
 * caller 440 Hz, Alice 660 Hz, Bob 880 Hz; Alice and Bob signed in. Filled before the file's
 * tests, all closed after them.
 */
export function callerAndTwoAgents(env: Record<string, string>): ThreeRoles {
  const roles = {} as ThreeRoles;
  beforeAll(async () => {
    roles.stack = await startStack({ env });
    [roles.caller, roles.alice, roles.bob] = await Promise.all([launchRole('caller', 440), launchRole('agent-a', 660), launchRole('agent-b', 880)]);
    await signInAgent(roles.alice.page, roles.stack, 'alice');
    await signInAgent(roles.bob.page, roles.stack, 'bob');
  });
  afterAll(async () => {
    await Promise.all([roles.caller?.close(), roles.alice?.close(), roles.bob?.close()]);
    await roles.stack?.stop();
  });
  return roles;
}
