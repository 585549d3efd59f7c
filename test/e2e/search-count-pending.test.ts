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
});
