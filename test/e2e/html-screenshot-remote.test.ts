// The HTML screenshot draws the mail's remote images once the preview loads remote content: it
// fetches them through Relaydesk's proxy (Mailpit's /proxy), since the page itself may not fetch
// another site. Before that, nothing remote is asked, as the preview asks nothing. The "remote"
// site is a real local HTTP server on 127.0.0.1, so the relay runs with
// allowInternalHttpRequests on (test/checks/screenshot-proxy.test.ts shows it refused without).
// Real relay, real SMTP, real Chromium; the PNG the browser saves is decoded with sharp.
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Download } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { solidPng } from '../helpers/solid-png.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually, recordSaid } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

type Rgb = [number, number, number];
const photoColour: Rgb = [0xc8, 0x1e, 0x5a];
const bannerColour: Rgb = [0x1e, 0x5a, 0xc8];

function near(actual: Rgb, wanted: Rgb): boolean {
  return actual.every((value, i) => Math.abs(value - (wanted[i] as number)) <= 6);
}

/** How many pixels of the saved PNG are (nearly) this colour. */
async function pixelsOf(png: Buffer, colour: Rgb): Promise<number> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  let count = 0;
  for (let i = 0; i < data.length; i += info.channels) {
    if (near([data[i], data[i + 1], data[i + 2]] as Rgb, colour)) count++;
  }
  return count;
}

describe.skipIf(!chromiumPath)('the HTML screenshot of a mail with remote images', () => {
  let gui: Gui;
  let site: Server;
  let origin = '';
  const asked: { path: string; agent: string }[] = [];

  beforeAll(async () => {
    site = createServer((req, res) => {
      asked.push({ path: req.url ?? '', agent: req.headers['user-agent'] ?? '' });
      if (req.url === '/photo.png')
        return void res
          .writeHead(200, { 'content-type': 'image/png' })
          .end(solidPng(80, 40, photoColour));
      if (req.url === '/css/news.css')
        return void res
          .writeHead(200, { 'content-type': 'text/css' })
          .end('.banner { width: 120px; height: 30px; background: url(../banner.png) }');
      if (req.url === '/banner.png')
        return void res
          .writeHead(200, { 'content-type': 'image/png' })
          .end(solidPng(120, 30, bannerColour));
      res.writeHead(404).end();
    });
    site.listen(0, '127.0.0.1');
    await once(site, 'listening');
    origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    gui = await startGui(chromiumPath as string, {
      settings: { allowInternalHttpRequests: true },
      viewport: { width: 1280, height: 800 },
    });
    await gui.send({
      from: 'news@example.test',
      to: 'you@example.test',
      subject: 'Newsletter with pictures',
      text: 'the newsletter',
      html:
        `<!doctype html><html><head><link rel="stylesheet" href="${origin}/css/news.css"></head>` +
        '<body><p style="color:#000">This week</p>' +
        `<img id="photo" src="${origin}/photo.png" width="80" height="40" alt="photo">` +
        '<div class="banner"></div></body></html>',
    });
    await gui.openLive();
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
    site?.closeAllConnections();
    await new Promise((resolve) => site?.close(resolve));
  });

  const shoot = async (): Promise<Buffer> => {
    const [download] = await Promise.all([
      gui.page.waitForEvent('download'),
      gui.page.getByTestId('html-screenshot').click(),
    ]);
    return readFile(await (download as Download).path());
  };

  it('draws the remote image and a style sheet’s background, fetched through the proxy', async () => {
    const page = gui.page;
    await gui.openMessage('Newsletter with pictures');
    await page.getByTestId('html-preview').waitFor();
    // blocked until the user asks, in the preview and in its screenshot
    const blocked = await shoot();
    expect(await pixelsOf(blocked, photoColour)).toBe(0);
    expect(asked).toEqual([]);
    await page.getByRole('button', { name: 'Load remote content' }).click();
    await page.getByTestId('html-preview').waitFor();
    const status = await recordSaid(page.getByTestId('html-screenshot-status'));
    const png = await shoot();
    const listed = await gui.relaydesk.api<{ messages: { ID: string }[] }>('/api/v1/messages');
    await eventually(() => status.said()).toContain(
      `Screenshot saved as ${listed.messages[0]?.ID ?? ''}.png.`,
    );
    await writeFile(join(screenshots, 'html-screenshot-remote.png'), png);
    // the 80×40 photo and the 120×30 banner, whole
    expect(await pixelsOf(png, photoColour)).toBeGreaterThan(80 * 40 * 0.9);
    expect(await pixelsOf(png, bannerColour)).toBeGreaterThan(120 * 30 * 0.9);
    // Relaydesk fetched each (its proxy's user agent), the sheet before the image it names
    const byRelaydesk = asked.filter((a) => a.agent.startsWith('Relaydesk/')).map((a) => a.path);
    expect(byRelaydesk).toEqual(
      expect.arrayContaining(['/photo.png', '/css/news.css', '/banner.png']),
    );
    expect(byRelaydesk.indexOf('/css/news.css')).toBeLessThan(byRelaydesk.indexOf('/banner.png'));
    expect(await page.getByTestId('html-screenshot-error').count()).toBe(0);
    expect(gui.pageErrors).toEqual([]);
  });
});
