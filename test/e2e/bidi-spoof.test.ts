// A subject, sender name or attachment name with a right-to-left override (U+202E) reads as
// something else: `Invoice \u202Egpj.exe` shows as "Invoice exe.jpg". The list, the reading pane
// and the attachment list show such controls as `[U+202E]` instead, in light and dark.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('bidi controls in mail text', () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    describe(colorScheme, () => {
      let gui: Gui;

      beforeAll(async () => {
        gui = await startGui(chromiumPath as string, { colorScheme });
        await gui.send({
          from: { name: 'Accounts \u202eevil', address: 'billing@example.com' },
          to: 'me@example.net',
          subject: 'Invoice \u202egpj.exe',
          text: 'see attachment',
          attachments: [
            { filename: 'photo\u202egpj.exe', content: 'MZ', contentType: 'image/jpeg' },
          ],
        });
      }, 120_000);

      afterAll(async () => {
        await gui?.close();
      });

      it('are shown as what they are, not obeyed', async () => {
        const { page } = gui;
        await gui.openLive();
        const row = page.getByTestId('message-row').first();
        await eventually(() => row.getByTestId('message-row-subject').innerText()).toBe(
          'Invoice [U+202E]gpj.exe',
        );
        expect(await row.getByTestId('message-row-from').getAttribute('title')).toBe(
          'Accounts [U+202E]evil <billing@example.com>',
        );
        expect(await row.getByTestId('message-row-from').innerText()).toMatch(
          /Accounts \[U\+202E\]evil$/,
        );
        await row.click();
        await eventually(() => page.getByTestId('message-subject').innerText()).toBe(
          'Invoice [U+202E]gpj.exe',
        );
        expect(await page.getByTestId('message-from').innerText()).toBe(
          'Accounts [U+202E]evil <billing@example.com>',
        );
        const attachment = page.getByTestId('attachment');
        expect(await attachment.locator('.attachment-name').innerText()).toBe(
          'photo[U+202E]gpj.exe',
        );
        // saved, the name has no control to reorder it in a file manager either
        expect(await attachment.locator('a').getAttribute('download')).toBe('photogpj.exe');
        await page.screenshot({ path: join(screenshots, `bidi-spoof-${colorScheme}.png`) });
        expect(gui.pageErrors).toEqual([]);
      });
    });
  }
});
