// What a developer coming from Mailpit hit on the daily path (session 48 audit: a web app's mail
// sent with nodemailer, swaks and smtplib, then read in the GUI), checked in Chromium against the
// real headless server with mail sent over SMTP during the test.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('the developer audit findings in Chromium', () => {
  let gui: Gui;
  let page: Page;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string, { viewport: { width: 1280, height: 800 } });
    page = gui.page;
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  it('downloads an attachment whose name is not ASCII under that name', async () => {
    const name = 'Überweisung März – 日本.txt';
    await gui.send({
      from: 'shop@example.test',
      to: 'alice@example.test',
      subject: 'Transfer slip',
      text: 'attached',
      attachments: [{ filename: name, content: 'transfer slip\n' }],
    });
    await gui.openLive();
    await gui.openMessage('Transfer slip');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('attachment').getByRole('link', { name }).click(),
    ]);
    // it was a failed download ("canceled"): the server answered 500 for the header
    expect(await download.failure()).toBeNull();
    expect(download.suggestedFilename()).toBe(name);
    expect(await readFile(await download.path(), 'utf8')).toBe('transfer slip\n');
    expect(gui.pageErrors).toEqual([]);
  });

  it("shows a newsletter's List-Unsubscribe under its addresses, and what is wrong with it", async () => {
    await gui.send({
      from: 'news@example.test',
      to: 'carol@example.test',
      subject: 'Monthly news',
      text: 'news',
      list: { unsubscribe: { url: 'https://app.example.test/unsub?u=1', comment: 'Unsubscribe' } },
      headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    });
    await gui.send({
      from: 'news@example.test',
      to: 'carol@example.test',
      subject: 'Careless news',
      text: 'news',
      headers: { 'List-Unsubscribe': 'http://app.example.test/unsub' },
    });
    await gui.send({ from: 'app@example.test', to: 'carol@example.test', subject: 'Receipt' });
    await gui.openLive();
    const field = page.getByTestId('message-unsubscribe');

    await gui.openMessage('Monthly news');
    await eventually(() => field.innerText()).toBe(
      '<https://app.example.test/unsub?u=1> one-click',
    );
    expect(await page.getByTestId('unsubscribe-error').count()).toBe(0);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(screenshots, `unsubscribe-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });

    // Mailpit's check of the header, as the API's ListUnsubscribe.Errors says it
    await gui.openMessage('Careless news');
    await eventually(() => page.getByTestId('unsubscribe-error').innerText()).toBe(
      '"http://app.example.test/unsub" no valid unsubscribe links found',
    );
    expect(await page.getByTestId('unsubscribe-link').count()).toBe(0);
    await page.screenshot({ path: join(screenshots, 'unsubscribe-error-light.png') });

    // no row at all for mail that is not a list's
    await gui.openMessage('Receipt');
    expect(await field.count()).toBe(0);
    expect(gui.pageErrors).toEqual([]);
  });

  it('says in the reading pane why nothing is listed when a search finds nothing', async () => {
    await gui.openLive();
    expect(await gui.total()).toBeGreaterThan(0);
    const notice = page.getByTestId('reading-notice');
    const box = page.getByTestId('search-input');
    await box.fill('subject:"no such subject"');
    await box.press('Enter');
    await page.getByTestId('list-empty').waitFor();
    // it said "Nothing to read yet: new mail shows in the list as it arrives", as if empty
    await eventually(() => notice.innerText()).toBe(
      'No message matches this search: clear it to read the rest.',
    );
    await box.fill('after:yesterday');
    await box.press('Enter');
    await page.getByTestId('list-error').waitFor();
    await eventually(() => notice.innerText()).toBe('Nothing to read: this search cannot be run.');
    await box.fill('');
    await box.press('Enter');
    await eventually(() => notice.innerText()).toBe('Select a message to read it.');
    expect(gui.pageErrors).toEqual([]);
  });

  it('loads the open message again once Relaydesk is back, as its error promised', async () => {
    await gui.send({
      from: 'app@example.test',
      to: 'dev@example.test',
      subject: 'Opened at a crash',
    });
    const crash = await gui.browser.newPage();
    try {
      // Relaydesk away and back, as a kill -9 and a restart make it: the event stream and the
      // message's answers are refused while `away`
      let away = false;
      const streams: Array<{ close(): Promise<void> }> = [];
      await crash.routeWebSocket(/\/api\/events\b/, (socket) => {
        if (away) return void socket.close();
        socket.connectToServer();
        streams.push(socket);
      });
      await crash.route(/\/api\/v1\/message\//, (route) =>
        away ? route.abort('connectionrefused') : route.continue(),
      );
      await crash.goto(gui.relaydesk.url);
      await crash.locator('[data-testid="stream-state"][data-state="open"]').waitFor();
      away = true;
      await Promise.all(streams.map((socket) => socket.close()));
      await crash.getByTestId('message-row').filter({ hasText: 'Opened at a crash' }).click();
      await eventually(() => crash.getByRole('article').first().innerText()).toContain(
        'Relaydesk did not answer',
      );
      away = false;
      // before: the error stayed until another message was clicked
      await eventually(() => crash.getByTestId('message-subject').innerText(), 20_000).toBe(
        'Opened at a crash',
      );
    } finally {
      await crash.close();
    }
  });

  it('says in the reading pane that Relaydesk is not answering, not that a search failed', async () => {
    // as after a kill -9: the list's fetch and the event stream both find nobody
    const away = await gui.browser.newPage();
    try {
      await away.routeWebSocket(/\/api\/events\b/, (socket) => socket.close());
      await away.route(/\/api\/v1\/messages\b/, (route) => route.abort('connectionrefused'));
      await away.goto(gui.relaydesk.url);
      await away.getByTestId('list-error').waitFor();
      await away.locator('[data-testid="stream-state"][data-state="reconnecting"]').waitFor();
      // it said "Nothing to read: this search cannot be run.", with no search typed
      await eventually(() => away.getByTestId('reading-notice').innerText()).toBe(
        'Nothing to read while Relaydesk is not answering: the list comes back when it does.',
      );
      for (const scheme of ['light', 'dark'] as const) {
        await away.emulateMedia({ colorScheme: scheme });
        await away.screenshot({ path: join(screenshots, `relaydesk-away-${scheme}.png`) });
      }
    } finally {
      await away.close();
    }
  });
});
