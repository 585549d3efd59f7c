// A save that fails (the relay stopped while the window was open, a full disk, a read-only data
// folder) says "Not saved: …" in the summary at the top of Settings. Save is pressed in the footer,
// far below it: a refused save brought the summary into view, a failed one left it out of sight,
// so the person who saved read nothing and took the change as saved.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { screenshots, startGui, type Gui } from './gui.js';
import { eventually } from './browser.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('a settings save that fails', () => {
  let gui: Gui;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string, { viewport: { width: 1280, height: 800 } });
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  it('brings "Not saved" into view beside the Save button pressed far below it', async () => {
    const { page } = gui;
    await gui.openLive('#settings');
    const box = page.getByLabel('Captured messages to keep (0: all)');
    await box.scrollIntoViewIfNeeded();
    await box.fill('300');
    // the relay goes away with the window still open: the save cannot reach it
    await gui.relaydesk.close();
    await page.getByRole('button', { name: 'Save settings' }).click();

    const alert = page.locator('.settings-summary [role="alert"]');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/^Not saved: /);
    // scrolled to once it is shown: read until then (a loaded machine paints it a frame later)
    const shown = () =>
      alert.evaluate((element) => {
        const rect = element.getBoundingClientRect();
        return rect.top >= 0 && rect.bottom <= window.innerHeight;
      });
    await eventually(shown).toBe(true);
    await page.screenshot({ path: join(screenshots, 'settings-save-failure.png') });
    // nor does the footer beside Save read as a success ("Saved in …" did)
    expect(await page.locator('.settings-footer .field-hint').innerText()).toMatch(
      /^Settings file: \/.*settings\.json$/,
    );
    expect(gui.pageErrors).toEqual([]);
  });
});
