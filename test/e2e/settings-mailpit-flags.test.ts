// Mailpit's --ignore-duplicate-ids and --use-message-dates on the Settings screen, in Chromium
// against the headless server: both are in the Capture toolkit with their labels, and ignoring
// duplicates turned on there applies at once to the next message over real SMTP.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SettingsView } from '../../preload/api-contract.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)(
  "Mailpit's duplicate and date settings on the Settings screen",
  () => {
    let gui: Gui;

    beforeAll(async () => {
      gui = await startGui(chromiumPath as string, { viewport: { width: 1280, height: 900 } });
    }, 120_000);

    afterAll(async () => {
      await gui?.close();
    });

    it('turns on ignoring duplicates, which the next message over SMTP obeys', async () => {
      const { page, relaydesk } = gui;
      const duplicate = {
        from: 'app@example.com',
        to: 'user@example.com',
        subject: 'order confirmation',
        text: 'hello',
        messageId: '<order-7@example.com>',
      };
      await gui.send(duplicate);
      await gui.openLive('#settings');
      const ignore = page.getByLabel('Ignore messages whose Message-ID is already stored');
      const dates = page.getByLabel("Captured mail's received time is its Date header");
      expect(await ignore.isChecked()).toBe(false);
      expect(await dates.isChecked()).toBe(false);
      await ignore.check();
      await page.getByRole('button', { name: 'Save settings' }).click();
      await eventually(() => page.locator('.settings-summary').innerText()).toContain('Saved.');
      const saved = await relaydesk.api<SettingsView>('/api/v1/settings');
      expect(saved.values).toMatchObject({ ignoreDuplicateIds: true, useMessageDates: false });

      await gui.send(duplicate);
      expect(await gui.total()).toBe(1);

      await ignore.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(screenshots, 'settings-mailpit-flags-light.png') });
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.screenshot({ path: join(screenshots, 'settings-mailpit-flags-dark.png') });
      expect(gui.pageErrors).toEqual([]);
    });
  },
);
