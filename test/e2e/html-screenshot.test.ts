// Mailpit's Download → "HTML screenshot": the HTML body saved as {ID}.png, drawn on white at the
// preview's width with 20 px of padding, whatever the app's theme. The mail's script never runs
// while it is drawn (the frame it is laid out in is sandboxed without scripts), its cid: image is
// in the picture, and a remote image stays unfetched while the preview blocks remote content.
// Real relay, real SMTP, real Chromium; the PNG the browser saves is decoded with sharp.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Download, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { solidPng } from '../helpers/solid-png.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually, recordSaid, seriousAxeViolations, startTracker, waitFor } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

type Rgb = [number, number, number];
const blockColour: Rgb = [0x0a, 0x7d, 0x3c];
const logoColour: Rgb = [0xc8, 0x1e, 0x5a];
const white: Rgb = [255, 255, 255];

interface Picture {
  width: number;
  height: number;
  at(x: number, y: number): Rgb;
}

async function decoded(download: Download): Promise<Picture> {
  const png = await readFile(await download.path());
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    at(x, y) {
      const i = (y * info.width + x) * info.channels;
      return [data[i], data[i + 1], data[i + 2]] as Rgb;
    },
  };
}

function near(actual: Rgb, wanted: Rgb): boolean {
  return actual.every((value, i) => Math.abs(value - (wanted[i] as number)) <= 6);
}

