// Inline parts (multipart/related, a Content-ID) in the reading pane. They are not attachments, so
// the pane listed none of them: a text-only message's signature logo, or an image whose cid: the
// HTML misspells, was on no screen at all, though the API's `Inline` had it and Mailpit's UI
// lists "Inline images". Now those the HTML does not show are listed with the reason, and those
// it shows are behind a button, to download or check. And a cid: the HTML shows that no part
// has (a template's `cid:logo` for a part sent as `logo.png@app`) was only the frame's broken
// image icon: the HTML tab now says which and lists the Content-IDs there are. Real SMTP (nodemailer), the real renderer
// in Chromium, light and dark.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { shootLightAndDark, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

// a 16×16 green PNG
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAGklEQVR4nGNkaGAgCTCRpnxUw6iGUQ1DRwMAHx4A0aN0UD0AAAAASUVORK5CYII=',
  'base64',
);

describe.skipIf(!chromiumPath)('inline parts in the reading pane', () => {
  let gui: Gui;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string);
    await gui.send({
      from: 'support@shop.example',
      to: 'dev@project.example',
      subject: 'Signature only',
      text: 'Regards,\nThe team',
      attachments: [
        { filename: 'signature.png', content: png, cid: 'sig1', contentDisposition: 'inline' },
      ],
    });
    await gui.send({
      from: 'orders@shop.example',
      to: 'dev@project.example',
      subject: 'Receipt with logos',
      html: '<p>Logo: <img src="cid:logo@shop" alt="Shop"></p>',
      attachments: [
        { filename: 'logo.png', content: png, cid: 'logo@shop' },
        { filename: 'banner.png', content: png, cid: 'banner@shop' },
        { filename: 'receipt.pdf', content: '%PDF-1.4\n%%EOF\n' },
      ],
    });
    await gui.send({
      from: 'tpl@shop.example',
      to: 'dev@project.example',
      subject: 'Misnamed logo',
      html: '<p><img src="cid:logo" alt="Logo"> Welcome</p>',
      attachments: [{ filename: 'logo.png', content: png, cid: 'logo.png@app' }],
    });
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  it('lists an inline part of a text-only message, saying why the body does not show it', async () => {
    const { page } = gui;
    await gui.openLive();
    await gui.openMessage('Signature only');
    const part = page.getByTestId('inline-part');
    await eventually(() => part.count()).toBe(1);
    expect(await part.locator('.attachment-name').innerText()).toBe('signature.png');
    expect(await part.locator('.inline-note').innerText()).toBe(
      'inline, but the message has no HTML to show it in',
    );
    // downloadable, as an attachment is
    const href = await part.locator('a').getAttribute('href');
    expect(href).toMatch(/\/part\/1\.2$|\/part\/2$/);
    const bytes = Buffer.from(await (await gui.relaydesk.fetch(`/${href}`)).arrayBuffer());
    expect(bytes.equals(png)).toBe(true);
    await shootLightAndDark(page, 'inline-parts-text');
  });

  it('lists one the HTML does not name, and those it shows behind a button', async () => {
    const { page } = gui;
    await gui.openMessage('Receipt with logos');
    await eventually(() => page.getByTestId('attachment').count()).toBe(1);
    const parts = page.getByTestId('inline-part');
    await eventually(() => parts.count()).toBe(1);
    expect(await parts.locator('.attachment-name').innerText()).toBe('banner.png');
    expect(await parts.locator('.inline-note').innerText()).toBe(
      'inline, not shown: the HTML has no cid:banner@shop',
    );
    const toggle = page.getByTestId('inline-shown-toggle');
    expect(await toggle.innerText()).toBe('Inline images the HTML shows (1)');
    await toggle.click();
    await eventually(() => parts.count()).toBe(2);
    const shown = parts.filter({ hasText: 'logo.png' });
    expect(await shown.locator('.inline-note').innerText()).toBe('inline, shown in the HTML');
    await shootLightAndDark(page, 'inline-parts-html');
    // every cid: of this HTML names a part: no warning
    expect(await page.getByTestId('cid-notice').count()).toBe(0);
    expect(gui.pageErrors).toEqual([]);
  });

  it('says which cid: image of the HTML names no part, and the Content-IDs there are', async () => {
    const { page } = gui;
    await gui.openMessage('Misnamed logo');
    const notice = page.getByTestId('cid-notice');
    await eventually(() => notice.innerText()).toBe(
      'The HTML shows cid:logo, but no part of this message has that Content-ID: that image ' +
        "is broken in every mail client. Its parts' Content-IDs: logo.png@app (logo.png).",
    );
    // the picture with the body drawn beside the broken image, as a reader sees it
    await page.frameLocator('[data-testid="html-preview"]').getByText('Welcome').waitFor();
    await shootLightAndDark(page, 'inline-parts-cid');
    expect(gui.pageErrors).toEqual([]);
  });
});
