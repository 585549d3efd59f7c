// A list row at 900 px wide (the list takes 40% of a window under 1100 px): with three tags on
// its detail line, the snippet went down to one letter before the chips. It keeps room to read:
// at 900 px the chips give way to "3 tags" (still read out); a wider list keeps the chips that fit.
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { shootLightAndDark, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

const measure = (row: Locator) =>
  row.evaluate((element) => {
    const snippet = element.querySelector('.row-snippet') as HTMLElement;
    const text = snippet.textContent ?? '';
    // the characters drawn before the ellipsis: the widest prefix that fits the box
    const range = document.createRange();
    const node = snippet.firstChild as Text;
    const box = snippet.getBoundingClientRect();
    let shown = 0;
    for (let n = 1; n <= text.length; n++) {
      range.setStart(node, 0);
      range.setEnd(node, n);
      if (range.getBoundingClientRect().right > box.right + 0.5) break;
      shown = n;
    }
    const chips = Array.from(element.querySelectorAll<HTMLElement>('[data-testid="tag-chip"]'));
    const detail = element.querySelector('.row-detail') as HTMLElement;
    const right = detail.getBoundingClientRect().right;
    return {
      width: box.width,
      shown,
      visibleChips: chips.filter((chip) => {
        const r = chip.getBoundingClientRect();
        return r.width > 1 && r.top < detail.getBoundingClientRect().bottom && r.right <= right;
      }).length,
      more: (() => {
        const more = element.querySelector<HTMLElement>('[data-testid="tag-more"]');
        return more && more.getClientRects().length > 0 ? more.textContent : null;
      })(),
    };
  });

describe.skipIf(!chromiumPath)('a list row with three tags at 900×650', () => {
  let gui: Gui;
  let page: Page;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string, { viewport: { width: 900, height: 650 } });
    ({ page } = gui);
    await gui.send({
      from: 'Billing <billing@shop.example>',
      to: 'bob.recipient@example.com',
      subject: 'Invoice 2026-118 for November',
      text: 'Please find attached the invoice for the hours worked in November.',
      headers: { 'X-Tags': 'billing, customer-acme, follow-up' },
    });
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  it('shows a useful part of the snippet before the tags, and how many tags are left out', async () => {
    await gui.openLive();
    const row = page.getByTestId('message-row').filter({ hasText: 'Invoice 2026-118' });
    await row.waitFor();
    await eventually(() => row.getByTestId('tag-chip').count()).toBe(3);
    const measured = await measure(row);
    await shootLightAndDark(page, 'row-snippet-900');
    // a few words of it, not one letter
    expect(measured.width).toBeGreaterThanOrEqual(80);
    expect(measured.shown).toBeGreaterThanOrEqual(10);
    expect(measured.visibleChips).toBe(0);
    expect(measured.more).toBe('3 tags');
    // the chips are still there for a screen reader
    expect(await row.getByTestId('tag-chip').allTextContents()).toEqual([
      'billing',
      'customer-acme',
      'follow-up',
    ]);

    // a wider list (360 px, a 1000 px window) has room for a chip beside the snippet: the chips
    // that fit, no count
    await page.setViewportSize({ width: 1000, height: 700 });
    const wider = await measure(row);
    expect(wider.shown).toBeGreaterThanOrEqual(10);
    expect(wider.visibleChips).toBeGreaterThanOrEqual(1);
    expect(wider.more).toBeNull();
    await shootLightAndDark(page, 'row-snippet-1000');
    expect(gui.pageErrors).toEqual([]);
  });
});