describe.skipIf(!chromiumPath)("Mailpit's HTML screenshot", () => {
  let gui: Gui;
  let page: Page;
  let tracker: Awaited<ReturnType<typeof startTracker>>;
  let id = '';

  beforeAll(async () => {
    tracker = await startTracker();
    gui = await startGui(chromiumPath as string, { viewport: { width: 1280, height: 800 } });
    page = gui.page;
    // each would leave a mark if it ran: on this page (shotRan, the title), or in the picture
    // (a red body, where the padding must be white)
    const ran =
      "document.body.style.background='#ff0000';try{parent.shotRan=1;top.document.title='ran'}catch(e){}";
    await gui.send({
      from: 'news@example.test',
      to: 'you@example.test',
      subject: 'Newsletter to draw',
      text: 'the newsletter',
      html:
        '<!doctype html><html xmlns:o="urn:schemas-microsoft-com:office:office"><body>' +
        '<div id="block" style="width:200px;height:100px;background:#0a7d3c"></div>' +
        '<p style="color:#000">This week <o:p></o:p><o:p>in Outlook’s words</o:p></p>' +
        '<img id="logo" src="cid:logo1" width="60" height="30" alt="logo">' +
        `<img src="${tracker.origin}/pixel.png" width="1" height="1" alt="">` +
        `<img src="x" onerror="${ran}">` +
        `<script>${ran.replace(/'/g, '"')}</script>` +
        '</body></html>',
      attachments: [
        {
          filename: 'logo.png',
          cid: 'logo1',
          contentType: 'image/png',
          content: solidPng(60, 30, logoColour),
        },
      ],
    });
    await gui.send({
      from: 'a@example.test',
      to: 'you@example.test',
      subject: 'Plain note',
      text: 'no HTML here',
    });
    await gui.openLive();
    await waitFor(
      'both messages listed',
      async () => (await page.getByTestId('message-row').count()) === 2,
    );
    const listed = await gui.relaydesk.api<{ messages: { ID: string; Subject: string }[] }>(
      '/api/v1/messages',
    );
    id = listed.messages.find((m) => m.Subject === 'Newsletter to draw')?.ID as string;
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
    await tracker?.close();
  });

  const shoot = async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('html-screenshot').click(),
    ]);
    return download;
  };
  const previewWidth = () =>
    page.getByTestId('html-preview').evaluate((frame: HTMLIFrameElement) => frame.clientWidth);

  it('saves {ID}.png: the mail on white at the preview’s width, its script never run', async () => {
    await gui.openMessage('Newsletter to draw');
    await page.getByTestId('html-preview').waitFor();
    const status = await recordSaid(page.getByTestId('html-screenshot-status'));
    let downloads = 0;
    page.on('download', () => downloads++);
    // what reaches a server while it draws: the mail's relative `x` and the remote pixel are
    // blocked in the preview, and must not be fetched for the picture either (the frames'
    // attempts that their policy stops, which Chromium reports as requests too, never finish)
    const asked: string[] = [];
    page.on('requestfinished', (request) => asked.push(request.url()));

    // pressed twice in a row: one screenshot
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('html-screenshot').dblclick(),
    ]);
    expect(download.suggestedFilename()).toBe(`${id}.png`);
    await eventually(() => status.said()).toEqual([
      'Taking a screenshot of the HTML…',
      `Screenshot saved as ${id}.png.`,
    ]);
    expect(downloads).toBe(1);
    expect(await page.getByTestId('html-screenshot').isEnabled()).toBe(true);
    // disabled while it drew, it has the focus back (not left on the page)
    await eventually(() =>
      page.evaluate(() => document.activeElement?.getAttribute('data-testid')),
    ).toBe('html-screenshot');

    const width = await previewWidth();
    expect(width).toBeGreaterThanOrEqual(300);
    const picture = await decoded(download);
    expect(picture.width).toBe(width);
    // the padding, all round: white, not the red a script would have painted
    expect(picture.at(5, 5)).toEqual(white);
    expect(picture.at(width - 5, 60)).toEqual(white);
    expect(picture.at(5, picture.height - 5)).toEqual(white);
    // the 200×100 block, 20 px in from the corner
    expect(near(picture.at(21, 21), blockColour), String(picture.at(21, 21))).toBe(true);
    expect(near(picture.at(218, 118), blockColour), String(picture.at(218, 118))).toBe(true);
    expect(picture.at(222, 60)).toEqual(white);
    // the message's own cid: image is in the picture; the remote one was never fetched
    let logo = 0;
    for (let y = 0; y < picture.height; y++)
      for (let x = 0; x < picture.width; x++) if (near(picture.at(x, y), logoColour)) logo++;
    expect(logo).toBeGreaterThan(60 * 30 * 0.9);
    expect(tracker.hits).toEqual([]);
    expect(asked.filter((url) => url.endsWith('/x') || url.startsWith(tracker.origin))).toEqual([]);
    // below the block: the text and the images, drawn (Outlook's o:p did not blank the image)
    expect(picture.height).toBeGreaterThan(20 + 100 + 30 + 20);

    // no script of the mail ran, here or in the frame it was drawn from
    expect(await page.evaluate(() => (window as unknown as { shotRan?: number }).shotRan)).toBe(
      undefined,
    );
    expect(await page.title()).not.toBe('ran');
    expect(await page.getByTestId('html-screenshot-frame').count()).toBe(0);
    await page.getByTestId('html-screenshot').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'html-screenshot-light.png') });
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(gui.pageErrors).toEqual([]);
  });

  it('draws at the phone width, and on white in the dark theme', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    try {
      await page.getByRole('radio', { name: 'Phone' }).check();
      await eventually(previewWidth).toBe(375);
      const picture = await decoded(await shoot());
      expect(picture.width).toBe(375);
      expect(picture.at(5, 5)).toEqual(white);
      expect(picture.at(370, 60)).toEqual(white);
      expect(near(picture.at(120, 70), blockColour)).toBe(true);
      await page.screenshot({ path: join(screenshots, 'html-screenshot-dark.png') });
    } finally {
      await page.getByRole('radio', { name: 'Desktop' }).check();
      await page.emulateMedia({ colorScheme: 'light' });
    }
    expect(gui.pageErrors).toEqual([]);
  });

  it('says why when it cannot draw the HTML, beside the button, and can be pressed again', async () => {
    // this page cannot read the frame (as if its origin were not this page's)
    await page.evaluate(() => {
      const own = Object.getOwnPropertyDescriptor(HTMLIFrameElement.prototype, 'contentDocument');
      (window as unknown as { ownContentDocument?: PropertyDescriptor }).ownContentDocument = own;
      Object.defineProperty(HTMLIFrameElement.prototype, 'contentDocument', {
        configurable: true,
        get: () => null,
      });
    });
    try {
      await page.getByTestId('html-screenshot').click();
      const error = page.getByTestId('html-screenshot-error');
      await eventually(() => error.innerText()).toBe(
        'The screenshot could not be made: the HTML could not be read from its frame.',
      );
      expect(await error.getAttribute('role')).toBe('alert');
      expect(await page.getByTestId('html-screenshot').isEnabled()).toBe(true);
    } finally {
      await page.evaluate(() => {
        const own = (window as unknown as { ownContentDocument: PropertyDescriptor })
          .ownContentDocument;
        Object.defineProperty(HTMLIFrameElement.prototype, 'contentDocument', own);
      });
    }
    // the next one works, and the words go
    const download = await shoot();
    expect(download.suggestedFilename()).toBe(`${id}.png`);
    await eventually(() => page.getByTestId('html-screenshot-error').count()).toBe(0);
  });

  it('is not offered for a message without HTML', async () => {
    await gui.openMessage('Plain note');
    await eventually(() => page.getByTestId('text-body').isVisible()).toBe(true);
    expect(await page.getByTestId('html-screenshot').count()).toBe(0);
    expect(await page.getByRole('tab', { name: 'HTML', exact: true }).count()).toBe(0);
  });
});
