// The reading pane's top at the sizes people work at (QA of the pane at 900×650): a relayed
// message the upstream keeps deferring, with its header, envelope and "Waiting in the queue"
// panels, must leave the chosen tab's content in sight. In Chromium against the real headless
// server, relaying over real SMTP to an upstream that answers 451.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { greetedSession } from '../helpers/smtp-wire.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

/** RCPT TO lines a person can see (a closed panel keeps them in the page, hidden). */
const shownRcpts = (page: Page) => page.locator('[data-testid="envelope-rcpt"]:visible').count();

describe.skipIf(!chromiumPath)('the reading pane in Chromium', () => {
  let gui: Gui;
  let page: Page;
  let upstream: RunningUpstream;

  beforeAll(async () => {
    upstream = await startUpstreamServer({
      tls: 'none',
      failures: { data: { code: 451, text: '4.3.0 Mailbox busy, try again later' } },
    });
    gui = await startGui(chromiumPath as string, {
      viewport: { width: 900, height: 650 },
      settings: {
        mode: 'relay',
        relay: { host: '127.0.0.1', port: upstream.port, security: 'none' },
      },
    });
    page = gui.page;
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
    await upstream?.close();
  });

  /** Where the chosen tab's content starts, and whether the pane had to scroll to show it. */
  const tabContent = () =>
    page.evaluate(() => {
      const panel = document.getElementById('message-tab-panel') as HTMLElement;
      const pane = document.querySelector('[aria-label="Opened message"]') as HTMLElement;
      return { top: panel.getBoundingClientRect().top, paneScrolled: pane.scrollTop };
    });

  it('at 900×650 a deferred message leaves its body and Delivery table in the upper half', async () => {
    await gui.send({
      envelope: {
        from: 'jane.doe@example.com',
        to: [
          'jonathan.appleseed@customers.example.org',
          'maria@customers.example.org',
          'audit@example.com',
        ],
      },
      from: '"Jane Doe" <jane.doe@example.com>',
      to: [
        '"Jon A" <jonathan.appleseed@customers.example.org>',
        '"Maria G" <maria@customers.example.org>',
      ],
      cc: 'ops@example.com',
      subject: 'Your order has shipped',
      text: 'Your order has shipped.',
      html: '<p id="body">Your order has shipped.</p>',
    });
    await gui.openLive();
    await gui.openMessage('Your order has shipped');
    const decision = page.getByTestId('filter-decision');
    await eventually(() => decision.innerText(), 15_000).toMatch(/^.?Waiting in the queue/);
    // each panel is one line that still says what it holds, and opens on demand
    const envelope = page.getByTestId('envelope-summary');
    expect(await envelope.innerText()).toBe(
      'jane.doe@example.com → 3 recipients, 1 Bcc, 1 not in envelope',
    );
    // the queue's first attempt may still be on its way on a loaded machine
    await eventually(() => page.getByTestId('filter-decision-summary').innerText()).toMatch(
      /^3 recipients: .*451 4\.3\.0 Mailbox busy/,
    );
    expect(await shownRcpts(page)).toBe(0);
    await page.getByTestId('html-preview').waitFor();
    let content = await tabContent();
    expect(content.top).toBeLessThan(650 / 2);
    expect(content.paneScrolled).toBe(0);
    await page.getByRole('tab', { name: 'Delivery', exact: true }).click();
    await page.getByTestId('delivery-view').waitFor();
    content = await tabContent();
    expect(content.top).toBeLessThan(650 / 2);
    expect(content.paneScrolled).toBe(0);
    // a recipient's heading stays inside its card at this width (a long address ran past it)
    const overflowing = await page
      .locator('[data-testid="recipient"] h3')
      .evaluateAll((titles) =>
        titles.filter((t) => t.scrollWidth > t.clientWidth).map((t) => t.textContent),
      );
    expect(overflowing).toEqual([]);
    await page.screenshot({ path: join(screenshots, 'reading-pane-900x650-delivery.png') });

    // opened by hand, the envelope stays open for the next message and the next session
    const toggle = page.getByTestId('envelope-toggle');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await toggle.click();
    await eventually(() => shownRcpts(page)).toBe(3);
    await page.reload();
    await gui.openMessage('Your order has shipped');
    await eventually(() => shownRcpts(page)).toBe(3);
    expect(await page.getByTestId('envelope-toggle').getAttribute('aria-expanded')).toBe('true');
    await page.getByTestId('envelope-toggle').click();
    await eventually(() => shownRcpts(page)).toBe(0);
    expect(gui.pageErrors).toEqual([]);
  });

  it('at 1400×900 the envelope and the queue panel open in full, as before', async () => {
    const wide = await gui.browser.newPage({ viewport: { width: 1400, height: 900 } });
    try {
      await wide.goto(gui.relaydesk.url);
      // a fresh window with no choice kept: the height decides
      await wide.evaluate(() => localStorage.clear());
      await wide.reload();
      await wide.getByTestId('message-row').filter({ hasText: 'Your order has shipped' }).click();
      await eventually(() => shownRcpts(wide)).toBe(3);
      await eventually(() =>
        wide.locator('[data-testid="filter-decision"] li:visible').count(),
      ).toBe(3);
      expect(await wide.getByTestId('envelope-summary').count()).toBe(0);
    } finally {
      await wide.close();
    }
  });

  it('at 900 px an address wraps between addresses, never inside one; a long one is cut', async () => {
    const long = `"${'Quarterly Reporting Distribution '.repeat(3).trim()}" <quarterly.reporting.distribution@finance.example.org>`;
    await gui.send({
      from: '"Jane Doe" <jane.doe@example.com>',
      to: [
        '"Jane Doe" <jane.doe@customers.example.org>',
        '"Maria Gonzalez" <maria@customers.example.org>',
        '"Jon Appleseed" <jon@customers.example.org>',
        long,
      ],
      subject: 'Addresses in a narrow pane',
      text: 'plain',
    });
    await gui.openLive();
    await gui.openMessage('Addresses in a narrow pane');
    const field = page.getByTestId('message-to');
    /** How many lines each address's own text takes in the field, as laid out. */
    const linesOf = (needles: string[]) =>
      field.evaluate((el, wanted) => {
        const nodes: { node: Text; start: number }[] = [];
        let text = '';
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          nodes.push({ node: node as Text, start: text.length });
          text += node.textContent ?? '';
        }
        const at = (offset: number): [Text, number] => {
          const hit = nodes.filter((n) => n.start <= offset).at(-1) as {
            node: Text;
            start: number;
          };
          return [hit.node, offset - hit.start];
        };
        return wanted.map((needle) => {
          const index = text.indexOf(needle);
          if (index < 0) return -1;
          const range = document.createRange();
          range.setStart(...at(index));
          range.setEnd(...at(index + needle.length - 1));
          const tops = Array.from(range.getClientRects(), (r) => Math.round(r.top));
          return new Set(tops).size;
        });
      }, needles);
    expect(
      await linesOf([
        'Jane Doe <jane.doe@customers.example.org>',
        'Maria Gonzalez <maria@customers.example.org>',
        'Jon Appleseed <jon@customers.example.org>',
      ]),
    ).toEqual([1, 1, 1]);
    // the long one is cut to the pane's width, and its tooltip reads it whole
    const whole = long.replace(/"/g, '');
    const cut = field.getByTitle(whole, { exact: true });
    expect(await cut.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    expect(await cut.evaluate((el) => el.getClientRects().length)).toBe(1);
    expect(
      await page
        .getByRole('region', { name: 'Opened message' })
        .evaluate((el) => el.scrollWidth <= el.clientWidth),
    ).toBe(true);
    await page.screenshot({ path: join(screenshots, 'reading-pane-900x650-addresses.png') });
    expect(gui.pageErrors).toEqual([]);
  });

  it('folds a long "Not in envelope" list like RCPT TO, with "+N more"', async () => {
    // list mail: the header names the whole list, the envelope only the one member delivered to
    const members = Array.from({ length: 12 }, (_, n) => `member${n + 1}@list.example`);
    await gui.send({
      envelope: { from: 'list-bounces@list.example', to: ['me@example.com'] },
      from: 'announce@list.example',
      to: members,
      subject: 'List mail with a long To',
      text: 'plain',
    });
    await gui.openLive();
    await gui.openMessage('List mail with a long To');
    if ((await page.getByTestId('envelope-toggle').getAttribute('aria-expanded')) === 'false') {
      await page.getByTestId('envelope-toggle').click();
    }
    const missing = page.locator('[data-testid="envelope-not-sent-address"]:visible');
    await eventually(() => missing.count()).toBe(4);
    const more = page.getByRole('button', { name: '+8 more recipients not in the envelope' });
    await more.click();
    expect(await missing.allInnerTexts()).toEqual(members);
    await page.getByTestId('envelope-not-sent-more').click();
    expect(await missing.count()).toBe(4);
    expect(gui.pageErrors).toEqual([]);
  });

  it('reads a quoted local part with a space in To as the address it is', async () => {
    // the SMTP listener refuses a space in RCPT TO (501 5.1.3), so such an address reaches the
    // headers only: here it was named in To and not sent to
    const wire = await greetedSession(gui.relaydesk.smtp.port);
    try {
      expect(await wire.command('MAIL FROM:<a@example.org>')).toMatch(/^250/);
      expect(await wire.command('RCPT TO:<bob@example.net>')).toMatch(/^250/);
      expect(await wire.command('DATA')).toMatch(/^354/);
      const message = [
        'From: a@example.org',
        'To: "q u"@example.net, Bob <bob@example.net>',
        'Subject: Quoted local part',
        '',
        'plain',
        '.',
      ];
      expect(await wire.command(message.join('\r\n'))).toMatch(/^250/);
      await wire.command('QUIT');
    } finally {
      wire.close();
    }
    await gui.openLive();
    await gui.openMessage('Quoted local part');
    expect(await page.getByTestId('message-to').innerText()).toBe(
      '"q u"@example.net, Bob <bob@example.net>',
    );
    if ((await page.getByTestId('envelope-toggle').getAttribute('aria-expanded')) === 'false') {
      await page.getByTestId('envelope-toggle').click();
    }
    const rcpts = page.locator('[data-testid="envelope-rcpt"]:visible');
    await eventually(() => rcpts.allInnerTexts()).toEqual(['bob@example.net']);
    await eventually(() => page.getByTestId('envelope').getAttribute('data-compared')).toBe('yes');
    // the quoted words are the address's local part, not a display name before "@example.net"
    expect(
      await page.locator('[data-testid="envelope-not-sent-address"]:visible').allInnerTexts(),
    ).toEqual(['"q u"@example.net']);
    expect(await page.getByTestId('bcc-label').count()).toBe(0);
    expect(gui.pageErrors).toEqual([]);
  });

  it('quotes a display name with a comma, as the header does, so it reads as one recipient', async () => {
    await gui.send({
      from: '"Doe, John (Sales)" <john@example.com>',
      to: ['"Smith, Jane" <jane@example.com>', 'Team <team@example.com>'],
      subject: 'Names with commas',
      text: 'plain',
    });
    await gui.openLive();
    await gui.openMessage('Names with commas');
    // unquoted, "Smith, Jane <jane@…>, Team <team@…>" read as three recipients
    expect(await page.getByTestId('message-to').innerText()).toBe(
      '"Smith, Jane" <jane@example.com>, Team <team@example.com>',
    );
    expect(await page.getByTestId('message-from').innerText()).toBe(
      '"Doe, John (Sales)" <john@example.com>',
    );
    const row = page.getByTestId('message-row').filter({ hasText: 'Names with commas' });
    expect(await row.locator('.row-to').innerText()).toBe('to "Smith, Jane", Team');
    // alone, the sender's name needs no quotes
    expect(await row.getByTestId('message-row-from').innerText()).toBe('Doe, John (Sales)');
    expect(gui.pageErrors).toEqual([]);
  });
});
