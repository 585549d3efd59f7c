// Two loose ends of the message view, in Chromium against the real headless server with mail sent
// over SMTP: a message whose .eml cannot be read says what happened and what follows in the
// reading pane (before: "internal error (id …)"), while the list and the other messages go on;
// and a delivery report's returned header block (text/rfc822-headers, Exim's, Postfix's with
// headers_only) is named by its original's Subject, as its chip and as the file saved (before:
// "part 3"). Screenshots light and dark for a person to look at.
import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessagesPage } from '../../preload/api-contract.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

const eximBounce = readFileSync(
  new URL('../unit/delivery-reports/exim.eml', import.meta.url),
  'utf8',
);

describe.skipIf(!chromiumPath)(
  'the message view when reading fails, and a returned header block',
  () => {
    let gui: Gui;
    let page: Page;

    beforeAll(async () => {
      gui = await startGui(chromiumPath as string);
      page = gui.page;
      // over 16 KiB: its .eml is synced under its own name before the 250, so no folding of the
      // arrivals journal touches it again (a folder in its place would fail that sync at the stop)
      await gui.send({
        from: 'app@example.test',
        to: 'you@example.test',
        subject: 'Your order',
        text: 'order line\n'.repeat(2000),
      });
      await gui.send({ from: 'app@example.test', to: 'you@example.test', subject: 'Readable' });
      await gui.send({ envelope: { from: '', to: ['app@example.test'] }, raw: eximBounce });
      const listed = await gui.relaydesk.api<MessagesPage>('/api/v1/messages');
      const jammed = listed.messages.find((m) => m.Subject === 'Your order')?.ID as string;
      // a folder in the place of its .eml: it cannot be read
      const eml = join(gui.relaydesk.dataDir, 'spool', `${jammed}.eml`);
      await rm(eml);
      await mkdir(eml);
      await writeFile(join(eml, 'held'), 'x');
      await gui.openLive();
    }, 120_000);

    afterAll(async () => {
      await gui?.close();
    });

    it('says in the reading pane why a message cannot be read, and the others still open', async () => {
      await page.getByTestId('message-row').filter({ hasText: 'Your order' }).click();
      const error = page.getByTestId('message-error');
      await eventually(() => error.innerText()).toMatch(
        /^the message's file could not be read \(EISDIR\); it is still listed, and opens once its file can be read again \(id [0-9a-f]{12}\); the server's log has the details$/,
      );
      expect(await error.innerText()).not.toContain(gui.relaydesk.dataDir);
      // its toolbar stays (the words say it is listed until deleted); a captured message has no
      // Delivery to show
      await page.getByTestId('delete-message').waitFor();
      expect(await page.getByTestId('delivery-view').count()).toBe(0);
      // nor a Download .eml that could only fail
      expect(await page.getByTestId('download-eml').count()).toBe(0);
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({ path: join(screenshots, `message-unreadable-${scheme}.png`) });
      }
      await page.emulateMedia({ colorScheme: 'light' });
      // still listed, and the next one opens
      expect(await page.getByTestId('message-row').count()).toBe(3);
      await gui.openMessage('Readable');
      expect(await page.getByTestId('message-error').count()).toBe(0);
      expect(await page.getByTestId('download-eml').count()).toBe(1);
      expect(gui.pageErrors).toEqual([]);
    });

    it("names a report's returned header block by its original's Subject, as chip and as file", async () => {
      await gui.openMessage('Mail delivery failed: returning message to sender');
      // the report's box read that Subject from the same part
      await eventually(() => page.getByTestId('report-original').innerText()).toMatch(
        /Welcome — confirm your address/,
      );
      const chip = page.getByTestId('attachment');
      const name = 'Welcome — confirm your address (headers).txt';
      expect(await chip.locator('.attachment-name').innerText()).toBe(name);
      expect(await chip.getByRole('link').getAttribute('download')).toBe(name);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        chip.getByRole('link').click(),
      ]);
      expect(download.suggestedFilename()).toBe(name);
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({ path: join(screenshots, `returned-headers-${scheme}.png`) });
      }
      await page.emulateMedia({ colorScheme: 'light' });
      expect(gui.pageErrors).toEqual([]);
    });
  },
);
