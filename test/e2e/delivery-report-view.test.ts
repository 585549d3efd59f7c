// A bounce read as one, in Chromium against the real headless server with the mail sent over
// SMTP from the null sender: the message view's delivery report box (one row per recipient of
// its message/delivery-status part), the Envelope's null sender in the normal colour for a
// bounce and still flagged for an ordinary message, and the returned original's chip named by
// its Subject. Screenshots light and dark, wide and at 420 px, for a person to look at.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

const postfixBounce = readFileSync(
  new URL('../unit/delivery-reports/postfix.eml', import.meta.url),
  'utf8',
);

for (const colorScheme of ['light', 'dark'] as const) {
  describe.skipIf(!chromiumPath)(`a bounce in the message view (${colorScheme})`, () => {
    let gui: Gui;
    let page: Page;

    beforeAll(async () => {
      gui = await startGui(chromiumPath as string, { colorScheme });
      page = gui.page;
      await gui.send({ envelope: { from: '', to: ['app@example.test'] }, raw: postfixBounce });
      await gui.send({
        envelope: { from: '', to: ['app@example.test'] },
        raw: 'From: newsletter@example.test\r\nTo: app@example.test\r\nSubject: Plain mail from nobody\r\n\r\nhello\r\n',
      });
      // an app's mail with its own bounce address (VERP), and one with an ESP's of another domain
      for (const [from, subject] of [
        ['bounces+u42@mail.shop.example', 'Your receipt'],
        ['bounces+u42@sendgrid.example', 'Your invoice'],
      ]) {
        await gui.send({
          envelope: { from, to: ['app@example.test'] },
          raw: `From: Shop <orders@shop.example>\r\nTo: app@example.test\r\nSubject: ${subject}\r\n\r\nthanks\r\n`,
        });
      }
    }, 120_000);

    afterAll(async () => {
      await gui?.close();
    });

    const mailFrom = () => page.getByTestId('envelope-mail-from');
    const compared = () => page.getByTestId('envelope').getAttribute('data-compared');

    it('shows the report, a neutral null sender and the original named by its subject', async () => {
      await page.setViewportSize({ width: 1280, height: 800 });
      await gui.openLive();
      await gui.openMessage('Undelivered Mail Returned to Sender');
      const box = page.getByTestId('delivery-report');
      await expect(box.getByRole('heading', { level: 3 }).innerText()).resolves.toBe(
        'Delivery report from mx.example.net',
      );
      const rows = box.getByTestId('report-recipient');
      await eventually(() => rows.count()).toBe(2);
      const first = rows.nth(0);
      expect(await first.getAttribute('data-action')).toBe('failed');
      expect(await first.getByRole('heading').innerText()).toMatch(
        /^nobody@example\.org\s*Failed$/,
      );
      expect(await first.getByTestId('report-status').innerText()).toBe(
        '5.1.1 Bad destination mailbox address (permanent failure)',
      );
      expect(await first.getByTestId('report-remote-mta').innerText()).toBe('mail.example.org');
      expect(await first.getByTestId('report-diagnostic').innerText()).toBe(
        '550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown',
      );
      const second = rows.nth(1);
      expect(await second.getByRole('heading').innerText()).toMatch(
        /^full@example\.org\s*Delayed$/,
      );
      expect(await second.getByTestId('report-status').innerText()).toBe(
        '4.2.2 Mailbox full (temporary failure)',
      );
      expect(await box.getByTestId('report-original').innerText()).toMatch(
        /Original message\s*Your order\s*Message-ID\s*<order-1@example\.test>/,
      );
      // the box sits above the tabs
      const boxBottom = (await box.boundingBox())?.y ?? Infinity;
      expect(boxBottom).toBeLessThan((await page.getByRole('tablist').boundingBox())?.y ?? 0);

      await eventually(compared).toBe('yes');
      expect(await mailFrom().innerText()).toBe(
        '<> (null sender, as a bounce or automatic reply has)',
      );
      expect(await page.getByTestId('envelope-flag').count()).toBe(0);
      const row = mailFrom().locator('xpath=..');
      expect(await row.getAttribute('class')).toBeNull();

      const chip = page.getByTestId('attachment');
      expect(await chip.locator('.attachment-name').innerText()).toBe('Your order.eml');
      expect(await chip.getByRole('link').getAttribute('download')).toBe('Your order.eml');

      await page.screenshot({ path: join(screenshots, `delivery-report-${colorScheme}.png`) });
      expect(gui.pageErrors).toEqual([]);
    });

    it('still flags the null sender of an ordinary message, and shows it no box', async () => {
      await gui.openMessage('Plain mail from nobody');
      await eventually(compared).toBe('yes');
      expect(await mailFrom().innerText()).toBe('<> (null sender) differs from the From header');
      expect(await mailFrom().locator('xpath=..').getAttribute('class')).toBe('mismatch');
      expect(await page.getByTestId('delivery-report').count()).toBe(0);
      expect(gui.pageErrors).toEqual([]);
    });

    it("says a bounce address of the From's own domain is one, and flags another domain's", async () => {
      await gui.openMessage('Your receipt');
      await eventually(compared).toBe('yes');
      // it was flagged "differs from the From header", as a forged sender is, in every such mail
      expect(await mailFrom().innerText()).toBe(
        'bounces+u42@mail.shop.example a bounce address in the From address’s domain (SPF counts for DMARC with it)',
      );
      expect(await mailFrom().locator('xpath=..').getAttribute('class')).toBeNull();
      expect(await page.getByTestId('envelope-flag').count()).toBe(0);
      await page.getByTestId('envelope').screenshot({
        path: join(screenshots, `envelope-own-bounce-address-${colorScheme}.png`),
      });

      await gui.openMessage('Your invoice');
      await eventually(compared).toBe('yes');
      expect(await mailFrom().innerText()).toBe(
        'bounces+u42@sendgrid.example differs from the From header',
      );
      expect(await mailFrom().locator('xpath=..').getAttribute('class')).toBe('mismatch');
      expect(gui.pageErrors).toEqual([]);
    });

    it("reads the bounce daemon's stamp as written on its host: no client, no network", async () => {
      await gui.openTab('Undelivered Mail Returned to Sender', 'Route');
      const hops = page.getByTestId('hop');
      await eventually(() => hops.count()).toBe(2);
      // the first hop, `Received: by mx.example.net (Postfix) id 4ABC123`: it read "unknown
      // client, unverified: the stamp names no client", with protocol and TLS unknown
      const report = hops.nth(0);
      expect(await report.locator('.hop-title').innerText()).toBe(
        'Hop 1 local submission → mx.example.net',
      );
      expect(await report.getByTestId('hop-no-network').innerText()).toBe(
        'none: on mx.example.net itself, no network',
      );
      expect(await report.getByTestId('hop-unverified').count()).toBe(0);
      expect(gui.pageErrors).toEqual([]);
    });

    it('says an imported message came from a file, not from a client', async () => {
      const res = await gui.relaydesk.fetch('/api/v1/ingest?source=archive.mbox', {
        method: 'POST',
        headers: { 'content-type': 'message/rfc822' },
        body:
          'Received: from out.archive.example (out.archive.example [192.0.2.10]) by ' +
          'mx.home.example with ESMTPS id 1; Mon, 1 Dec 2025 10:00:02 +0000\r\n' +
          'From: old@archive.example\r\nTo: me@home.example\r\nSubject: Archived note\r\n\r\nfrom the archive\r\n',
      });
      expect(res.status).toBe(200);
      await gui.openLive();
      await gui.openMessage('Archived note');
      const envelope = page.getByTestId('envelope');
      if ((await envelope.getAttribute('class'))?.includes('closed')) {
        await envelope.getByRole('button', { name: /Envelope/ }).click();
      }
      // it read "relaydesk-ingest [127.0.0.1], no TLS"
      await eventually(() => page.getByTestId('envelope-client').innerText()).toBe(
        'none: imported from a file (relaydesk ingest, from 127.0.0.1); the envelope is read from its headers',
      );
      // its SPF was judged for 127.0.0.1, where it was imported from
      await gui.openTab('Archived note', 'Route');
      await eventually(() => page.getByTestId('auth-check-client').innerText()).toBe(
        'Imported from a file: SPF is judged for 192.0.2.10, the server that handed it to mx.home.example (Hop 1).',
      );
      expect(gui.pageErrors).toEqual([]);
    });

    it('fits a 420 px window', async () => {
      await page.setViewportSize({ width: 420, height: 800 });
      await gui.openLive();
      await gui.openMessage('Undelivered Mail Returned to Sender');
      const box = page.getByTestId('delivery-report');
      await eventually(() => box.getByTestId('report-recipient').count()).toBe(2);
      // nothing of the box runs past the pane: long diagnostics and addresses wrap
      const overflow = await box.evaluate((el) => el.scrollWidth - el.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      const right = await box.evaluate((el) => el.getBoundingClientRect().right);
      expect(right).toBeLessThanOrEqual(420);
      await page.screenshot({
        path: join(screenshots, `delivery-report-narrow-${colorScheme}.png`),
        fullPage: true,
      });
      expect(gui.pageErrors).toEqual([]);
    });
  });
}
