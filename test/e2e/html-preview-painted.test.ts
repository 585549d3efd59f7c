// The HTML preview is painted, not left as a white pane. The preview is a sandboxed frame (an
// opaque origin, so Chromium runs it in a process of its own), and its document changes once the
// message's inline (cid:) images arrive. In Chromium 156, as in Electron 45, a srcdoc replaced
// while the frame's first document is still loading is never painted: its elements get no boxes
// and the pane stays white, for good (3 opens in 20 here, with the page reloaded before each;
// also without Playwright, on a page driven by bare DevTools that attaches to no frame). The test
// makes the race likelier by holding the images' answers until the frame exists, and opens the
// message ten times: without the new frame per document its drafts failed 3 of 10 runs here.
// Real relay, real SMTP, real Chromium.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { solidPng } from '../helpers/solid-png.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

const logoColour: [number, number, number] = [0xd0, 0x40, 0x20];

/** How many pixels of a screenshot are near `colour` (the logo's, as the frame painted it). */
async function pixelsOf(png: Buffer, [r, g, b]: [number, number, number]): Promise<number> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  let count = 0;
  for (let i = 0; i + 2 < data.length; i += info.channels) {
    const near = (at: number, want: number) => Math.abs((data[at] as number) - want) <= 8;
    if (near(i, r) && near(i + 1, g) && near(i + 2, b)) count++;
  }
  return count;
}

/** The preview's words have boxes and its logo is loaded, from the message's own part. */
async function wordsAndLogoShown(page: Page): Promise<void> {
  const frame = page.frameLocator('[data-testid="html-preview"]');
  await eventually(() =>
    frame.locator('#logo').evaluate((img: HTMLImageElement) => img.naturalWidth),
  ).toBe(120);
  await eventually(() => frame.locator('#words').isVisible(), 5_000).toBe(true);
}

describe.skipIf(!chromiumPath)('the HTML preview', () => {
  let gui: Gui;
  let page: Page;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string);
    page = gui.page;
    await gui.send({
      from: 'news@example.test',
      to: 'you@example.test',
      subject: 'Newsletter with a logo',
      text: 'our logo',
      html: '<p id="words">This week, and our logo:</p><img id="logo" src="cid:logo1" alt="logo">',
      attachments: [
        {
          filename: 'logo.png',
          cid: 'logo1',
          contentType: 'image/png',
          content: solidPng(120, 40, logoColour),
        },
      ],
    });
    await gui.send({
      from: 'a@example.test',
      to: 'you@example.test',
      subject: 'Plain note',
      text: 'no HTML here',
    });
  }, 120_000);

  afterAll(async () => gui?.close());

  it('loads its frame once, with the inline images, when they come within the wait', async () => {
    // shown at once without them and again with them, the pane went white in between (a new
    // frame, so a new process, for each document); they come from this machine quickly
    await gui.openLive();
    await page.evaluate(() => {
      const counted = window as unknown as { previewFrames: number };
      counted.previewFrames = 0;
      const isPreview = (n: Node) =>
        n instanceof HTMLIFrameElement && n.dataset['testid'] === 'html-preview';
      new MutationObserver((records) => {
        for (const r of records)
          for (const n of Array.from(r.addedNodes)) {
            if (isPreview(n)) counted.previewFrames++;
            else if (n instanceof Element)
              counted.previewFrames += Array.from(n.querySelectorAll('iframe')).filter(
                isPreview,
              ).length;
          }
      }).observe(document.body, { childList: true, subtree: true });
    });
    await gui.openMessage('Newsletter with a logo');
    await wordsAndLogoShown(page);
    expect(
      await page.evaluate(() => (window as unknown as { previewFrames: number }).previewFrames),
    ).toBe(1);
  }, 60_000);

  it('is painted when the inline images arrive while its first document loads', async () => {
    // the images' answers wait until the frame exists, so the document with the images comes
    // while the frame is still loading the one without (what a quick relay does by chance)
    await page.route('**/api/v1/message/*/part/*', async (route) => {
      const answer = await route.fetch();
      await page.getByTestId('html-preview').waitFor({ state: 'attached', timeout: 10_000 });
      await route.fulfill({ response: answer });
    });
    try {
      for (let round = 0; round < 10; round++) {
        // a page of its own each round, as after a reload: the frame's process is new
        await gui.openLive();
        await gui.openMessage('Newsletter with a logo');
        // painted: the words and the image have boxes, and the image's colour is on the screen
        await wordsAndLogoShown(page);
        await eventually(async () => {
          const shot = await page.getByTestId('html-preview').screenshot();
          return (await pixelsOf(shot, logoColour)) >= 120 * 40 * 0.9;
        }, 5_000).toBe(true);
      }
    } finally {
      await page.unrouteAll({ behavior: 'ignoreErrors' });
    }
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await eventually(() =>
        page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches),
      ).toBe(scheme === 'dark');
      await page.screenshot({ path: join(screenshots, `html-preview-painted-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
    expect(gui.pageErrors).toEqual([]);
  }, 120_000);
});
