// Compare two messages in Chromium: a developer selects the mail their app sent before and after
// a template change, and reads what changed, the older one first whichever was selected first.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually, seriousAxeViolations } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('comparing two messages', () => {
  let gui: Gui;
  let page: Page;
  const row = (subject: string) => page.getByTestId('message-row').filter({ hasText: subject });

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string, { viewport: { width: 1280, height: 900 } });
    page = gui.page;
    await gui.send({
      from: 'App <no-reply@app.example>',
      to: 'ada@example.com',
      subject: 'Your order 1001',
      text: 'Thank you for your order.\nTotal: 10.00 EUR\nSee you soon\n',
      html: '<p>Thank you for your order.</p>\n<p>Total: 10.00 EUR</p>\n<p>See you soon</p>',
    });
    await gui.send({
      from: 'App <no-reply@app.example>',
      to: 'ada@example.com',
      subject: 'Your order 1002 is confirmed',
      text: 'Thank you for your order.\nTotal: 12.50 EUR\nSee you soon\n',
      html: '<p>Thank you for your order.</p>\n<p>Total: 12.50 EUR</p>\n<p>See you soon</p>',
    });
    await gui.send({ from: 'x@example.com', to: 'y@example.net', subject: 'Third', text: 'x' });
    await gui.openLive();
  }, 60_000);
  afterAll(async () => gui?.close());

  it('compares the two selected, the older first, and says what changed', async () => {
    // the newer selected first: the dialog still puts the older on the left of each change
    await row('Your order 1002 is confirmed').click();
    await row('Your order 1001').click({ modifiers: ['Control'] });
    await eventually(() => page.getByTestId('selected-count').innerText()).toBe('2 selected');
    await page
      .getByRole('toolbar', { name: 'Selected messages' })
      .getByRole('button', { name: 'Compare' })
      .click();

    const dialog = page.getByTestId('compare-dialog');
    const summary = dialog.getByTestId('compare-summary');
    await expect.poll(() => summary.innerText()).toContain('Text: 1 line removed, 1 line added');
    expect(await summary.innerText()).toContain('Header fields: 1 differs (Subject)');
    expect(await summary.innerText()).toContain('HTML source: 1 line removed, 1 line added');
    expect(await summary.innerText()).toContain('Attachments: the same');
    expect(await dialog.locator('.compare-sides').innerText()).toMatch(
      /Older\s+Your order 1001 .*\n+Newer\s+Your order 1002 is confirmed/,
    );
    const text = dialog.getByRole('group', { name: 'Text, line by line' });
    // the marks are drawn, and said in words to a screen reader
    expect(await text.locator('.compare-removed').textContent()).toBe(
      '-removed: Total: 10.00 EUR\n',
    );
    expect(await text.locator('.compare-added').textContent()).toBe('+added: Total: 12.50 EUR\n');
    // within the changed line, the changed words are marked: the amount, not "Total"
    const changed = await text.locator('.compare-removed mark').allInnerTexts();
    expect(changed.join('')).toContain('10');
    expect(changed.join('')).not.toContain('Total');
    // the per-message fields are apart, closed
    const perMessage = dialog.locator('.compare-per-message');
    expect(await perMessage.getAttribute('open')).toBeNull();
    expect(await perMessage.locator('summary').innerText()).toMatch(/Message-I[Dd].*Received/);

    // comparing is not reading
    expect(await row('Your order 1001').getAttribute('class')).toContain('unread');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(screenshots, 'compare-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(screenshots, 'compare-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    await page.keyboard.press('Escape');
    await eventually(() => dialog.count()).toBe(0);
    expect(gui.pageErrors).toEqual([]);
  });

  it('offers Compare only for two messages', async () => {
    // on its own, whatever the test before left open
    if ((await page.getByTestId('compare-dialog').count()) > 0) await page.keyboard.press('Escape');
    await row('Third').click({ modifiers: ['Control'] });
    await eventually(() => page.getByTestId('selected-count').innerText()).toBe('3 selected');
    const compare = page
      .getByRole('toolbar', { name: 'Selected messages' })
      .getByRole('button', { name: 'Compare' });
    expect(await compare.isDisabled()).toBe(true);
    expect(await compare.getAttribute('title')).toBe('Select two messages to compare them');
  });
});
