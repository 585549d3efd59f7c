// The Route tab read as a person reading routing headers does (QA of route analysis): a Gmail
// delivery's three sources of verdicts kept apart, where the message entered the Internet, TLS
// versions spelled one way, and a 25-hop chain with long queue ids inside a 900 px window.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

/** Gmail to a Gmail mailbox: Gmail writes the same verdicts three times. */
const gmail = [
  'Received: by 2002:a05:6402:3596:b0:5e5:c0d1:9a10 with SMTP id y22csp1405863edc;',
  '        Thu, 6 Mar 2025 07:12:45 -0800 (PST)',
  'ARC-Authentication-Results: i=1; mx.google.com;',
  '       dkim=pass header.i=@example.org header.s=s1 header.b=Qx7yZ1aB;',
  '       spf=pass (google.com: domain of bob@example.org designates 2a00:1450:4864:20::62f as permitted sender) smtp.mailfrom=bob@example.org;',
  '       dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=example.org',
  'Return-Path: <bob@example.org>',
  'Received: from mail-ej1-x62f.google.com (mail-ej1-x62f.google.com. [2a00:1450:4864:20::62f])',
  '        by mx.google.com with SMTPS id a640c23a62f3a-ac1e2b3c4d5si1234567866b.512.2025.03.06.07.12.45',
  '        for <alice@example.com>',
  '        (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256);',
  '        Thu, 06 Mar 2025 07:12:45 -0800 (PST)',
  'Received-SPF: pass (google.com: domain of bob@example.org designates 2a00:1450:4864:20::62f as permitted sender) client-ip=2a00:1450:4864:20::62f;',
  'Authentication-Results: mx.google.com;',
  '       dkim=pass header.i=@example.org header.s=s1 header.b=Qx7yZ1aB;',
  '       spf=pass (google.com: domain of bob@example.org designates 2a00:1450:4864:20::62f as permitted sender) smtp.mailfrom=bob@example.org;',
  '       dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=example.org',
  'Received: from [192.168.1.23] (unknown [10.20.30.40])',
  '        by mail-ej1-x62f.google.com with ESMTPSA id 9a1b2c3d;',
  '        Thu, 06 Mar 2025 07:12:44 -0800 (PST)',
  'From: Bob <bob@example.org>',
  'To: alice@example.com',
  'Subject: Gmail to Gmail',
  'Message-ID: <CAExample123@mail.gmail.com>',
  '',
  'Body.',
  '',
].join('\r\n');

/**
 * Stamps a reader compares with the raw header: a CET server (a zone RFC 5322 does not define),
 * qmail's -0000, a client's HELO name in encoded words, and the webmail's proxy chain.
 */
const zones = [
  'Received: (qmail 4242 invoked from network); 6 Mar 2025 14:00:09 -0000',
  'Received: from mx.example.net (mx.example.net [198.51.100.9])',
  '        by inbox.example.com with ESMTPS id 7Hq2; 6 Mar 2025 14:00:08 -0000',
  'Received: from =?utf-8?q?m=C3=BCller-pc?= (dsl.example.org [203.0.113.7])',
  '        by mx.example.net with ESMTP id 4Z8Q1; Thu, 6 Mar 2025 15:00:05 CET',
  'X-Originating-IP: [203.0.113.7]',
  // two proxying hops, the later on top: the client sat behind 10.0.0.5
  'X-Forwarded-For: 198.51.100.20',
  'X-Forwarded-For: 10.0.0.5, 203.0.113.7, 10.0.0.2',
  'From: Jörg <joerg@example.org>',
  'To: alice@example.com',
  'Subject: Zones and names',
  '',
  'Body.',
  '',
].join('\r\n');

