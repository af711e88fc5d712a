// Keyboard-only driving: Tab (or Shift+Tab) until the focused element matches, then the caller
// presses Enter or Space. No mouse, no element.focus() from the test.
import type { Page } from 'playwright-core';

/** Presses Tab until document.activeElement matches `selector`; throws after `max` presses. */
export async function tabTo(page: Page, selector: string, { max = 60, back = false } = {}): Promise<void> {
  for (let i = 0; i <= max; i++) {
    if (await page.evaluate((s) => !!document.activeElement?.matches(s), selector)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`Tab never reached ${selector}; focus is on ${await focusedDescription(page)}`);
}

/** What has focus, for assertions and messages: tag, test id, text. */
export function focusedDescription(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return 'body';
    return `${el.tagName.toLowerCase()}${el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : ''} "${(el.textContent ?? '').trim().slice(0, 40)}"`;
  });
}

/** Waits until something other than the page body has focus (focus went somewhere sensible). */
export async function waitForFocusOffBody(page: Page, timeoutMs = 10_000): Promise<string> {
  await page.waitForFunction(() => document.activeElement && document.activeElement !== document.body, undefined, { timeout: timeoutMs });
  return focusedDescription(page);
}
