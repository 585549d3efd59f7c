// The tests' Chromium opens a browser context without the omnibox popup's WebUI pages (a renderer
// of their own per window, ~1.3 s of CPU per context) or a spare renderer, and keeps the features
// Playwright turns off:
// Chromium reads only the last --disable-features, so the two lists must be one switch.
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  chromiumLaunchOptions,
  playwrightDisabledFeatures,
  unusedFeatures,
} from '../../scripts/chromium-launch.js';
import { requireTool, tools } from '../helpers/system-tools.js';

const chromiumPath = requireTool(tools.chromium);

describe('how the tests launch Chromium', () => {
  it("reads Playwright's own --disable-features list (an upgrade that moves it: update scripts/chromium-launch.js)", () => {
    expect(playwrightDisabledFeatures()).toEqual(
      expect.arrayContaining(['PaintHolding', 'HttpsUpgrades', 'ThirdPartyStoragePartitioning']),
    );
  });

  it.skipIf(!chromiumPath)(
    "opens a context without the omnibox popup's pages or a spare renderer, Playwright's features still off",
    async () => {
      const browser = await chromium.launch(chromiumLaunchOptions(chromiumPath as string));
      try {
        const cdp = await browser.newBrowserCDPSession();
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.setContent('<h1>Inbox</h1>');
        // the window's preloaded WebUI pages exist by the time its first page does
        const { targetInfos } = await cdp.send('Target.getTargets');
        expect(targetInfos.map((t) => t.url).filter((url) => url.startsWith('chrome://'))).toEqual(
          [],
        );
        expect(await page.locator('h1').textContent()).toBe('Inbox');
        // the page's renderer and no spare one started ahead for a next page
        const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as {
          processInfo: Array<{ type: string }>;
        };
        expect(processInfo.filter((p) => p.type === 'renderer')).toHaveLength(1);

        // the browser's own account of how it was started
        await page.goto('chrome://version');
        const commandLine = (await page.locator('#command_line').textContent()) ?? '';
        const switches = commandLine
          .split(' ')
          .filter((arg) => arg.startsWith('--disable-features='));
        expect(switches).toHaveLength(1);
        expect((switches[0] ?? '').slice('--disable-features='.length).split(',')).toEqual(
          expect.arrayContaining(['PaintHolding', 'HttpsUpgrades', ...unusedFeatures]),
        );
      } finally {
        await browser.close();
      }
    },
  );
});
