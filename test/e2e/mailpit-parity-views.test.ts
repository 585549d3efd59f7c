// More of what a developer coming from Mailpit's web UI reaches for, in Chromium against the real
// headless server with mail sent over SMTP: the search and the opened message in the address
// (Mailpit's ?q=), so a reload, Back/Forward and a shared link give the same list; the HTML
// part's source, and the HTML and text bodies downloaded; a tag renamed or deleted everywhere.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually, seriousAxeViolations } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

interface Listed {
  total: number;
  messages: { ID: string; Subject: string; Tags: string[] }[];
}

describe.skipIf(!chromiumPath)("Mailpit's web UI habits in Relaydesk's GUI, part 2", () => {
  let gui: Gui;
  let page: Page;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string, { viewport: { width: 1280, height: 800 } });
    page = gui.page;
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  const listed = () => gui.relaydesk.api<Listed>('/api/v1/messages');
  const row = (subject: string) => page.getByTestId('message-row').filter({ hasText: subject });
  const subjects = () => page.getByTestId('message-row-subject').allInnerTexts();
  const deleteAll = () => gui.deleteAll();
  const param = (name: string) => new URL(page.url()).searchParams.get(name);
  const waitLive = () => page.locator('[data-testid="stream-state"][data-state="open"]').waitFor();

  it('the search and the opened message are in the address: a link, reload and Back/Forward show them', async () => {
    await deleteAll();
    for (const subject of ['Invoice 1', 'Welcome', 'Invoice 2']) {
      await gui.send({ from: 'app@example.test', to: 'you@example.test', subject, text: subject });
    }
    await eventually(async () => (await listed()).total).toBe(3);
    const welcome = (await listed()).messages.find((m) => m.Subject === 'Welcome')?.ID as string;

    // a link with Mailpit's ?q= opens on that search
    await page.goto(`${gui.relaydesk.url}?q=${encodeURIComponent('subject:invoice')}`);
    await waitLive();
    await eventually(subjects).toEqual(['Invoice 2', 'Invoice 1']);
    expect(await page.getByTestId('search-input').inputValue()).toBe('subject:invoice');

    // a search made here goes into the address
    await page.getByTestId('search-input').fill('subject:welcome');
    await page.getByTestId('search-input').press('Enter');
    await eventually(() => param('q')).toBe('subject:welcome');
    await eventually(subjects).toEqual(['Welcome']);
    // and so does the message opened
    await row('Welcome').click();
    await eventually(() => param('message')).toBe(welcome);

    // a reload shows the same search and message
    await page.reload();
    await waitLive();
    await eventually(subjects).toEqual(['Welcome']);
    expect(await page.getByTestId('search-input').inputValue()).toBe('subject:welcome');
    await eventually(() => page.getByTestId('message-subject').innerText()).toBe('Welcome');

    // Back returns to the search before (no message was open there), Forward comes back
    await page.goBack();
    await eventually(() => param('q')).toBe('subject:invoice');
    await eventually(subjects).toEqual(['Invoice 2', 'Invoice 1']);
    expect(await page.getByTestId('search-input').inputValue()).toBe('subject:invoice');
    await eventually(() => page.getByTestId('reading-notice').count()).toBe(1);
    await page.goForward();
    await eventually(subjects).toEqual(['Welcome']);
    await eventually(() => page.getByTestId('message-subject').innerText()).toBe('Welcome');
    expect(await page.getByTestId('search-input').inputValue()).toBe('subject:welcome');

    // clearing the search takes it out of the address
    await page.getByTestId('search-input').fill('');
    await page.getByTestId('search-input').press('Enter');
    await eventually(() => param('q')).toBe(null);
    await eventually(subjects).toEqual(['Invoice 2', 'Welcome', 'Invoice 1']);

    // the other pages keep their #fragment beside the search
    await page.getByTestId('search-input').fill('subject:"invoice 2"');
    await page.getByTestId('search-input').press('Enter');
    await eventually(() => param('q')).toBe('subject:"invoice 2"');
    await page.getByTestId('nav-settings').click();
    await eventually(() => new URL(page.url()).hash).toBe('#settings');
    expect(param('q')).toBe('subject:"invoice 2"');
    // reloaded, it stays on Settings once the search box's typing pause has passed (the
    // page's clock is moved on, so no wait)
    const reloaded = await gui.browser.newPage();
    try {
      await reloaded.clock.install();
      await reloaded.goto(page.url());
      const settingsNav = reloaded.getByTestId('nav-settings');
      await eventually(() => settingsNav.getAttribute('aria-current')).toBe('page');
      await reloaded.clock.runFor(2_000);
      expect(await reloaded.getByTestId('search-input').inputValue()).toBe('subject:"invoice 2"');
      expect(await settingsNav.getAttribute('aria-current')).toBe('page');
    } finally {
      await reloaded.close();
    }
    // a mailbox picked in the sidebar is in the address too (and shows the mailbox as it is)
    await page.getByTestId('nav-mailbox-inbox').click();
    await eventually(() => param('mailbox')).toBe('inbox');
    expect(param('q')).toBe(null);
    expect(new URL(page.url()).hash).toBe('');
    await page.reload();
    await waitLive();
    await eventually(() => page.getByTestId('nav-mailbox-inbox').getAttribute('aria-current')).toBe(
      'page',
    );
    await eventually(subjects).toEqual(['Invoice 2', 'Welcome', 'Invoice 1']);
    expect(gui.pageErrors).toEqual([]);
  });

  it('a search typed in pauses is one history entry, so Back returns to the list before it', async () => {
    await deleteAll();
    for (const subject of ['Invoice 1', 'Welcome']) {
      await gui.send({ from: 'app@example.test', to: 'you@example.test', subject, text: subject });
    }
    // the page's clock is moved past each typing pause, so no wait
    const typing = await gui.browser.newPage();
    try {
      await typing.clock.install();
      await typing.goto(gui.relaydesk.url);
      const rows = () => typing.getByTestId('message-row-subject').allInnerTexts();
      await eventually(rows).toEqual(['Welcome', 'Invoice 1']);
      // paused, or keystrokes that a loaded machine sends more than the typing pause apart are
      // searches (and history entries) of their own
      await typing.clock.pauseAt(Date.now() + 1_000);
      const entries = await typing.evaluate(() => history.length);
      const box = typing.getByTestId('search-input');
      await box.pressSequentially('subject:inv');
      await typing.clock.runFor(1_000);
      await eventually(() => new URL(typing.url()).searchParams.get('q')).toBe('subject:inv');
      await box.pressSequentially('oice');
      await typing.clock.runFor(1_000);
      await eventually(() => new URL(typing.url()).searchParams.get('q')).toBe('subject:invoice');
      await eventually(rows).toEqual(['Invoice 1']);
      expect(await typing.evaluate(() => history.length)).toBe(entries + 1);
      await typing.goBack();
      await eventually(rows).toEqual(['Welcome', 'Invoice 1']);
      expect(await box.inputValue()).toBe('');

      // a search typed over one a link gave is a new entry: Back returns to the link's search
      await typing.clock.resume();
      await typing.goto(`${gui.relaydesk.url}?q=${encodeURIComponent('subject:welcome')}`);
      await eventually(rows).toEqual(['Welcome']);
      await box.fill('subject:invoice');
      await typing.clock.runFor(1_000);
      await eventually(rows).toEqual(['Invoice 1']);
      await typing.goBack();
      await eventually(() => new URL(typing.url()).searchParams.get('q')).toBe('subject:welcome');
      await eventually(rows).toEqual(['Welcome']);
    } finally {
      await typing.close();
    }
    expect(gui.pageErrors).toEqual([]);
  });

  it('a view picked from a menu (Quarantine) or the sidebar shows at once, not after the typing pause', async () => {
    await deleteAll();
    await gui.send({
      from: 'app@example.test',
      to: 'you@example.test',
      subject: 'Hello',
      text: 'hi',
    });
    // the page's clock stands still: only what is typed waits for a pause, which never ends here
    const menus = await gui.browser.newPage();
    try {
      await menus.clock.install();
      await menus.clock.pauseAt(Date.now() + 60_000);
      await menus.goto(gui.relaydesk.url);
      const rows = () => menus.getByTestId('message-row-subject').allInnerTexts();
      await eventually(rows).toEqual(['Hello']);
      await menus.getByTestId('more-actions').click();
      await menus.getByTestId('show-quarantine').click();
      await menus.getByTestId('list-empty').waitFor({ timeout: 10_000 });
      expect(await menus.getByTestId('search-input').inputValue()).toBe('tag:quarantined');
      await menus.getByTestId('nav-mailbox-inbox').click();
      await eventually(rows).toEqual(['Hello']);
      expect(await menus.getByTestId('search-input').inputValue()).toBe('');
    } finally {
      await menus.close();
    }
  });

  it('the HTML source tab shows the HTML part as written, coloured; Download .html and .txt save the bodies', async () => {
    await deleteAll();
    const html =
      '<!doctype html>\n<style>.receipt { color: #333 }</style>\n<table class="receipt"><tr><td>Total &amp; tax: <b>42 €</b></td></tr></table>\n<img src="x" onerror="document.title=\'ran\'">\n<script>alert(1)</script>';
    await gui.send({
      from: 'shop@example.test',
      to: 'you@example.test',
      subject: 'Receipt with HTML',
      text: 'Total and tax: 42 €',
      html,
    });
    await gui.send({
      from: 'shop@example.test',
      to: 'you@example.test',
      subject: 'Text only',
      text: 'no html here',
    });
    await gui.openLive();
    await row('Receipt with HTML').click();
    await eventually(() => page.getByTestId('message-subject').innerText()).toBe(
      'Receipt with HTML',
    );
    const id = (await listed()).messages.find((m) => m.Subject === 'Receipt with HTML')
      ?.ID as string;

    await page.getByRole('tab', { name: 'HTML source' }).click();
    // the markup as text, the script as words (it never runs: no dialog opens)
    await eventually(() => page.getByTestId('html-source').innerText()).toBe(html);
    // coloured as Mailpit's tab is (highlight.js): tag names, attributes and values, and the
    // style sheet's CSS each in their own colour; the markup is text, never elements
    const source = page.getByTestId('html-source');
    const colourOf = (selector: string, text: string) =>
      source
        .locator(selector)
        .filter({ hasText: text })
        .first()
        .evaluate((span) => getComputedStyle(span).color);
    const plain = await source.evaluate((pre) => getComputedStyle(pre).color);
    const colours = {
      tag: await colourOf('.hljs-name', 'table'),
      attribute: await colourOf('.hljs-attr', 'class'),
      value: await colourOf('.hljs-string', 'receipt'),
      cssProperty: await colourOf('.hljs-attribute', 'color'),
    };
    // GitHub's palette gives an attribute and a CSS property the same blue
    expect(new Set([plain, colours.tag, colours.attribute, colours.value]).size).toBe(4);
    expect(colours.cssProperty).toBe(colours.attribute);
    expect(await source.locator('img, script, table, style').count()).toBe(0);
    expect(await page.title()).not.toBe('ran');
    await page.screenshot({ path: join(screenshots, 'html-source-coloured-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    // the theme follows the system's scheme a render later
    await eventually(() => colourOf('.hljs-name', 'table')).not.toBe(colours.tag);
    await page.screenshot({ path: join(screenshots, 'html-source-coloured-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    const [htmlFile] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download-html').click(),
    ]);
    expect(htmlFile.suggestedFilename()).toBe(`${id}.html`);
    expect(await readFile(await htmlFile.path(), 'utf8')).toBe(html);

    await page.getByRole('tab', { name: 'Text', exact: true }).click();
    const [textFile] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download-txt').click(),
    ]);
    expect(textFile.suggestedFilename()).toBe(`${id}.txt`);
    expect(await readFile(await textFile.path(), 'utf8')).toMatch(/^Total and tax: 42 €\s*$/);

    // a message without HTML has no such tab (as in Mailpit), and opens on its text
    await page.getByRole('tab', { name: 'HTML source' }).click();
    await row('Text only').click();
    await eventually(() => page.getByTestId('text-body').innerText()).toMatch(/^no html here\s*$/);
    expect(await page.getByRole('tab', { name: 'HTML source' }).count()).toBe(0);
    expect(gui.pageErrors).toEqual([]);
  });

  it('Edit tags renames a tag on every message, and deletes one after saying how many carry it', async () => {
    await deleteAll();
    for (const [subject, tags] of [
      ['Bill 1', 'billing'],
      ['Bill 2', 'billing, vip'],
      ['Hello', 'signup'],
    ] as const) {
      await gui.send({
        from: 'app@example.test',
        to: 'you@example.test',
        subject,
        text: subject,
        headers: { 'X-Tags': tags },
      });
    }
    const tagsOf = async () =>
      Object.fromEntries((await listed()).messages.map((m) => [m.Subject, m.Tags]));
    await gui.openLive();
    await eventually(() => page.getByTestId('message-row').count()).toBe(3);
    await eventually(() => page.getByTestId('tag-filter').count()).toBe(1);
    await page.getByTestId('tag-filter').selectOption('billing');
    await eventually(subjects).toEqual(['Bill 2', 'Bill 1']);

    await page.getByRole('button', { name: 'More actions' }).click();
    await page.getByTestId('edit-tags').click();
    const dialog = page.getByTestId('edit-tags-dialog');
    const tagRow = (tag: string) => dialog.locator(`[data-testid="tag-row"][data-tag="${tag}"]`);
    await eventually(() =>
      dialog.getByTestId('tag-row').evaluateAll((rows) => rows.map((r) => r.dataset.tag)),
    ).toEqual(['billing', 'signup', 'vip']);
    expect(await seriousAxeViolations(page)).toEqual([]);

    // renamed on every message; the tag filter (and the address) follow it
    await tagRow('billing').getByTestId('tag-rename-input').fill('invoices');
    await tagRow('billing').getByTestId('tag-rename-input').press('Enter');
    await eventually(tagsOf).toEqual({
      'Bill 1': ['invoices'],
      'Bill 2': ['invoices', 'vip'],
      Hello: ['signup'],
    });
    await eventually(() => page.getByTestId('tag-filter').inputValue()).toBe('invoices');
    await eventually(() => param('tag')).toBe('invoices');
    await eventually(subjects).toEqual(['Bill 2', 'Bill 1']);

    // a name another tag has is refused, saying why; Escape puts the name back
    const invoices = tagRow('invoices').getByTestId('tag-rename-input');
    await invoices.fill('signup');
    await invoices.press('Enter');
    await eventually(() => tagRow('invoices').getByTestId('tag-error').innerText()).toMatch(
      /tag "signup" already exists; delete it first or choose another name/,
    );
    await invoices.press('Escape');
    expect(await invoices.inputValue()).toBe('invoices');
    expect(await dialog.count()).toBe(1);

    // delete asks first, saying how many messages carry the tag
    await tagRow('signup').getByTestId('tag-delete').click();
    expect(await tagRow('signup').getByTestId('tag-delete-text').innerText()).toBe(
      'Remove the tag signup from 1 message? The messages stay.',
    );
    await tagRow('signup').getByRole('button', { name: 'Cancel' }).click();
    expect((await tagsOf()).Hello).toEqual(['signup']);
    await tagRow('invoices').getByTestId('tag-delete').click();
    expect(await tagRow('invoices').getByTestId('tag-delete-text').innerText()).toBe(
      'Remove the tag invoices from 2 messages? The messages stay.',
    );
    await page.screenshot({ path: join(screenshots, 'edit-tags-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'edit-tags-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    await tagRow('invoices').getByTestId('tag-delete-confirm').click();
    await eventually(tagsOf).toEqual({ 'Bill 1': [], 'Bill 2': ['vip'], Hello: ['signup'] });
    expect((await listed()).total).toBe(3);
    await eventually(() =>
      dialog.getByTestId('tag-row').evaluateAll((rows) => rows.map((r) => r.dataset.tag)),
    ).toEqual(['signup', 'vip']);
    // the filter that showed the deleted tag shows every message again
    await eventually(() => page.getByTestId('tag-filter').inputValue()).toBe('');
    await page.keyboard.press('Escape');
    await eventually(() => dialog.count()).toBe(0);
    await eventually(subjects).toEqual(['Hello', 'Bill 2', 'Bill 1']);
    expect(gui.pageErrors).toEqual([]);
  });
});