/** Alternating Postfix, Exim and Exchange Online hops with ids that have nowhere to break. */
function longChain(): string {
  const fields: string[] = [];
  let client = 'submit.example.org';
  for (let i = 0; i < 25; i++) {
    const date = `Thu, 6 Mar 2025 15:${String(i).padStart(2, '0')}:00 +0000`;
    const by =
      i % 3 === 0
        ? `AM${i}PR04MB67${i}.eurprd04.prod.outlook.example`
        : `relay${i}.eu-west-1.mailgateway.example.net`;
    const ip = i % 4 === 0 ? `10.${i}.0.1` : `198.51.100.${i + 10}`;
    fields.push(
      i % 3 === 0
        ? `Received: from ${client} (${ip}) by ${by} (2001:db8::${i + 1}) with\r\n Microsoft SMTP Server (version=TLS1_2,\r\n cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8489.${i}; ${date}`
        : i % 3 === 1
          ? `Received: from ${client} (${client} [${ip}])\r\n\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))\r\n\tby ${by} (Postfix) with ESMTPS id 4Z8Q1m0XyZz2def${i}VeryLongQueueIdentifierThatGoesOnAndOn\r\n\tfor <recipient.with.a.long.local.part@subdomain.example.com>; ${date}`
          : `Received: from ${client} ([${ip}]:${40000 + i} helo=${client})\r\n\tby ${by} with esmtps (TLS1.3) tls TLS_AES_256_GCM_SHA384\r\n\t(Exim 4.96)\r\n\tid 1tq8Zb-000AbC-${i}\r\n\tfor recipient.with.a.long.local.part@subdomain.example.com; ${date}`,
    );
    client = by;
  }
  return [
    ...fields.reverse(),
    'From: a@example.org',
    'To: recipient.with.a.long.local.part@subdomain.example.com',
    'Subject: Twenty-five hops',
    '',
    'Body.',
    '',
  ].join('\r\n');
}

/** Elements of the route view whose content is wider than they are (cut off at the pane's edge). */
function overflowing(page: Page): Promise<string[]> {
  return page
    .getByTestId('route-view')
    .evaluate((route) =>
      [route, ...Array.from(route.querySelectorAll('*'))]
        .filter((element) => element.scrollWidth > element.clientWidth + 1)
        .map((element) => `${element.className}: ${(element.textContent ?? '').slice(0, 60)}`),
    );
}

/** A fact of a hop card (`TLS`, `ID`, …) or of the origin line, by its name. */
function fact(scope: Locator, name: string): Promise<string> {
  return scope
    .locator('dt')
    .filter({ hasText: new RegExp(`^${name}$`) })
    .locator('xpath=following-sibling::dd[1]')
    .innerText();
}

