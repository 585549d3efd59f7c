// The HTML screenshot draws the mail's remote images once the preview loads remote content: it
// fetches them through Relaydesk's proxy (Mailpit's /proxy), since the page itself may not fetch
// another site. Before that, nothing remote is asked, as the preview asks nothing. The "remote"
// site is a real local HTTP server on 127.0.0.1, so one relay runs with allowInternalHttpRequests
// on; the other, as by default, is refused it, and the screenshot says so beside its button.
// Real relay, real SMTP, real Chromium; the PNG the browser saves is decoded with sharp.
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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

/** Pictures the style sheet names besides the banner: a footer's icons. */
const sheetIcons = ['icon-mail', 'icon-web'];
/** The newsletter's pictures after the first photo, each an address of its own. */
const morePhotos = [1, 2, 3, 4, 5].map((n) => `/photo-${n}.png`);

/**
 * The sender's site: photos, and a style sheet whose background images are a banner and the
 * footer's icons.
 */
let site: Server;
let origin = '';
const asked: { path: string; agent: string }[] = [];

beforeAll(async () => {
  site = createServer((req, res) => {
    asked.push({ path: req.url ?? '', agent: req.headers['user-agent'] ?? '' });
    // the photo, and the newsletter's further pictures in the same colour
    if (/^\/photo(-\d+)?\.png$/.test(req.url ?? ''))
      return void res
        .writeHead(200, { 'content-type': 'image/png' })
        .end(solidPng(80, 40, photoColour));
    if (req.url === '/css/news.css')
      return void res.writeHead(200, { 'content-type': 'text/css' }).end(
        '.banner { width: 120px; height: 30px; background: url(../banner.png) }' +
          sheetIcons
            .map(
              (icon) => `.${icon} { width: 12px; height: 12px; background: url(../${icon}.png) }`,
            )
            .join('') +
          // the sender's markup, if the inlined sheet let it out of its <style>
          '/* </style><img src="/injected.png"> */',
      );
    if (req.url === '/banner.png' || sheetIcons.some((icon) => req.url === `/${icon}.png`))
      return void res
        .writeHead(200, { 'content-type': 'image/png' })
        .end(solidPng(120, 30, bannerColour));
    res.writeHead(404).end();
  });
  site.listen(0, '127.0.0.1');
  await once(site, 'listening');
  origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
});
afterAll(async () => {
  site?.closeAllConnections();
  await new Promise((resolve) => site?.close(resolve));
});
beforeEach(() => {
  asked.length = 0;
});

async function openNewsletter(settings: Record<string, unknown>): Promise<Gui> {
  const gui = await startGui(chromiumPath as string, {
    settings,
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
      morePhotos
        .map((path) => `<img src="${origin}${path}" width="8" height="4" alt="">`)
        .join('') +
      '<div class="banner"></div>' +
      sheetIcons.map((icon) => `<div class="${icon}"></div>`).join('') +
      '</body></html>',
  });
  await gui.openLive();
  return gui;
}

async function shoot(gui: Gui): Promise<Buffer> {
  const [download] = await Promise.all([
    gui.page.waitForEvent('download'),
    gui.page.getByTestId('html-screenshot').click(),
  ]);
  return readFile(await download.path());
}

describe.skipIf(!chromiumPath)('the HTML screenshot of a mail with remote images', () => {
  let gui: Gui;

  beforeAll(async () => {
    gui = await openNewsletter({ allowInternalHttpRequests: true });
  }, 120_000);
  afterAll(async () => gui?.close());

  it('draws the remote image and a style sheet’s background, fetched through the proxy', async () => {
    const page = gui.page;
    await gui.openMessage('Newsletter with pictures');
    await page.getByTestId('html-preview').waitFor();
    // blocked until the user asks, in the preview and in its screenshot
    const blocked = await shoot(gui);
    expect(await pixelsOf(blocked, photoColour)).toBe(0);
    expect(asked).toEqual([]);

    await page.getByRole('button', { name: 'Load remote content' }).click();
    await page.getByTestId('html-preview').waitFor();
    const status = await recordSaid(page.getByTestId('html-screenshot-status'));
    const png = await shoot(gui);
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
    // the sheet stayed a sheet in the screenshot's copy of the mail
    expect(asked.map((a) => a.path)).not.toContain('/injected.png');
    expect(await page.getByTestId('html-screenshot-note').count()).toBe(0);
    expect(await page.getByTestId('html-screenshot-error').count()).toBe(0);
    expect(gui.pageErrors).toEqual([]);
  });
});

