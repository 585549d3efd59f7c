// The set-up the Analyze headers dialog's screen tests share: a GUI at the size those tests read
// the route at, the dialog, a header block pasted and analysed, and a picture of one part of it
// in light and dark. Start it in beforeAll, close the dialog after each test, `gui.close()` last.
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { screenshots, startGui, type Gui } from './gui.js';

export interface AnalyzeScreen {
  gui: Gui;
  page: Page;
  dialog: Locator;
  /** Opens the dialog, pastes the headers and waits for the route read from them. */
  analyze(headers: string): Promise<void>;
  /** Closes the dialog when a test left it open. */
  closeDialog(): Promise<void>;
  /** `screenshots/NAME-light.png` and `-dark.png`, of the target alone or of the page. */
  shoot(name: string, target: Locator, what?: 'target' | 'page'): Promise<void>;
}

export async function startAnalyzeScreen(chromiumPath: string): Promise<AnalyzeScreen> {
  const gui = await startGui(chromiumPath, { viewport: { width: 1280, height: 900 } });
  const page = gui.page;
  const dialog = page.getByRole('dialog', { name: 'Analyze headers' });
  await gui.openLive();
  return {
    gui,
    page,
    dialog,
    async analyze(headers) {
      await page.getByRole('button', { name: 'Analyze headers' }).click();
      await dialog.waitFor();
      await dialog.getByRole('textbox').fill(headers);
      await dialog.getByRole('button', { name: 'Analyze', exact: true }).click();
      await dialog.getByTestId('route-view').waitFor();
    },
    async closeDialog() {
      if (await dialog.isVisible()) await page.keyboard.press('Escape');
    },
    async shoot(name, target, what = 'target') {
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await target.scrollIntoViewIfNeeded();
        const path = join(screenshots, `${name}-${scheme}.png`);
        await (what === 'page' ? page.screenshot({ path }) : target.screenshot({ path }));
      }
      await page.emulateMedia({ colorScheme: 'light' });
    },
  };
}
