// The console's transfer directory (web/src/agent/TransferDirectory.tsx), for tests that only need
// a target chosen: open the transfer form if it is closed, search, choose. e2e/directory.test.ts
// drives the same directory by keyboard and checks what it shows.
import type { Page } from 'playwright-core';

export type DirectoryTarget = { agent: string } | { queue: string } | { phone: true };

/** Chooses a colleague (by name), a queue (by name) or "Phone number…" in the transfer directory. */
export async function chooseTransferTarget(page: Page, target: DirectoryTarget): Promise<void> {
  const search = page.getByTestId('directory-search');
  if ((await page.getByTestId('transfer-chosen').count()) > 0) await page.getByTestId('transfer-change').click();
  if ((await search.count()) === 0) await page.getByTestId('transfer-button').click();
  await search.waitFor();
  const option =
    'phone' in target
      ? page.locator('[data-testid="directory-option"][data-kind="phone"]')
      : page.locator(`[data-testid="directory-option"][data-kind="${'agent' in target ? 'agent' : 'queue'}"]`).filter({ hasText: 'agent' in target ? target.agent : target.queue });
  if (!('phone' in target)) await search.fill('agent' in target ? target.agent : target.queue);
  await option.first().click();
  await page.getByTestId('transfer-chosen').waitFor();
}
