// Mailpit's --ignore-duplicate-ids, --use-message-dates, --label and --hide-delete-all-button on
// the Settings screen, in Chromium against the headless server: all are in the Capture toolkit,
// and each saved there applies at once (the next message over real SMTP, the window's header and
// the list's actions).
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
      await page.emulateMedia({ colorScheme: 'light' });
      expect(gui.pageErrors).toEqual([]);
    });

    it('shows the label beside the name and hides Delete all once saved, without a reload', async () => {
      const { page } = gui;
      await gui.openLive('#settings');
      await page.getByLabel('Label of this instance (beside the name in the UI)').fill('staging');
      await page.getByLabel('Hide the list\'s "Delete all" button').check();
      await page.getByRole('button', { name: 'Save settings' }).click();
      await eventually(() => page.locator('.settings-summary').innerText()).toContain('Saved.');
      await page.getByRole('button', { name: /^Inbox/ }).click();
      await eventually(() => page.getByTestId('instance-label').innerText()).toBe('staging');
      await page.getByTestId('mark-all-read').waitFor();
      expect(await page.getByTestId('delete-all').count()).toBe(0);
      await page.screenshot({ path: join(screenshots, 'instance-label-light.png') });
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.screenshot({ path: join(screenshots, 'instance-label-dark.png') });
      await page.emulateMedia({ colorScheme: 'light' });
      expect(gui.pageErrors).toEqual([]);
    });
  },
);