describe.skipIf(!chromiumPath)('Reading a route, in Chromium', () => {
  let gui: Gui;
  let page: Page;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string, {
      viewport: { width: 1400, height: 900 },
      // the reader is in Tokyo: a Pacific stamp shown in the reader's zone is a day later
      timezoneId: 'Asia/Tokyo',
      locale: 'en-US',
    });
    page = gui.page;
    await gui.send({
      envelope: { from: 'bob@example.org', to: ['alice@example.com'] },
      raw: gmail,
    });
    await gui.send({
      envelope: {
        from: 'a@example.org',
        to: ['recipient.with.a.long.local.part@subdomain.example.com'],
      },
      raw: longChain(),
    });
    await gui.send({
      envelope: { from: 'joerg@example.org', to: ['alice@example.com'] },
      raw: zones,
    });
    await gui.send({
      envelope: { from: 'invoices@partner.example', to: ['reader@isp.example'] },
      raw: await readFile(
        join(import.meta.dirname, '..', 'route-analysis', 'header-sets', 'wrong-zone.eml'),
        'utf8',
      ),
    });
    await gui.send({
      envelope: { from: 'xen-devel-bounces@lists.xenproject.org', to: ['lists+xen-devel@lfdr.de'] },
      raw: await readFile(
        join(import.meta.dirname, '..', 'route-analysis', 'header-sets', 'xen-mailman.eml'),
        'utf8',
      ),
    });
    await gui.openLive();
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  const openRoute = async (subject: string) => {
    await gui.openTab(subject, 'Route');
    await page.getByTestId('hop').first().waitFor();
  };

  it('keeps each header’s verdicts apart, names what they are about, and marks the origin', async () => {
    await openRoute('Gmail to Gmail');
    const groups = page.getByTestId('auth-group');
    await eventually(() => groups.count()).toBe(3);
    const read = async (index: number) => ({
      title: await groups.nth(index).locator('.auth-source').innerText(),
      badges: await groups.nth(index).getByTestId('auth-badge').allInnerTexts(),
    });
    expect(await read(0)).toEqual({
      title: 'Authentication-Results by mx.google.com',
      badges: ['DKIM pass example.org', 'SPF pass bob@example.org', 'DMARC pass example.org'],
    });
    expect(await read(1)).toEqual({
      title: 'ARC-Authentication-Results i=1 by mx.google.com',
      badges: ['DKIM pass example.org', 'SPF pass bob@example.org', 'DMARC pass example.org'],
    });
    expect(await read(2)).toEqual({
      title: 'Received-SPF',
      badges: ['SPF pass 2a00:1450:4864:20::62f'],
    });
    expect(await fact(page.getByTestId('route-origin'), 'Return-Path')).toBe('bob@example.org');

    // hop 1 ran from a private address to Gmail's submission server; hop 2 left it for the MX
    const hops = page.getByTestId('hop');
    expect(await hops.nth(0).getByTestId('hop-origin').count()).toBe(0);
    expect(await hops.nth(1).getByTestId('hop-origin').innerText()).toBe(
      'Origin: the first hop from an Internet address (2a00:1450:4864:20::62f); the hop before ' +
        'it names no address or a private one.',
    );
    expect(await page.getByTestId('hop-origin').count()).toBe(1);
    expect(await fact(hops.nth(1), 'TLS')).toBe('TLS 1.3, TLS_AES_256_GCM_SHA384');

    // the time as Gmail wrote it, to compare with the field; the reader's own time on hover
    // (before, the browser's zone only: 'Mar 7, 2025, 12:12:45 AM' beside '07:12:45 -0800')
    const time = hops.nth(1).getByTestId('hop-time');
    expect(await time.innerText()).toBe('Thu, 6 Mar 2025 07:12:45 -0800');
    // (ICU puts a narrow no-break space before AM)
    expect(await time.getAttribute('title')).toMatch(/^Your time: Mar 7, 2025, 12:12:45\sAM$/);

    // our own check, read now against today's DNS, is named apart from what the servers wrote
    const own = page.getByTestId('auth-check-title');
    await eventually(() => own.innerText()).toBe('Relaydesk’s own check (DNS now)');
    expect(
      await page
        .getByRole('list', { name: 'Relaydesk’s own check (DNS now)' })
        .getByTestId('auth-check-badge')
        .count(),
    ).toBe(4);
    const above = await own.evaluate(
      (title, group) => !!(title.compareDocumentPosition(group as Node) & 4),
      await groups.first().elementHandle(),
    );
    expect(above).toBe(true);
    await page.screenshot({ path: join(screenshots, 'route-reading-gmail-light.png') });
  });

  it('shows each hop’s time as its server wrote it, warns of a zone it cannot read, and decodes names', async () => {
    await openRoute('Zones and names');
    const hops = page.getByTestId('hop');
    // three pasted hops and Relaydesk's own stamp
    await eventually(() => hops.count()).toBe(4);
    const cet = hops.nth(0);
    expect(await cet.locator('.hop-title').innerText()).toBe(
      'Hop 1 müller-pc / dsl.example.org → mx.example.net',
    );
    expect(await cet.getByTestId('hop-time').innerText()).toBe(
      'Thu, 6 Mar 2025 15:00:05 CET (read as UTC)',
    );
    expect(await cet.getByRole('note').allInnerTexts()).toContain(
      'Hop 1: zone CET not defined by RFC 5322: read as UTC; delays around this hop may be off by hours.',
    );
    expect(await hops.nth(1).getByTestId('hop-time').innerText()).toBe(
      'Thu, 6 Mar 2025 14:00:08 -0000 (UTC, no zone information)',
    );
    // its only note is the skew the CET stamp read as UTC makes, not its own zone
    expect(await hops.nth(1).getByRole('note').allInnerTexts()).toEqual([
      expect.stringMatching(/^Hop 2 is stamped 59 min 57 s before Hop 1\./),
    ]);
    const origin = page.getByTestId('route-origin');
    expect(await fact(origin, 'X-Originating-IP')).toBe('203.0.113.7');
    // every field is read; the client is the left-most Internet address, then the path
    expect(await fact(origin, 'X-Forwarded-For')).toBe(
      '203.0.113.7 (from 10.0.0.5) via 10.0.0.2, 198.51.100.20',
    );
    // the Headers tab keeps the field as it was written
    await page.getByRole('tab', { name: 'Headers', exact: true }).click();
    await eventually(() => page.getByText('=?utf-8?q?m=C3=BCller-pc?=').count()).toBeGreaterThan(0);
    expect(gui.pageErrors).toEqual([]);
  });

  it('a relay that wrote its local time under +0000: its hour is its clock, not the slowest hop', async () => {
    await openRoute('Invoice 2025-0311');
    const hops = page.getByTestId('hop');
    // the three stamps of the header set and Relaydesk's own
    await eventually(() => hops.count()).toBe(4);
    const relay = hops.nth(1);
    // was "+1 h slowest hop", an orange bar and the hop outlined, under "5 s from first to last"
    expect(await relay.getByTestId('hop-delay').innerText()).toBe(
      '+1 h, not counted: Hop 2’s clock is off',
    );
    expect(await relay.locator('.hop-bar').count()).toBe(0);
    expect(await page.locator('[data-testid=hop][data-slowest=true]').count()).toBe(0);
    expect(await relay.getByRole('note').allInnerTexts()).toEqual([
      expect.stringMatching(
        /^Hop 2 is stamped later than both Hop 1 and Hop 3, which are 5 s apart: .* most likely its time zone/,
      ),
    ]);
    // the hop after it no longer carries the warning, only its own earlier stamp
    expect(await hops.nth(2).getByRole('note').count()).toBe(0);
    expect(await page.locator('.route-summary').innerText()).toMatch(/^4 hops, 5 s from first/);
    await page.screenshot({ path: join(screenshots, 'route-reading-wrong-zone-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'route-reading-wrong-zone-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    expect(gui.pageErrors).toEqual([]);
  });

  it('a list server’s programs stamping by their own names: steps on the list server, no broken chain', async () => {
    await openRoute('[PATCH] x');
    const hops = page.getByTestId('hop');
    // the header set's nine stamps and Relaydesk's own
    await eventually(() => hops.count()).toBe(10);
    // was "a saved message sent again" on Hop 6 and "a hop may be missing" on Hops 7 and 8
    // (the one note left is on Relaydesk's own stamp: the saved message sent to it today)
    expect(await page.locator('[data-testid=hop] [role=note]').allInnerTexts()).toEqual([
      expect.stringMatching(
        /^Hop 10 is stamped \d+ days after Hop 9, .* sent again from 127\.0\.0\.1/,
      ),
    ]);
    const input = hops.nth(4);
    expect(await input.locator('.hop-title').innerText()).toMatch(
      /^Hop 5 local submission\s*same machine\s*→ outflank-mailman on lists\.xenproject\.org$/,
    );
    // was "none: on outflank-mailman itself": a program's name, not the machine
    expect(await input.getByTestId('hop-no-network').innerText()).toBe(
      'none: on lists.xenproject.org itself, no network',
    );
    expect(await page.locator('.route-summary').innerText()).toMatch(
      /^10 hops \(5 of them on one machine, not between servers\)/,
    );
    await input.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'route-reading-xen-mailman-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'route-reading-xen-mailman-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    expect(gui.pageErrors).toEqual([]);
  });

  it('fits a 25-hop chain with long ids into a 900 px window, light and dark', async () => {
    await page.setViewportSize({ width: 900, height: 900 });
    await openRoute('Twenty-five hops');
    const hops = page.getByTestId('hop');
    // 25 pasted hops and Relaydesk's own stamp
    await eventually(() => hops.count()).toBe(26);
    expect(await fact(hops.nth(1), 'TLS')).toBe('TLS 1.3, TLS_AES_256_GCM_SHA384');
    expect(await fact(hops.nth(2), 'TLS')).toBe('TLS 1.3, TLS_AES_256_GCM_SHA384');
    expect(await fact(hops.nth(3), 'TLS')).toBe('TLS 1.2, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384');
    // before, ids and recipients ran past the card and the pane cut them off
    expect(await overflowing(page)).toEqual([]);
    await hops.nth(1).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'route-reading-900-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await overflowing(page)).toEqual([]);
    await page.screenshot({ path: join(screenshots, 'route-reading-900-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    expect(gui.pageErrors).toEqual([]);
  });

  it('reads a mailing list’s stamps pasted into Analyze headers: ZMailer’s quoted HELO and majordomo’s via listexpand', async () => {
    const corpus = join(import.meta.dirname, '..', 'route-analysis', 'corpus', 'zmailer-list.eml');
    const list = await readFile(corpus, 'utf8');
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.getByRole('button', { name: 'Analyze headers' }).click();
    const dialog = page.getByRole('dialog', { name: 'Analyze headers' });
    await dialog.getByRole('textbox').fill(list.slice(0, list.indexOf('\n\n')));
    await dialog.getByRole('button', { name: 'Analyze', exact: true }).click();
    const hops = dialog.getByTestId('hop');
    await eventually(() => hops.count()).toBe(6);
    // the client greeted as relay2.mail.example.org; before, only its reverse-DNS name showed
    expect(await hops.nth(3).locator('.hop-title').innerText()).toBe(
      'Hop 4 relay2.mail.example.org / relay2.example.org → lists.example.net',
    );
    // the list expansion said how it was handed on; before, the clause was read and not shown
    expect(await fact(hops.nth(4), 'Via')).toBe('listexpand');
    await page.screenshot({ path: join(screenshots, 'route-reading-list-analyze.png') });
    await page.keyboard.press('Escape');
    expect(gui.pageErrors).toEqual([]);
  });

  it('opens an .eml with a 10 MB attachment by its header block, and says plainly when there is none', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'relaydesk-route-'));
    try {
      const file = join(folder, 'with-attachment.eml');
      const header = gmail.slice(0, gmail.indexOf('\r\n\r\n') + 4);
      const attachment = `${'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo='.repeat(2)}\r\n`.repeat(140_000);
      await writeFile(file, header + attachment);
      await page.setViewportSize({ width: 1400, height: 900 });
      await page.getByRole('button', { name: 'Analyze headers' }).click();
      const dialog = page.getByRole('dialog', { name: 'Analyze headers' });
      await dialog.locator('input[type=file]').setInputFiles(file);
      await eventually(() => dialog.getByTestId('hop').count()).toBe(3);
      // before, all 10 MB went into the text field (and to the API): ~11 s before the route showed
      // (a text field keeps its lines with LF)
      expect(await dialog.getByRole('textbox').inputValue()).toBe(header.replace(/\r\n/g, '\n'));

      await dialog.getByRole('textbox').fill('Hello Bob,\nsee you tomorrow.\n');
      await dialog.getByRole('button', { name: 'Analyze', exact: true }).click();
      await eventually(() => dialog.getByTestId('hop').count()).toBe(0);
      // only the sentence saying so: no "0 hops", no "No Authentication-Results" above it
      await eventually(() => dialog.locator('.route-warning, .route-note').allInnerTexts()).toEqual(
        ['No header fields were found: paste the headers or the whole message.'],
      );
      expect(await dialog.locator('.route-summary').count()).toBe(0);
      await page.keyboard.press('Escape');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
    expect(gui.pageErrors).toEqual([]);
  });
});
