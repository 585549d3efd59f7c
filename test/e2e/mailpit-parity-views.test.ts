// More of what a developer coming from Mailpit's web UI reaches for, in Chromium against the real
// headless server with mail sent over SMTP: the search and the opened message in the address
// (Mailpit's ?q=), so a reload, Back/Forward and a shared link give the same list; the HTML
// part's source, and the HTML and text bodies downloaded.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { startGui, type Gui } from './gui.js';

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
  const deleteAll = () => gui.relaydesk.fetch('/api/v1/messages', { method: 'DELETE' });
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

  it('the HTML source tab shows the HTML part as written; Download .html and .txt save the bodies', async () => {
    await deleteAll();
    const html =
      '<!doctype html>\n<table class="receipt"><tr><td>Total &amp; tax: <b>42 €</b></td></tr></table>\n<script>alert(1)</script>';
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
});
