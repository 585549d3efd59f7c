// What QA noticed in the message view and the list, in Chromium against the real headless server
// with mail sent over SMTP: the body tabs a message has (no HTML tab without HTML; text made
// from HTML says so), the toolbar's count under a filter, the live indicator as a screen reader
// hears it, and j/k the same with the list focused or not.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('message view and list polish', () => {
  let gui: Gui;
  let page: Page;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string, { viewport: { width: 1280, height: 800 } });
    page = gui.page;
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  const deleteAll = () => gui.deleteAll();
  const total = () => gui.total();
  const tabs = () => page.getByRole('tab').allTextContents();
  const openedSubject = () => page.getByTestId('message-subject').textContent();
  const selectedTab = () =>
    page.locator('[role="tab"][aria-selected="true"]').getAttribute('data-testid');

  it('a text-only message has no HTML tabs and opens on Text; an HTML-only one opens on HTML, its Text said to be made from the HTML', async () => {
    await deleteAll();
    await gui.send({
      from: 'ada@example.test',
      to: 'bob@example.test',
      subject: 'Both parts',
      text: 'The text part.',
      html: '<p>The <b>HTML</b> part.</p>',
    });
    await gui.send({
      from: 'ada@example.test',
      to: 'bob@example.test',
      subject: 'Text only',
      text: 'Just plain text.',
    });
    await gui.send({
      from: 'news@example.test',
      to: 'bob@example.test',
      subject: 'HTML only',
      html: '<h1>Only HTML</h1><p>Hello <b>there</b>.</p>',
    });
    // an HTML-only receipt with an attachment: mailparser makes no text of it, Relaydesk does
    await gui.send({
      from: 'shop@example.test',
      to: 'bob@example.test',
      subject: 'HTML receipt',
      html: '<p>Your receipt is attached.</p>',
      attachments: [{ filename: 'receipt.txt', content: 'paid' }],
    });
    await eventually(total).toBe(4);

    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await gui.openLive();

      // the HTML tab chosen (the default), then a text-only message
      await gui.openMessage('Both parts');
      expect(await selectedTab()).toBe('tab-html');
      await gui.openMessage('Text only');
      expect(await tabs()).not.toContain('HTML');
      expect(await tabs()).not.toContain('HTML source');
      expect(await tabs()).not.toContain('HTML check'); // nothing to check, as in Mailpit
      expect(await selectedTab()).toBe('tab-text');
      expect(await page.getByTestId('text-body').textContent()).toContain('Just plain text.');
      // written as text, so nothing says it was made from anything
      expect(await page.getByTestId('text-from-html').count()).toBe(0);
      await page.screenshot({ path: join(screenshots, `view-text-only-${scheme}.png`) });

      // HTML-only: opens on HTML, as every message with HTML does
      await gui.openMessage('HTML only');
      expect(await tabs()).toEqual(
        expect.arrayContaining(['HTML', 'HTML source', 'Text', 'HTML check']),
      );
      expect(await selectedTab()).toBe('tab-html');
      await page.getByTestId('tab-text').click();
      await eventually(() => page.getByTestId('text-body').textContent()).toContain('there');
      expect(await page.getByTestId('text-from-html').textContent()).toBe(
        'This message has no text part: this text was made from its HTML.',
      );
      await page.screenshot({ path: join(screenshots, `view-html-only-text-${scheme}.png`) });
      await gui.openMessage('HTML receipt');
      await page.getByTestId('tab-text').click();
      await eventually(() => page.getByTestId('text-body').textContent()).toContain('receipt');
      expect(await page.getByTestId('text-from-html').count()).toBe(1);
      // and a message with a text part of its own does not say so
      await gui.openMessage('Both parts');
      await page.getByTestId('tab-text').click();
      await eventually(() => page.getByTestId('text-body').textContent()).toContain('text part');
      expect(await page.getByTestId('text-from-html').count()).toBe(0);
      await page.getByTestId('tab-html').click();
    }
    await page.emulateMedia({ colorScheme: 'light' });
    // the API says which text was made from HTML
    const list = await gui.relaydesk.api<{ messages: { ID: string; Subject: string }[] }>(
      '/api/v1/messages',
    );
    const fromHtml: Record<string, boolean> = {};
    for (const message of list.messages) {
      const detail = await gui.relaydesk.api<{ TextFromHTML: boolean }>(
        `/api/v1/message/${message.ID}`,
      );
      fromHtml[message.Subject] = detail.TextFromHTML;
    }
    expect(fromHtml).toEqual({
      'Both parts': false,
      'Text only': false,
      'HTML only': true,
      'HTML receipt': true,
    });
    expect(gui.pageErrors).toEqual([]);
  });

  it('the Text tab wraps a long line inside the pane, a link without spaces too, set in from its edge', async () => {
    await deleteAll();
    const paragraph =
      'Hello there, this is a normal paragraph of text that should wrap across the reading pane ' +
      'when it is long enough to need wrapping, as most mail bodies are written.';
    const link = `https://example.com/${'segment/'.repeat(30)}end?with=query&and=more`;
    await gui.send({
      from: 'ada@example.test',
      to: 'bob@example.test',
      subject: 'Long lines',
      text: `${paragraph}\n\n${link}\n`,
    });
    await eventually(total).toBe(1);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await gui.openLive();
      await gui.openMessage('Long lines');
      const body = page.getByTestId('text-body');
      await eventually(() => body.textContent()).toContain('as most mail bodies are written.');
      const look = await body.evaluate((pre) => {
        const style = getComputedStyle(pre);
        const pane = pre.closest('[role="tabpanel"]') as HTMLElement;
        return {
          overflows: pre.scrollWidth > pre.clientWidth || pane.scrollWidth > pane.clientWidth,
          inset:
            pre.getBoundingClientRect().left +
            parseFloat(style.paddingLeft) -
            pane.getBoundingClientRect().left,
          lines: Math.round(pre.getBoundingClientRect().height / parseFloat(style.lineHeight)),
        };
      });
      // nothing runs past the pane's right edge (the paragraph wraps, the link breaks anywhere)
      expect(look.overflows).toBe(false);
      expect(look.inset).toBeGreaterThanOrEqual(12);
      // the paragraph and the link each take more than one line at this width
      expect(look.lines).toBeGreaterThan(5);
      await page.screenshot({ path: join(screenshots, `text-long-lines-${scheme}.png`) });
      // the Delivery tab starts as near the tab bar as Text does (it had twice the gap)
      await page.getByRole('tab', { name: 'Delivery', exact: true }).click();
      const status = page.getByText('Status:', { exact: false }).first();
      await status.waitFor();
      const gap = await status.evaluate(
        (line) =>
          line.getBoundingClientRect().top -
          (line.closest('[role="tabpanel"]') as HTMLElement).getBoundingClientRect().top,
      );
      expect(gap).toBeLessThanOrEqual(16);
      await page.getByRole('tab', { name: 'Text', exact: true }).click();
    }
    await page.emulateMedia({ colorScheme: 'light' });
    expect(gui.pageErrors).toEqual([]);
  });

  it('with a search, tag or mailbox narrowing the list, the toolbar counts what the list shows', async () => {
    await deleteAll();
    for (let n = 1; n <= 5; n++) {
      await gui.send({
        from: 'shop@example.test',
        to: 'bob@example.test',
        subject: n <= 2 ? `Invoice ${n}` : `Note ${n}`,
        text: 'x',
        headers: n === 1 ? { 'X-Tags': 'billing' } : {},
      });
    }
    await eventually(total).toBe(5);
    const counts = () => page.getByTestId('mailbox-counts').textContent();
    await gui.openLive();
    await eventually(counts).toBe('5 messages, 5 unread5 · 5 unread');
    await gui.openMessage('Invoice 1'); // read now

    await page.getByTestId('search-input').fill('subject:invoice');
    await page.keyboard.press('Enter');
    await eventually(() => page.getByTestId('message-list').getAttribute('data-total')).toBe('2');
    await eventually(() => page.getByTestId('mailbox-counts').locator('.counts-full').textContent())
      // the unread among the two shown
      .toBe('2 of 5 messages, 1 unread');
    await page.screenshot({ path: join(screenshots, 'view-count-search-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'view-count-search-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    // what a screen reader reads: the sentence, not the short form
    expect(await page.getByTestId('mailbox-counts').ariaSnapshot()).toBe(
      '- text: 2 of 5 messages, 1 unread',
    );
    // reading the other one, the count follows
    await gui.openMessage('Invoice 2');
    await eventually(() =>
      page.getByTestId('mailbox-counts').locator('.counts-full').textContent(),
    ).toBe('2 of 5 messages, 0 unread');

    // a tag
    await gui.openLive('?tag=billing');
    await eventually(() => page.getByTestId('message-list').getAttribute('data-total')).toBe('1');
    await eventually(() =>
      page.getByTestId('mailbox-counts').locator('.counts-full').textContent(),
    ).toBe('1 of 5 messages, 0 unread');

    // a mailbox: all five are in the inbox
    await gui.openLive();
    await page.getByTestId('nav-mailbox-inbox').click();
    await eventually(() =>
      page.getByTestId('mailbox-counts').locator('.counts-full').textContent(),
    ).toBe('5 of 5 messages, 3 unread');
    // and all mail again: the plain count
    await page.getByTestId('nav-all').click();
    await eventually(() =>
      page.getByTestId('mailbox-counts').locator('.counts-full').textContent(),
    ).toBe('5 messages, 3 unread');
    expect(gui.pageErrors).toEqual([]);
  });

  it('the live indicator is read as a state, without its dot', async () => {
    await gui.openLive();
    const live = page.getByTestId('stream-state');
    expect(await live.ariaSnapshot()).toBe('- status: Live updates on');
    // on screen, still the dot and the word
    expect(await live.locator('[aria-hidden="true"]').allTextContents()).toEqual(['●', 'Live']);
    // the event stream refused: the state says it is reconnecting, in words
    const refused = await gui.browser.newPage();
    try {
      await refused.routeWebSocket(/\/api\/events\b/, (socket) => socket.close());
      await refused.goto(gui.relaydesk.url);
      const state = refused.getByTestId('stream-state');
      await refused.locator('[data-testid="stream-state"][data-state="reconnecting"]').waitFor();
      expect(await state.ariaSnapshot()).toBe('- status: Live updates off, reconnecting');
      expect(await state.locator('[aria-hidden="true"]').allTextContents()).toEqual([
        '●',
        'Reconnecting…',
      ]);
    } finally {
      await refused.close();
    }
    expect(gui.pageErrors).toEqual([]);
  });

  it('j and k open the next and previous message whether the list has the focus or not', async () => {
    await deleteAll();
    for (let n = 1; n <= 4; n++) {
      await gui.send({
        from: 'ada@example.test',
        to: 'bob@example.test',
        subject: `Key ${n}`,
        text: 'x',
      });
    }
    await eventually(total).toBe(4);
    await gui.openLive();
    // newest first: Key 4, Key 3, Key 2, Key 1
    await gui.openMessage('Key 4');

    // the list has the focus (the click on its row gave it)
    expect(
      await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null),
    ).toBe('message-list');
    await page.keyboard.press('j');
    await eventually(openedSubject).toBe('Key 3');
    await page.keyboard.press('j');
    await eventually(openedSubject).toBe('Key 2');
    await page.keyboard.press('k');
    await eventually(openedSubject).toBe('Key 3');
    expect(
      await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null),
    ).toBe('message-list');

    // the focus elsewhere (the message's body): the same keys, the same moves
    await page.getByTestId('tab-panel').focus();
    await page.keyboard.press('j');
    await eventually(openedSubject).toBe('Key 2');
    await page.keyboard.press('j');
    await eventually(openedSubject).toBe('Key 1');
    await page.keyboard.press('k');
    await eventually(openedSubject).toBe('Key 2');

    // and nothing focused at all
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('k');
    await eventually(openedSubject).toBe('Key 3');

    // the arrows in the list stay a listbox's: they move the cursor, Enter opens
    await page.getByTestId('message-list').focus();
    await page.keyboard.press('ArrowDown');
    expect(await openedSubject()).toBe('Key 3');
    await page.keyboard.press('Enter');
    await eventually(openedSubject).toBe('Key 2');
    expect(gui.pageErrors).toEqual([]);
  });
  it('narrow window: Back to the list returns to where the list was scrolled, the cursor on the message read', async () => {
    await deleteAll();
    const transport = gui.relaydesk.transport();
    try {
      for (let n = 1; n <= 40; n++) {
        await transport.sendMail({
          from: 'news@example.test',
          to: 'bob@example.test',
          subject: `Issue ${n}`,
          text: `Issue number ${n}`,
        });
      }
    } finally {
      transport.close();
    }
    await eventually(total).toBe(40);
    await page.setViewportSize({ width: 420, height: 800 });
    try {
      await gui.openLive();
      const list = page.getByTestId('message-list');
      const scrollTop = () => list.evaluate((el) => el.scrollTop);
      // newest first: Issue 20 is the 21st row
      await list.evaluate((el) => {
        el.scrollTop = 20 * 66 + 30;
      });
      const row = page
        .getByTestId('message-row')
        .filter({ has: page.getByText('Issue 19', { exact: true }) });
      await row.first().waitFor();
      const scrolled = await scrollTop();
      expect(scrolled).toBeGreaterThan(1000);
      await row.first().click();
      await eventually(openedSubject).toBe('Issue 19');
      expect(await list.isVisible()).toBe(false);
      // mail arriving while the message is read pushes the rows down by one
      await gui.send({ from: 'news@example.test', to: 'bob@example.test', subject: 'Issue 41' });
      await eventually(() => page.getByTestId('message-list').getAttribute('data-total')).toBe(
        '41',
      );

      await page.getByRole('button', { name: 'Back to the list' }).click();
      await eventually(() => list.isVisible()).toBe(true);
      // the list came back at the top, rows away from the message just read
      await eventually(scrollTop).toBe(scrolled + 66);
      expect(await row.first().getAttribute('class')).toContain('active');
      expect(
        await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null),
      ).toBe('message-list');
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({ path: join(screenshots, `view-narrow-back-${scheme}.png`) });
      }
      await page.emulateMedia({ colorScheme: 'light' });
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    expect(gui.pageErrors).toEqual([]);
  });
  /** Each Unsubscribe link's text, line by line as laid out (by its characters' boxes). */
  const unsubscribeLines = () =>
    page.getByTestId('unsubscribe-link').evaluateAll((links) =>
      links.map((link) => {
        const lines: string[] = [];
        let top: number | undefined;
        const walker = document.createTreeWalker(link, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const text = node.textContent ?? '';
          for (let at = 0; at < text.length; at++) {
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + 1);
            const box = range.getClientRects()[0];
            const char = text.charAt(at);
            if (!box || char === ' ') continue;
            if (top === undefined || box.top > top + 2) lines.push(char);
            else lines.push(`${lines.pop() ?? ''}${char}`);
            top = box.top;
          }
        }
        return lines;
      }),
    );

  it('the Unsubscribe field breaks a long link only after / ? & = and keeps a link that fits whole', async () => {
    await deleteAll();
    const long =
      'https://app.example.test/newsletter/unsubscribe/confirm?list=weekly-digest&user=7f3a9c2e&token=0123456789abcdef&source=email';
    await gui.send({
      from: 'news@example.test',
      to: 'carol@example.test',
      subject: 'Weekly digest',
      text: 'digest',
      list: {
        unsubscribe: [{ url: 'https://app.example.test/unsub?u=7' }, 'unsub@app.example.test'],
      },
      headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    });
    await gui.send({
      from: 'news@example.test',
      to: 'carol@example.test',
      subject: 'Monthly digest',
      text: 'digest',
      list: { unsubscribe: [{ url: long }, 'unsub@app.example.test'] },
    });
    await eventually(total).toBe(2);
    await gui.openLive();
    const field = page.getByTestId('message-unsubscribe');

    // at 1280 px it read '…/un' on one line and 'sub?u=7>,' on the next
    await gui.openMessage('Weekly digest');
    await eventually(() => field.innerText()).toContain('<https://app.example.test/unsub?u=7>,');
    expect(await unsubscribeLines()).toEqual([
      ['<https://app.example.test/unsub?u=7>,'],
      ['<mailto:unsub@app.example.test>'],
    ]);
    // copied, the link is the URL: the break points add no characters
    expect(await field.innerText()).toBe(
      '<https://app.example.test/unsub?u=7>, <mailto:unsub@app.example.test> one-click',
    );
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(screenshots, `view-unsubscribe-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });

    const brokenAtURLPoints = async (width: number) => {
      const [lines] = await unsubscribeLines();
      expect(lines?.join('')).toBe(`<${long}>,`);
      expect(lines?.length, `lines at ${width} px`).toBeGreaterThan(1);
      for (const line of (lines ?? []).slice(0, -1)) expect(line).toMatch(/[/?&=]$/);
      // and it stays inside its column
      const [link, column] = await Promise.all([
        page.getByTestId('unsubscribe-link').first().boundingBox(),
        field.boundingBox(),
      ]);
      expect((link?.x ?? 0) + (link?.width ?? 0)).toBeLessThanOrEqual(
        (column?.x ?? 0) + (column?.width ?? 0) + 1,
      );
    };
    await gui.openMessage('Monthly digest');
    await eventually(() => field.innerText()).toContain('weekly-digest');
    await brokenAtURLPoints(1280);
    await page.screenshot({ path: join(screenshots, 'view-unsubscribe-long-light.png') });
    await page.setViewportSize({ width: 420, height: 800 });
    try {
      // the window's width reaches the layout with the resize event's render: measured before it,
      // the message still had its side-by-side column (a CI run read '<' alone on a line)
      await page.getByRole('button', { name: 'Back to the list' }).waitFor();
      await brokenAtURLPoints(420);
      // a link that fits the column stays whole, on a line of its own if need be
      await page.getByRole('button', { name: 'Back to the list' }).click();
      await gui.openMessage('Weekly digest');
      await eventually(() => field.innerText()).toContain('unsub?u=7');
      expect(await unsubscribeLines()).toEqual([
        ['<https://app.example.test/unsub?u=7>,'],
        ['<mailto:unsub@app.example.test>'],
      ]);
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({ path: join(screenshots, `view-unsubscribe-narrow-${scheme}.png`) });
      }
      await page.emulateMedia({ colorScheme: 'light' });
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    expect(gui.pageErrors).toEqual([]);
  });
  it('the Headers tab keeps an encoded header raw and reads it decoded on a line under it', async () => {
    await deleteAll();
    await gui.send({
      from: { name: 'Jürgen Müller', address: 'jurgen@example.test' },
      to: 'bob@example.test',
      subject: 'Grüße aus München',
      text: 'Servus',
    });
    await eventually(total).toBe(1);
    await gui.openLive();
    await gui.openTab('Grüße aus München', 'Headers');
    const table = page.getByTestId('headers-table');
    const row = (name: string) =>
      table.locator('tbody tr', { has: page.getByRole('rowheader', { name, exact: true }) });
    // as Mailpit, only '=?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_M=C3=BCnchen?=' showed
    await eventually(() => row('Subject').locator('td').innerText()).toMatch(
      /^=\?UTF-8\?[QB]\?.*\?=\ndecoded: Grüße aus München$/,
    );
    expect(await row('From').getByTestId('header-decoded').innerText()).toBe(
      'decoded: Jürgen Müller <jurgen@example.test>',
    );
    // a header with nothing encoded has no second line
    expect(await row('To').getByTestId('header-decoded').count()).toBe(0);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(screenshots, `view-headers-decoded-${scheme}.png`) });
    }
    await page.setViewportSize({ width: 420, height: 800 });
    try {
      await eventually(() => row('Subject').getByTestId('header-decoded').isVisible()).toBe(true);
      await page.screenshot({ path: join(screenshots, 'view-headers-decoded-narrow-dark.png') });
    } finally {
      await page.emulateMedia({ colorScheme: 'light' });
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    expect(gui.pageErrors).toEqual([]);
  });
});
