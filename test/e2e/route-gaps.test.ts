// The Route tab, as a reader of MXToolbox's or Google's header analyzer reads it, for three gaps
// QA found: a qmail hop naming only a HELO must not read as a checked client, a tie for the
// slowest hop is said and the earliest highlighted, and the Date field is set against the first
// hop. Real mail sent with swaks (its --add-header carries the Received chain), real Chromium.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually, waitFor } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);
const swaksPath = requireTool(tools.swaks);
const run = promisify(execFile);

/**
 * Stamps a minute before the test runs, so the relay's own stamp (on the real clock) follows them
 * by far less than the two hours each tied hop took, and the route reads like real mail.
 */
const last = Math.floor(Date.now() / 1000) * 1000 - 60_000;

/** An RFC 5322 date `seconds` after the last pasted stamp. */
function at(seconds: number): string {
  return new Date(last + seconds * 1000).toUTCString().replace('GMT', '+0000');
}

interface Sent {
  subject: string;
  date: string;
  /** Top-most first, as they stand in the header. */
  received: string[];
}

const qmailTie: Sent = {
  subject: 'qmail HELO only, two slow hops',
  date: at(-4 * 3600 - 3),
  received: [
    `from mail.example.com (mail.example.com [198.51.100.25]) by mx.example.org (Postfix) with ESMTP id 4Z8Q1m0XyZz2 for <bob@example.org>; ${at(0)}`,
    `(qmail 1234 invoked from network); ${at(-2 * 3600)}`,
    `from unknown (HELO x.example) by mail.example.com with SMTP; ${at(-4 * 3600)}`,
  ],
};

const clockAhead: Sent = {
  subject: 'Sender clock ahead',
  date: at(115),
  received: [
    `from smtp.example.net (smtp.example.net [203.0.113.7]) by mx.example.org (Postfix) with ESMTPS id 9AB; ${at(0)}`,
    `from [192.168.1.23] (unknown [10.20.30.40]) by smtp.example.net (Postfix) with ESMTPSA id 7CD; ${at(-5)}`,
  ],
};

const held: Sent = {
  subject: 'Held in the outbox',
  date: at(-4 - 3.5 * 3600),
  received: [
    `from out.example.com (out.example.com [198.51.100.40]) by mx.example.org (Postfix) with ESMTPS id 1EF; ${at(0)}`,
    `from laptop.example.com (laptop.example.com [198.51.100.99]) by out.example.com (Postfix) with ESMTPSA id 2GH; ${at(-4)}`,
  ],
};

async function swaks(gui: Gui, message: Sent): Promise<void> {
  const args = [
    '--server',
    `127.0.0.1:${gui.relaydesk.smtp.port}`,
    '--from',
    'someone@example.net',
    '--to',
    'bob@example.org',
    '--h-Subject',
    message.subject,
    '--header',
    `Date: ${message.date}`,
    ...message.received.flatMap((field) => ['--add-header', `Received: ${field}`]),
    '--body',
    'Hello.',
  ];
  await run(swaksPath as string, args, { timeout: 30_000 });
}

/** A fact of a hop card (`Client`, `IP`, …) by its name. */
function fact(scope: Locator, name: string): Promise<string> {
  return scope
    .locator('dt')
    .filter({ hasText: new RegExp(`^${name}$`) })
    .locator('xpath=following-sibling::dd[1]')
    .innerText();
}

