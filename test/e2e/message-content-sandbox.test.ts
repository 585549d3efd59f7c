// Every answer that carries a message's own bytes (its source, a part, a thumbnail, its HTML or
// text body) is the sender's content served on the API's origin. The download disposition and
// nosniff keep a part from rendering today; `Content-Security-Policy: sandbox` keeps a part that
// does render (a route that serves it inline, now or later) from running its script as the API's
// origin, where it could read and delete the mail. Real relay, real SMTP, real Chromium; the
// in-app HTML preview (a sandboxed frame of its own) still shows the message's images.
import { join } from 'node:path';
import type { Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { solidPng } from '../helpers/solid-png.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

// a solid 120×40 PNG: big enough to see in the screenshots
const logo = solidPng(120, 40, [0xd0, 0x40, 0x20]);

// what a hostile attachment tries as soon as it is opened: read the mail through the API and
// send what it read away (here, to a probe URL on the same relay that the test watches for)
const hostileHtml = `<!doctype html><title>invoice</title><p>Invoice</p>
<script>
  document.title = 'ran';
  fetch('/api/v1/messages').then((r) => r.json()).then((list) => {
    new Image().src = '/probe-from-attachment?read=' + list.total;
  }, () => { new Image().src = '/probe-from-attachment?read=refused'; });
</script>`;

interface PartRef {
  PartID: string;
  FileName: string;
}

describe.skipIf(!chromiumPath)('message content served on the API origin', () => {
  let gui: Gui;
  let page: Page;
  let id: string;
  let attachmentUrl: string;
  let imageUrl: string;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string);
    page = gui.page;
    await gui.send({
      from: 'billing@example.test',
      to: 'you@example.test',
      subject: 'Invoice with an HTML attachment',
      text: 'see attached',
      html: '<p>Your invoice, and our logo:</p><img id="logo" src="cid:logo1" alt="logo">',
      attachments: [
        { filename: 'invoice.html', contentType: 'text/html', content: hostileHtml },
        { filename: 'logo.png', cid: 'logo1', contentType: 'image/png', content: logo },
      ],
    });
    const list = await gui.relaydesk.api<{ messages: { ID: string }[] }>('/api/v1/messages');
    id = list.messages[0]?.ID as string;
    const message = await gui.relaydesk.api<{ Attachments: PartRef[]; Inline: PartRef[] }>(
      `/api/v1/message/${id}`,
    );
    const parts = [...message.Attachments, ...message.Inline];
    const partUrl = (name: string) =>
      `/api/v1/message/${id}/part/${parts.find((p) => p.FileName === name)?.PartID ?? '?'}`;
    attachmentUrl = partUrl('invoice.html');
    imageUrl = partUrl('logo.png');
  }, 120_000);

  afterAll(async () => gui?.close());

  it('every such answer says Content-Security-Policy: sandbox, and nosniff', async () => {
    const answers = [
      `/api/v1/message/${id}/raw`,
      `/api/v1/message/${id}/raw?dl=1`,
      attachmentUrl,
      imageUrl,
      `${imageUrl}/thumb`,
      `/view/${id}.txt`,
      `/api/v1/messages/${id}/download`,
    ];
    for (const path of answers) {
      const res = await gui.relaydesk.fetch(path);
      expect([path, res.status]).toEqual([path, 200]);
      expect([path, res.headers.get('content-security-policy')]).toEqual([path, 'sandbox']);
      expect([path, res.headers.get('x-content-type-options')]).toEqual([path, 'nosniff']);
    }
    // the HTML body keeps its own policy (no script, nothing from elsewhere), sandboxed too
    const view = await gui.relaydesk.fetch(`/view/${id}.html`);
    const policy = (view.headers.get('content-security-policy') ?? '').split(/;\s*/);
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain(
      'sandbox allow-same-origin allow-popups allow-popups-to-escape-sandbox',
    );
    // and the API's own answers do not get it (the UI is a page of that origin that runs script)
    const ui = await gui.relaydesk.fetch('/');
    expect(ui.headers.get('content-security-policy') ?? '').not.toMatch(/sandbox/);
  });

  it('an HTML attachment opened by its URL runs no script and cannot read the API', async () => {
    const base = gui.relaydesk.url.replace(/\/$/, '');
    const probes: string[] = [];
    const watch = (request: { url(): string }) => {
      if (request.url().includes('/probe-from-attachment')) probes.push(request.url());
    };
    page.on('request', watch);
    try {
      // as served: a download, never a page
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.goto(base + attachmentUrl).catch(() => null),
      ]);
      expect(download.suggestedFilename()).toBe('invoice.html');

      // as a route that served it inline would: the relay's real answer with its disposition
      // dropped (and, for the control, its policy too)
      const inline = (dropPolicy: boolean) => async (route: Route) => {
        const answer = await route.fetch();
        const headers = { ...answer.headers() };
        delete headers['content-disposition'];
        if (dropPolicy) delete headers['content-security-policy'];
        await route.fulfill({ response: answer, headers });
      };
      const opened = base + attachmentUrl;

      // the control: without the policy the attachment runs as the API's origin and reads the
      // mail, which is what the test must be able to see
      await page.route(opened, inline(true));
      await page.goto(opened);
      await eventually(() => probes.length).toBe(1);
      expect(probes[0]).toMatch(/read=1$/);
      await page.unroute(opened);

      // with it: no script, so nothing is read and nothing is sent
      probes.length = 0;
      await page.route(opened, inline(false));
      const served = await page.goto(opened);
      expect(served?.headers()['content-security-policy']).toBe('sandbox');
      await page.getByText('Invoice').waitFor();
      // the page's own scripts are off: the title the script would set is the document's
      expect(await page.title()).toBe('invoice');
      // an opaque origin: the frame is not the API's, whatever runs in it later
      expect(await page.evaluate(() => window.origin)).toBe('null');
      // one more round trip to the relay, so a probe already sent would have been seen
      await gui.relaydesk.fetch('/api/v1/info');
      expect(probes).toEqual([]);
      await page.unroute(opened);
    } finally {
      page.off('request', watch);
    }
  });

  it('the HTML body as a page (/view) and the in-app preview still show the images', async () => {
    await page.goto(`${gui.relaydesk.url}view/${id}.html`);
    await eventually(() =>
      page.locator('#logo').evaluate((img: HTMLImageElement) => img.naturalWidth),
    ).toBe(120);

    await gui.openLive();
    await gui.openMessage('Invoice with an HTML attachment');
    const frame = page.frameLocator('[data-testid="html-preview"]');
    await eventually(() =>
      frame.locator('#logo').evaluate((img: HTMLImageElement) => img.naturalWidth),
    ).toBe(120);
    // painted, not only in the preview's document: the words have boxes (a srcdoc replaced while
    // the sandboxed frame loaded left it white, its elements without boxes, in 1 run of ~15;
    // test/e2e/html-preview-painted.test.ts is about that)
    await frame.getByText('Your invoice, and our logo:').waitFor();
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await eventually(() =>
        page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches),
      ).toBe(scheme === 'dark');
      await page.screenshot({ path: join(screenshots, `message-content-sandbox-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
    expect(gui.pageErrors).toEqual([]);
  });
});
