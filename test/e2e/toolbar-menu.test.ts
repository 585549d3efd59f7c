// At 1280 px the toolbar keeps to one row: the less-used buttons (Quarantine, Senders, keyboard
// shortcuts) and the theme live in a "More actions" menu button that works by keyboard alone
// (the WAI-ARIA menu-button pattern). Screenshots light and dark, with the menu open.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelaydesk, type RunningRelaydesk } from '../../main/headless.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import {
  eventually,
  type ChromiumSession,
  launchChromium,
  seriousAxeViolations,
} from './browser.js';
import { ensureRendererBuilt, repoRoot } from './renderer-build.js';

const chromiumPath = requireTool(tools.chromium);
const screenshots = join(repoRoot, 'test/e2e/screenshots');

describe.skipIf(!chromiumPath)('the toolbar at 1280 px', () => {
  let relay: RunningRelaydesk;
  let dataDir: string;
  let browser: ChromiumSession;
  let page: Page;
  const focused = () =>
    page.evaluate(() => {
      const el = document.activeElement;
      return `${el?.getAttribute('role') ?? el?.tagName.toLowerCase()}:${el?.textContent?.replace(/[✓●▾]/g, '').trim()}`;
    });

  beforeAll(async () => {
    await ensureRendererBuilt();
    dataDir = await mkdtemp(join(tmpdir(), 'relaydesk-e2e-toolbar-'));
    relay = await startRelaydesk({ smtp: '127.0.0.1:0', http: '127.0.0.1:0', dataDir });
    browser = await launchChromium(chromiumPath as string);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    page.setDefaultTimeout(10_000);
    await page.goto(relay.url);
    await page.getByTestId('more-actions').waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await relay?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps to one row', async () => {
    const boxes = await page.evaluate(() =>
      Array.from(document.querySelectorAll('.toolbar > *')).map((el) => {
        const box = el.getBoundingClientRect();
        return { top: box.top, bottom: box.bottom };
      }),
    );
    // one row: every item starts above where every other ends
    const lowestTop = Math.max(...boxes.map((b) => b.top));
    const highestBottom = Math.min(...boxes.map((b) => b.bottom));
    expect(lowestTop, JSON.stringify(boxes)).toBeLessThan(highestBottom);
  });

  it('opens, moves and acts by keyboard alone, and gives the focus back', async () => {
    const button = page.getByRole('button', { name: 'More actions' });
    expect(await button.getAttribute('aria-haspopup')).toBe('menu');
    await button.focus();
    await page.keyboard.press('ArrowDown');
    const menu = page.getByRole('menu', { name: 'More actions' });
    await menu.waitFor();
    expect(await button.getAttribute('aria-expanded')).toBe('true');
    await eventually(focused).toBe('menuitemcheckbox:Quarantine');
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe('menuitemcheckbox:Senders');
    await page.keyboard.press('End');
    expect(await focused()).toBe('menuitemradio:Dark');
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe('menuitemcheckbox:Quarantine');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(screenshots, 'toolbar-menu-light.png') });
    await page.keyboard.press('Escape');
    await eventually(() => menu.count()).toBe(0);
    expect(await focused()).toBe('button:More actions');

    // Enter opens it; the theme is chosen from it
    await page.keyboard.press('Enter');
    await eventually(focused).toBe('menuitemcheckbox:Quarantine');
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await eventually(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(
      'dark',
    );
    expect(await focused()).toBe('button:More actions');
    await page.keyboard.press('ArrowUp');
    await eventually(focused).toBe('menuitemradio:Dark');
    expect(
      await page.getByRole('menuitemradio', { name: 'Dark' }).getAttribute('aria-checked'),
    ).toBe('true');
    await page.screenshot({ path: join(screenshots, 'toolbar-menu-dark.png') });

    // Senders, from the menu by keyboard, opens the panel
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByRole('region', { name: 'Suspended senders' }).waitFor();
    await page.screenshot({ path: join(screenshots, 'toolbar-dark.png') });

    // a click elsewhere closes it
    await button.click();
    await menu.waitFor();
    await page.mouse.click(640, 500);
    await eventually(() => menu.count()).toBe(0);
  });
});
