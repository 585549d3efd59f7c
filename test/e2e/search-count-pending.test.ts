// The toolbar's count while a new search loads: it said the whole mailbox's "5 messages, 5 unread"
// until the results came, a number about a list it was no longer showing. With the search's
// answer held back in the browser (a real pending request, released by the test), the toolbar
// says it is searching; once the answer comes, it counts the matches.
import { join } from 'node:path';
import type { Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('the toolbar count while a search loads', () => {
  let gui: Gui;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string, { viewport: { width: 1280, height: 800 } });
  }, 120_000);

  afterAll(async () => gui?.close());

  it('says "Searching…" until the answer, never the whole mailbox count, then the matches', async () => {
    const { page } = gui;
    for (let n = 1; n <= 5; n++) {
      await gui.send({
        from: 'shop@example.test',
        to: 'bob@example.test',
        subject: n <= 2 ? `Invoice ${n}` : `Note ${n}`,
        text: 'x',
      });
    }
    await eventually(() => gui.total()).toBe(5);
    await gui.openLive();
    const counts = page.getByTestId('mailbox-counts');
    await eventually(() => counts.locator('.counts-full').textContent()).toBe(
      '5 messages, 5 unread',
    );

    // hold the search's answer until the count has been looked at
    const held: Route[] = [];
    await page.route('**/api/v1/search?**', (route) => {
      held.push(route);
    });
    await page.getByTestId('search-input').fill('subject:invoice');
    await page.keyboard.press('Enter');
    await eventually(() => held.length).toBeGreaterThan(0);
    // (before, this read "5 messages, 5 unread" until the answer came)
    await eventually(() => counts.locator('.counts-full').textContent()).toBe(
      'Searching 5 messages…',
    );
    expect(await counts.getAttribute('data-pending')).toBe('true');
    expect(await counts.locator('.counts-short').textContent()).toBe('Searching…');
    expect(await counts.ariaSnapshot()).toBe('- text: Searching 5 messages…');
    expect(await counts.textContent()).not.toContain('unread');
    await page.screenshot({ path: join(screenshots, 'search-count-pending-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'search-count-pending-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    for (const route of held.splice(0)) await route.continue();
    await page.unroute('**/api/v1/search?**');
    await eventually(() => counts.locator('.counts-full').textContent()).toBe(
      '2 of 5 messages, 2 unread',
    );
    expect(await counts.getAttribute('data-pending')).toBeNull();
    expect(gui.pageErrors).toEqual([]);
  });

  // The list asked the server again when mail came during a search, but lined its answer up by
  // the rows it had: the new match went to the row above the first and never showed (the count
  // stayed too), until the search was typed again. A developer watching `to:` their test user
  // saw nothing arrive.
  it('shows new mail that matches the search on top of its results, and counts it', async () => {
    const { page } = gui;
    const counts = page.getByTestId('mailbox-counts');
    const rows = page.getByRole('listbox', { name: /messages/i }).getByRole('option');
    await eventually(() => counts.locator('.counts-full').textContent()).toBe(
      '2 of 5 messages, 2 unread',
    );
    await gui.send({ from: 'shop@example.test', to: 'bob@example.test', subject: 'Invoice 3' });
    await gui.send({ from: 'shop@example.test', to: 'bob@example.test', subject: 'Note 6' });
    await eventually(() => counts.locator('.counts-full').textContent()).toBe(
      '3 of 7 messages, 3 unread',
    );
    await eventually(async () => (await rows.allInnerTexts()).length).toBe(3);
    expect(await rows.first().innerText()).toContain('Invoice 3');
    await page.screenshot({ path: join(screenshots, 'search-live-arrival-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'search-live-arrival-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    expect(gui.pageErrors).toEqual([]);
  });
});