describe.skipIf(!chromiumPath || !swaksPath)('Route gaps QA found, in Chromium', () => {
  let gui: Gui;
  let page: Page;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string, {
      viewport: { width: 1400, height: 900 },
      locale: 'en-US',
    });
    page = gui.page;
    await gui.openLive();
    for (const message of [qmailTie, clockAhead, held]) await swaks(gui, message);
    // all listed before a row is clicked: one arriving during a click moves the row under it
    const list = page.getByTestId('message-list');
    await waitFor(
      'the three messages listed',
      async () => (await list.getAttribute('data-total')) === '3',
    );
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  const openRoute = async (subject: string) => {
    await gui.openTab(subject, 'Route');
    await page.getByTestId('hop').first().waitFor();
  };

  it('marks a HELO-only hop unverified, names a tie, and starts with the Date line', async () => {
    await openRoute(qmailTie.subject);
    const hops = page.getByTestId('hop');
    // three pasted hops and Relaydesk's own stamp
    await eventually(() => hops.count()).toBe(4);

    // 1. the name qmail recorded without an address is only what the sender typed
    expect(await hops.nth(0).locator('.hop-title').innerText()).toBe(
      'Hop 1 x.example unverified → mail.example.com',
    );
    expect(await fact(hops.nth(0), 'Client')).toBe(
      'unverified: name claimed by the sender only (HELO), no address recorded',
    );
    expect(await hops.nth(0).getAttribute('data-client-check')).toBe('claimed');
    // qmail's queue note on mail.example.com: no hand-over, so no client to check
    expect(await hops.nth(1).getByTestId('hop-queue-note').innerText()).toBe(
      'Hop 2 queued on mail.example.com (qmail 1234 invoked from network): the server’s note ' +
        'that it took the message in, not a hand-over',
    );
    expect(
      await hops
        .nth(1)
        .locator('dt', { hasText: /^Client$/ })
        .count(),
    ).toBe(0);
    expect(await fact(hops.nth(2), 'Client')).toBe('verified: reverse DNS and address');
    expect(await hops.nth(2).getByTestId('hop-unverified').count()).toBe(0);
    // Relaydesk's own stamp of swaks on this machine: the kernel's word, nothing left to check
    expect(await fact(hops.nth(3), 'Client')).toBe('this machine (a loopback address)');
    // and so no hand-over between servers in the count (it was "1 of 3")
    expect(await page.getByTestId('route-verified').innerText()).toBe(
      'Client verified (reverse DNS and address) at 1 of 2 hops.',
    );

    // 2. two hops of 2 h each: the earlier is highlighted, and both say they are tied
    expect(await hops.nth(1).getAttribute('data-slowest')).toBe('true');
    expect(await hops.nth(1).getByTestId('hop-delay').innerText()).toBe(
      '+2 h slowest hop, tied with Hop 3',
    );
    expect(await hops.nth(2).getAttribute('data-slowest')).toBe('false');
    expect(await hops.nth(2).getByTestId('hop-delay').innerText()).toBe(
      '+2 h tied for slowest with Hop 2',
    );
    expect(await page.locator('[data-slowest="true"]').count()).toBe(1);

    // 3. the first line of the timeline, before Hop 1
    const line = page.getByTestId('date-to-first-hop');
    expect(await line.innerText()).toBe('Date header → first hop: 3 s');
    const first = await page
      .locator('ol.hops > li')
      .first()
      .evaluate((li) => li.getAttribute('data-testid'));
    expect(first).toBe('date-to-first-hop');
    expect(gui.pageErrors).toEqual([]);

    for (const width of [1400, 900]) {
      await page.setViewportSize({ width, height: 900 });
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await hops.nth(0).scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(screenshots, `route-gaps-${width}-${scheme}.png`) });
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1400, height: 900 });
  });

  it('says the sender’s clock is ahead when Date is after the first hop', async () => {
    await openRoute(clockAhead.subject);
    const line = page.getByTestId('date-to-first-hop');
    await eventually(() => line.getAttribute('data-kind')).toBe('clock-ahead');
    expect(await line.getByRole('note').innerText()).toBe(
      'Date is 2 min after the first hop: the sender’s clock is ahead (or set to the wrong time ' +
        'zone), since a message cannot reach a server before it was written.',
    );
    // said once, on the line, not again among the route's general warnings
    expect(
      await page.getByText('Date is 2 min after the first hop', { exact: false }).count(),
    ).toBe(1);
  });

  it('calls a Date hours before the first hop a held submission', async () => {
    await openRoute(held.subject);
    const line = page.getByTestId('date-to-first-hop');
    await eventually(() => line.getAttribute('data-kind')).toBe('held');
    expect(await line.innerText()).toMatch(
      /^Date is 3 h 30 min before the first hop: the submission was held or delayed/,
    );
    expect(gui.pageErrors).toEqual([]);
  });
});
