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
import { deflateSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

const logoColour: [number, number, number] = [0xd0, 0x40, 0x20];

/** A solid PNG, made here: no image tool needed. */
function solidPng(width: number, height: number, [r, g, b]: [number, number, number]): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const byte of bytes) c = (crcTable[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array(width).fill([r, g, b]).flat())]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(Array(height).fill(row)))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

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
        const frame = page.frameLocator('[data-testid="html-preview"]');
        await eventually(() =>
          frame.locator('#logo').evaluate((img: HTMLImageElement) => img.naturalWidth),
        ).toBe(120);
        // painted: the words and the image have boxes, and the image's colour is on the screen
        await eventually(() => frame.locator('#words').isVisible(), 5_000).toBe(true);
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
