// The Route tab read by a postmaster answering "where did this come from": a phish whose made-up
// hops sit below the one its victim's MX stamped, and a mail loop pasted into Analyze headers.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

const DAY = 86_400_000;
/** RFC 5322's date as the relay's clock reads it, so the hops stay days apart on any day. */
const stamp = (ago: number): string => new Date(Date.now() - ago).toUTCString();

/** Two fields the sender wrote (a year and two apart) under the victim's MX's own (qmail). */
function phish(): string {
  return [
    'Received: from unknown (HELO mail.paypal.com) (185.220.101.33)',
    `  by mx.victim.example with SMTP; ${stamp(10_000)}`,
    'Received: from mail.paypal.com (mail.paypal.com [64.4.250.1])',
    '\tby smtp.paypal.com (Postfix) with ESMTP id ABC123',
    `\tfor <victim@victim.example>; ${stamp(366 * DAY)}`,
    `Received: from apple.com (17.0.0.1) by mail.paypal.com with SMTP; ${stamp(1067 * DAY)}`,
    'From: "PayPal" <service@paypal.com>',
    'To: victim@victim.example',
    'Subject: Your account is limited',
    '',
    'Click.',
    '',
  ].join('\r\n');
}

/** Forty hand-overs between two MXes that each think the other is the destination. */
function loop(): string {
  const fields: string[] = [];
  for (let i = 0; i < 40; i++) {
    const [from, by] = i % 2 ? ['mx1', 'mx0'] : ['mx0', 'mx1'];
    fields.unshift(
      `Received: from ${from}.loop.example (${from}.loop.example [192.0.2.${10 + (i % 2)}])\n` +
        `\tby ${by}.loop.example (Postfix) with ESMTP id L${i}\n` +
        `\tfor <x@loop.example>; Wed, 3 Dec 2026 12:00:${String(i).padStart(2, '0')} +0000`,
    );
  }
  return `${fields.join('\n')}\nFrom: a@loop.example\nTo: x@loop.example\nSubject: Loop\n`;
}

describe.skipIf(!chromiumPath)('Reading a forged route and a loop, in Chromium', () => {
  let gui: Gui;
  let page: Page;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string);
    page = gui.page;
    await gui.send({
      envelope: { from: 'service@paypal.com', to: ['victim@victim.example'] },
      raw: phish(),
    });
    await gui.openLive();
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  it('names the hops below a gap no queue explains as likely forged, and starts the origin after it', async () => {
    await page.getByTestId('message-row').filter({ hasText: 'Your account is limited' }).click();
    await page.getByRole('tab', { name: 'Route', exact: true }).click();
    const hops = page.getByTestId('hop');
    // three from the message and Relaydesk's own stamp
    await eventually(() => hops.count()).toBe(4);
    expect(await hops.nth(2).getByRole('note').allInnerTexts()).toEqual([
      'Hop 3 is stamped 366 days after Hop 2, longer than mail servers keep a message queued ' +
        '(they give up after 4–5 days). Hops 1–2 were most likely written by the sender to ' +
        'look like a route (forged), unless a clock was that far off or the message was held ' +
        'by hand; the servers’ own stamps begin at Hop 3.',
    ]);
    // before: Hop 1 was "Origin: the message entered the Internet here, from 17.0.0.1", the
    // address the forger wrote
    expect(await page.getByTestId('hop-origin').count()).toBe(1);
    expect(await hops.nth(2).getByTestId('hop-origin').innerText()).toBe(
      'Origin: the first hop from an Internet address (185.220.101.33) after the gap no queue ' +
        'explains; the hops before it are not counted.',
    );
    await hops.nth(2).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'route-forged-light.png') });
    await page.setViewportSize({ width: 900, height: 800 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await hops.nth(2).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'route-forged-900-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(gui.pageErrors).toEqual([]);
  });

  it('gives a Received field the pane’s width in the Headers tab of a 900 px window', async () => {
    await page.setViewportSize({ width: 900, height: 800 });
    await page.getByTestId('message-row').filter({ hasText: 'Your account is limited' }).click();
    await page.getByRole('tab', { name: 'Headers', exact: true }).click();
    const table = page.getByTestId('headers-table');
    // the names come alphabetically, as Mailpit's: the first Received row, not the first row
    const received = table
      .locator('tbody tr')
      .filter({ has: page.locator('th', { hasText: /^Received$/ }) })
      .first();
    const value = received.locator('td');
    await eventually(() => value.innerText()).toMatch(/^from \[127\.0\.0\.1\]/);
    const tableWidth = await table.evaluate((element) => element.getBoundingClientRect().width);
    // before: 135 px beside a 200 px name column, a dozen characters a line
    expect(await value.evaluate((cell) => cell.getBoundingClientRect().width)).toBeGreaterThan(
      tableWidth - 40,
    );
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'headers-900-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(gui.pageErrors).toEqual([]);
  });

  it('says a pasted 40-hop chain between two servers is a mail loop, above the hops', async () => {
    await page.getByRole('button', { name: 'Analyze headers' }).click();
    const dialog = page.getByRole('dialog', { name: 'Analyze headers' });
    await dialog.getByRole('textbox').fill(loop());
    await dialog.getByRole('button', { name: 'Analyze', exact: true }).click();
    await eventually(() => dialog.getByTestId('hop').count()).toBe(40);
    // before: no warning, forty ordinary one-second hops
    const warning = dialog.locator('.route > .route-warning');
    expect(await warning.allInnerTexts()).toEqual([
      'A mail loop: mx0.loop.example handed the message to mx1.loop.example 20 times (first at ' +
        'Hop 1). Servers pass a looping message back and forth until one refuses it for too ' +
        'many hops (Sendmail after 25, Exim and Relaydesk after 30, Postfix after 50); look for ' +
        'a forward, an alias or an MX record that points back.',
    ]);
    await page.screenshot({ path: join(screenshots, 'route-loop-light.png') });
    await page.keyboard.press('Escape');
    expect(gui.pageErrors).toEqual([]);
  });
});
