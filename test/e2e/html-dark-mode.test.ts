// The HTML preview in dark mode, in Chromium: a designer checks how a newsletter with its own
// dark-mode CSS looks in a mail client in dark mode (Apple Mail), and that one without any stays
// on white. Real relay, real SMTP, real Chromium.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually, seriousAxeViolations } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

const darkAware = [
  '<!doctype html>',
  '<html><head><meta name="color-scheme" content="light dark">',
  '<style>',
  'body { background: #ffffff; color: #222222 }',
  '.card { background: #eef3ff }',
  '.only-light { display: none }',
  '@media (prefers-color-scheme: dark) { body { background: #121212; color: #eeeeee } .card { background: #1f2a44 } }',
  '@media (prefers-color-scheme: light) { .only-light { display: block } }',
  '</style></head>',
  '<body><h1 id="title">Dark aware</h1><div class="card" id="card">A card</div>',
  '<p class="only-light" id="light-note">Shown in light only</p></body></html>',
].join('\n');

describe.skipIf(!chromiumPath)('the HTML preview in dark mode', () => {
  let gui: Gui;
  let page: Page;
  const frame = () => page.frameLocator('[data-testid="html-preview"]');
  const background = (selector: string) =>
    frame()
      .locator(selector)
      .evaluate((el) => getComputedStyle(el).backgroundColor);

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string);
    page = gui.page;
    await gui.send({
      from: 'news@app.example',
      to: 'ada@example.com',
      subject: 'Dark aware',
      html: darkAware,
    });
    await gui.send({
      from: 'news@app.example',
      to: 'ada@example.com',
      subject: 'No dark CSS',
      html: '<h1 id="title">Plain</h1><p>Nothing for dark mode here.</p>',
    });
    await gui.openLive();
  }, 60_000);
  afterAll(async () => gui?.close());

  it("applies the message's own dark-mode CSS, and only its light CSS in light", async () => {
    await gui.openTab('Dark aware', 'HTML');
    await eventually(() => background('body')).toBe('rgb(255, 255, 255)');
    expect(await frame().locator('#light-note').isVisible()).toBe(true);

    await page.getByLabel('Dark mode').check();
    await eventually(() => background('body')).toBe('rgb(18, 18, 18)');
    expect(await background('#card')).toBe('rgb(31, 42, 68)');
    // its light-only rule no longer applies, as in a mail client in dark mode
    expect(await frame().locator('#light-note').isVisible()).toBe(false);
    expect(await seriousAxeViolations(page)).toEqual([]);
    // it has dark-mode CSS: no word that it has none
    expect(await page.getByTestId('dark-preview-none').count()).toBe(0);
    await page.screenshot({ path: join(screenshots, 'html-dark-mode.png') });

    // kept for the next message, and after a reload
    await page.reload();
    await gui.openTab('Dark aware', 'HTML');
    expect(await page.getByLabel('Dark mode').isChecked()).toBe(true);
    await eventually(() => background('body')).toBe('rgb(18, 18, 18)');
  });

  it('shows a message without dark-mode CSS as in light, on white', async () => {
    await gui.openTab('No dark CSS', 'HTML');
    expect(await page.getByLabel('Dark mode').isChecked()).toBe(true);
    await frame().locator('#title').waitFor();
    // no dark canvas: the page behind the text is the frame's white
    expect(
      await frame()
        .locator('html')
        .evaluate((el) => getComputedStyle(el).colorScheme),
    ).toBe('normal');
    expect(
      await frame()
        .locator('#title')
        .evaluate((el) => getComputedStyle(el).color),
    ).toBe('rgb(0, 0, 0)');
    // the tick changes nothing for this one, and the bar says why rather than look broken
    await expect(page.getByTestId('dark-preview-none').innerText()).resolves.toContain(
      'No dark-mode CSS in this message',
    );
    await page.screenshot({ path: join(screenshots, 'html-dark-mode-none-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'html-dark-mode-none-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByLabel('Dark mode').uncheck();
    await eventually(() => page.getByTestId('dark-preview-none').count()).toBe(0);
    expect(gui.pageErrors).toEqual([]);
  });
});