describe.skipIf(!chromiumPath)(
  'the HTML screenshot of a mail whose remote images are on this machine',
  () => {
    let gui: Gui;

    beforeAll(async () => {
      // allowInternalHttpRequests off, as by default
      gui = await openNewsletter({});
    }, 120_000);
    afterAll(async () => gui?.close());

    it('says beside the button what the proxy refused, each reason once over its addresses', async () => {
      const page = gui.page;
      await gui.openMessage('Newsletter with pictures');
      await page.getByRole('button', { name: 'Load remote content' }).click();
      await page.getByTestId('html-preview').waitFor();
      const png = await shoot(gui);
      expect(await pixelsOf(png, photoColour)).toBe(0);
      const note = page.getByTestId('html-screenshot-note');
      const privateAddress =
        'Refused: its host is a private, loopback or link-local address, and a message must not make Relaydesk reach this machine or its network (ticking “The link check and the HTML screenshot’s proxy may reach this machine and private networks” under Settings → Checks & POP3 allows it)';
      // the refused sheet still styles the preview's copy, so the images it names are asked too
      const id = (await gui.relaydesk.api<{ messages: { ID: string }[] }>('/api/v1/messages'))
        .messages[0]?.ID as string;
      const notNamed = `Refused: neither the HTML of message ${id} nor a style sheet of it that went through the proxy names it (the proxy fetches only what the message loads)`;
      const reasons = note.getByTestId('html-screenshot-reason');
      await eventually(() => reasons.count()).toBe(2);
      /** Each reason (its own words, not its addresses') and the addresses shown under it. */
      const shown = () =>
        reasons.evaluateAll((items) =>
          items.map((item) => ({
            reason: item.firstChild?.textContent,
            addresses: Array.from(item.querySelectorAll('li'), (li) => li.textContent).sort(),
          })),
        );
      const privateOnes = ['/css/news.css', '/photo.png', ...morePhotos].map((p) => origin + p);
      const notNamedOnes = ['/banner.png', ...sheetIcons.map((icon) => `/${icon}.png`)].map(
        (p) => origin + p,
      );
      // in the order the refusals came back: the images are asked at once
      const groups = await shown();
      expect(groups.map((group) => group.reason).sort()).toEqual([privateAddress, notNamed].sort());
      const privateGroup = groups.find((group) => group.reason === privateAddress);
      const notNamedGroup = groups.find((group) => group.reason === notNamed);
      // the three under the second reason all show; of the private address's seven, four and
      // a button for the other three
      expect(notNamedGroup?.addresses).toEqual(notNamedOnes.sort());
      expect(privateGroup?.addresses).toHaveLength(4);
      const more = note.getByTestId('html-screenshot-more');
      expect(await more.count()).toBe(1);
      // its name says what more there is (the visible words first, WCAG 2.5.3)
      expect(
        await note
          .getByRole('button', { name: '+3 more addresses refused for this reason', exact: true })
          .count(),
      ).toBe(1);
      expect(await more.getAttribute('aria-expanded')).toBe('false');
      await note.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(screenshots, 'html-screenshot-refused.png') });
      await more.click();
      expect(await more.getAttribute('aria-expanded')).toBe('true');
      expect((await shown()).find((group) => group.reason === privateAddress)?.addresses).toEqual(
        privateOnes.sort(),
      );
      expect(await note.locator('p').innerText()).toBe(
        "Saved without 10 remote images or style sheets that Relaydesk's proxy could not fetch:",
      );
      // a screen reader hears each reason once, with how many addresses it refused
      const said = await page.getByTestId('html-screenshot-status').innerText();
      expect(said).toContain(`${privateAddress} (7 addresses).`);
      expect(said).toContain(`${notNamed} (3 addresses).`);
      expect(said.split('private, loopback or link-local')).toHaveLength(2);
      // the proxy asked nothing of this machine's site (the preview's own frame may)
      expect(asked.filter((a) => a.agent.startsWith('Relaydesk/'))).toEqual([]);
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.screenshot({ path: join(screenshots, 'html-screenshot-refused-dark.png') });
      await page.emulateMedia({ colorScheme: 'light' });
      expect(gui.pageErrors).toEqual([]);
    });
  },
);
