// Two loose ends of the message view, in Chromium against the real headless server with mail sent
// over SMTP: a message whose .eml cannot be read says what happened and what follows in the
// reading pane (before: "internal error (id …)"), while the list and the other messages go on;
// and a delivery report's returned header block (text/rfc822-headers, Exim's, Postfix's with
// headers_only) is named by its original's Subject, as its chip and as the file saved (before:
// "part 3"). And messages a sender got wrong: 1,500 attachments (mailsplit's default cap of
// 1,000 parts left it unread), a part that cannot be read at all, and no From address (flagged as
// "MAIL FROM differs from the From header", which it did not have). Screenshots light and dark
// for a person to look at.
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

    it('reads a message of 1,500 attachments and shows a dozen, the rest behind "+N more"', async () => {
      // mailsplit stops at 1,000 parts by default: the message was kept unread, its files unseen
      const parts = Array.from(
        { length: 1500 },
        (_, i) =>
          `--zz\r\nContent-Type: application/octet-stream\r\n` +
          `Content-Disposition: attachment; filename="scan-${i}.bin"\r\n\r\nx\r\n`,
      );
      const raw =
        // a Date and Message-ID, so that what is measured is the attachments' room alone
        'From: scanner@example.test\r\nTo: you@example.test\r\nSubject: Scans\r\n' +
        'Date: Fri, 4 Dec 2026 09:00:00 +0000\r\nMessage-ID: <scans.1@example.test>\r\n' +
        'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="zz"\r\n\r\n' +
        '--zz\r\nContent-Type: text/plain\r\n\r\nYour scans.\r\n' +
        `${parts.join('')}--zz--\r\n`;
      await gui.send({ envelope: { from: 'scanner@example.test', to: ['you@example.test'] }, raw });
      await gui.openMessage('Scans');
      const chips = page.getByTestId('attachment');
      await eventually(() => chips.count()).toBe(12);
      const more = page.getByTestId('attachments-more');
      expect((await more.innerText()).replace(/\s+/g, ' ')).toBe('+1488 more attachments');
      // the tabs stay in the pane's upper part, the body below them in sight
      const tabs = await page.getByRole('tab', { name: 'Text' }).boundingBox();
      expect(tabs && tabs.y + tabs.height).toBeLessThan(650);
      await page.screenshot({ path: join(screenshots, 'many-attachments-light.png') });
      await more.click();
      await eventually(() => chips.count()).toBe(1500);
      expect(await chips.last().locator('.attachment-name').innerText()).toBe('scan-1499.bin');
      expect(await page.getByRole('alert').count()).toBe(0);
      expect(gui.pageErrors).toEqual([]);
    });

    it('says what still shows a message whose MIME structure cannot be read', async () => {
      // a part's header over mailsplit's 1 MB: the parts are not read
      const raw =
        'From: app@example.test\r\nTo: you@example.test\r\nSubject: Padded part\r\n' +
        'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="zz"\r\n\r\n' +
        `--zz\r\nX-Pad: ${'pad '.repeat(300_000)}\r\nContent-Type: text/plain\r\n\r\nx\r\n--zz--\r\n`;
      await gui.send({ envelope: { from: 'app@example.test', to: ['you@example.test'] }, raw });
      await gui.openMessage('Padded part');
      await eventually(() => page.getByRole('alert').innerText()).toBe(
        'The MIME structure could not be read (Max header size for a MIME node exceeded), so no ' +
          'body or attachment is shown. The Source tab and Download .eml have the message as it came.',
      );
      expect(gui.pageErrors).toEqual([]);
    });

    it('says a message has no From address, not that MAIL FROM differs from it', async () => {
      const raw = 'To: you@example.test\r\nSubject: Cron output\r\n\r\ndone\r\n';
      await gui.send({ envelope: { from: 'cron@example.test', to: ['you@example.test'] }, raw });
      await gui.openMessage('Cron output');
      expect(await page.getByTestId('message-from-missing').innerText()).toBe(
        'none: the message has no From address, which every message needs (RFC 5322 §3.6); Gmail refuses such mail',
      );
      expect(await page.getByTestId('message-from').count()).toBe(0);
      if ((await page.getByTestId('envelope-toggle').getAttribute('aria-expanded')) === 'false') {
        await page.getByTestId('envelope-toggle').click();
      }
      await eventually(async () =>
        (await page.getByTestId('envelope-flag').innerText()).trim(),
      ).toBe('and the message has no From address');
      await page.getByTestId('envelope-toggle').click();
      expect(await page.getByTestId('envelope-summary').innerText()).toBe(
        'cron@example.test → 1 recipient, no From address',
      );
      await page.getByTestId('envelope-toggle').click();
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({ path: join(screenshots, `no-from-${scheme}.png`) });
      }
      await page.emulateMedia({ colorScheme: 'light' });
      expect(gui.pageErrors).toEqual([]);
    });

    it('says which header fields receivers refuse: no Date or Message-ID, a bad one, one given twice', async () => {
      // a script's message: no Date (the time shown is its arrival) and no Message-ID
      await gui.openMessage('Cron output');
      expect(await page.getByTestId('message-date-problem').innerText()).toBe(
        'when it arrived here: the message has no Date field, which every message needs (RFC 5322 §3.6)',
      );
      expect(await page.getByTestId('header-problems').innerText()).toBe(
        'No Message-ID: Gmail refuses such mail (“Messages missing a valid Message-ID header are ' +
          'not accepted”) unless a server on the way adds one. Add Message-ID: ' +
          '<a-unique-id@your-domain>, as mail libraries do.',
      );
      const raw = [
        'From: App <app@example.test>',
        'To: you@example.test',
        'Subject: Reset',
        'Subject: Reset your password',
        'Date: tomorrow at noon',
        'Message-ID: 1733472000.abc123',
        '',
        'body',
        '',
      ].join('\r\n');
      await gui.send({ envelope: { from: 'app@example.test', to: ['you@example.test'] }, raw });
      await gui.openMessage('Reset');
      expect(await page.getByTestId('message-date-problem').innerText()).toBe(
        'when it arrived here: its Date field “tomorrow at noon” is not a date mail programs read (RFC 5322 §3.3)',
      );
      expect(await page.getByTestId('header-problems').locator('p').allInnerTexts()).toEqual([
        'The Message-ID “1733472000.abc123” is not in the form <unique-id@domain> (RFC 5322 §3.6.4): Gmail refuses or replaces it.',
        '2 Subject fields, where RFC 5322 §3.6 allows one: Gmail refuses such mail (“not RFC 5322 compliant: duplicate headers”) and other programs show either one.',
      ]);
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({ path: join(screenshots, `header-problems-${scheme}.png`) });
      }
      await page.emulateMedia({ colorScheme: 'light' });
      // what a mail library sends says nothing of the kind
      await gui.openMessage('Readable');
      expect(await page.getByTestId('message-date-problem').count()).toBe(0);
      expect(await page.getByTestId('header-problems').count()).toBe(0);
      expect(gui.pageErrors).toEqual([]);
    });
  },
);
