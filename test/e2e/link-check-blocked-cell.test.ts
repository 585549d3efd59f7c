// The Links tab's cell for blocked links (to this machine or a private network, not asked unless
// Settings allows it) named the setting's whole label in the status column's 220 px: at the
// desktop window's default size it was 7 lines tall. It reads in two at most now, the setting
// said once under the table with a link to Settings, and a screen reader in the table still
// hears which setting allows the links. Real relay, real SMTP, real Chromium; the blocked
// addresses are never connected to (the check refuses them before it connects).
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultWindowSize } from '../../main/desktop/window-state.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);
const setting =
  'The link check and the HTML screenshot’s proxy may reach this machine and private networks';

/** How many lines the cell's visible words take: its text's line boxes, by their tops. */
function visibleLines(cell: Locator): Promise<number> {
  return cell.evaluate((th) => {
    const tops: number[] = [];
    const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement?.closest('.visually-hidden') || !node.textContent?.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const rect of Array.from(range.getClientRects())) {
        if (rect.width > 0 && !tops.some((top) => Math.abs(top - rect.top) < 4))
          tops.push(rect.top);
      }
    }
    return tops.length;
  });
}

describe.skipIf(!chromiumPath)('the Links tab’s blocked cell', () => {
  let gui: Gui;

  beforeAll(async () => {
    // allowInternalHttpRequests off, as by default; the desktop window's first size
    gui = await startGui(chromiumPath as string, { viewport: defaultWindowSize });
    await gui.send({
      from: 'app@example.test',
      to: 'bob@example.test',
      subject: 'Links to the staging boxes',
      text: 'See the HTML part.',
      html: '<p><a href="http://10.1.2.3/account">Staging</a> <a href="http://192.168.7.7/admin">Admin</a></p>',
    });
    await gui.openLive();
  }, 120_000);
  afterAll(async () => gui?.close());

  it('reads in two lines at most, the setting named once under the table', async () => {
    const page = gui.page;
    await gui.openTab('Links to the staging boxes', 'Links');
    await page.getByTestId('link-check-run').click();
    await eventually(() => page.getByTestId('link-check-row').count()).toBe(2);
    const cell = page.getByTestId('link-check-group').locator('th[scope="rowgroup"]');
    expect(await cell.count()).toBe(1);
    await page.screenshot({ path: join(screenshots, 'link-check-blocked-cell-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'link-check-blocked-cell-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await visibleLines(cell)).toBeLessThanOrEqual(2);
    expect(await cell.locator('.check-status-words').innerText()).toBe('Blocked: internal address');
    // a screen reader reading the table hears the relay's words, the setting that allows these
    // links among them, and not the short words as well
    expect(await cell.locator('.visually-hidden').textContent()).toBe(
      `Blocked private/reserved address (ticking “${setting}” under Settings → Checks & POP3 allows it)`,
    );
    expect(await cell.locator('.check-status-words').getAttribute('aria-hidden')).toBe('true');
    expect(await cell.locator('.check-status-count').textContent()).toBe(' (2 links)');
    const note = page.getByTestId('link-check-blocked-note');
    expect(await note.innerText()).toBe(
      `Blocked links point to this machine or a private network, so they were not asked. Ticking “${setting}” under Settings → Checks & POP3 allows it.`,
    );
    expect(
      await note.getByRole('link', { name: 'Settings → Checks & POP3' }).getAttribute('href'),
    ).toBe('#settings');
    expect(gui.pageErrors).toEqual([]);
  });
});
