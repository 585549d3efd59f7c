// Settings → Listener says what a loopback host means: 127.0.0.1 and ::1 (listen-address.ts),
// so the user who reads "127.0.0.1" is not left wondering why `localhost` works.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { shootLightAndDark, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

/** The text a screen reader gives as the field's description (its aria-describedby). */
function description(page: Page, label: string): Promise<string> {
  return page.getByLabel(label, { exact: true }).evaluate((input) =>
    (input.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' ')
      .trim(),
  );
}

describe.skipIf(!chromiumPath)('Settings → Listener on a loopback host', () => {
  let gui: Gui;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string);
    await gui.openLive('#settings');
  }, 60_000);
  afterAll(async () => gui?.close());

  it('says the SMTP and UI listeners take ::1 too', async () => {
    const { page } = gui;
    const twin =
      'Listens on 127.0.0.1 and ::1 (this machine only), so clients told “localhost” reach it whichever address they try first';
    await eventually(() => description(page, 'SMTP address')).toContain(twin);
    expect(await description(page, 'Web UI and API address')).toContain(twin);
    await page.getByLabel('SMTP address', { exact: true }).scrollIntoViewIfNeeded();
    await shootLightAndDark(page, 'settings-loopback-twin');
    expect(gui.pageErrors).toEqual([]);
  });
});
