// The message checks in the renderer, in Debian's Chromium against the headless server: the HTML
// check tab (features, clients, where), the link check against a real local HTTP server, and the
// spam tab's "not available" without spamd. Screenshots in light and dark.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('the message checks in Chromium', () => {
  let gui: Gui;
  let links: Server;
  let linkOrigin: string;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    links = createServer((req, res) => res.writeHead(req.url === '/ok' ? 200 : 404).end());
    await new Promise<void>((resolve) => links.listen(0, '127.0.0.1', resolve));
    linkOrigin = `http://127.0.0.1:${(links.address() as AddressInfo).port}`;
    gui = await startGui(chromiumPath as string, {
      settings: { allowInternalHttpRequests: true, linkCheckTimeoutMs: 2000 },
    });
    ({ page, pageErrors } = gui);
    await gui.send({
      from: 'app@example.test',
      to: 'bob@example.test',
      subject: 'Layout with flexbox',
      text: 'See the HTML part.',
      html: [
        '<!doctype html><html><head>',
        '<style>',
        '  .row { display: flex; gap: 8px; }',
        '</style></head><body>',
        `<div class="row"><a href="${linkOrigin}/ok">Confirm</a> <a href="${linkOrigin}/gone">Old link</a> <a href="${linkOrigin}/moved">Older link</a></div>`,
        '<form><input type="checkbox"></form>',
        '</body></html>',
      ].join('\n'),
    });
    await page.goto(gui.relaydesk.url);
    await page.getByTestId('message-row').filter({ hasText: 'Layout with flexbox' }).click();
    await page.getByTestId('message-subject').filter({ hasText: 'Layout with flexbox' }).waitFor();
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
    await new Promise((resolve) => links?.close(resolve));
  });

  /** A tab's badge and what a screen reader hears after the tab's name; null without one. */
  const badge = async (tab: string) => {
    const button = page.getByTestId(`tab-${tab}`);
    if ((await button.getByTestId('tab-badge').count()) === 0) return null;
    const described = await button.getAttribute('aria-describedby');
    return {
      text: await button.getByTestId('tab-badge').innerText(),
      tone: await button.getByTestId('tab-badge').getAttribute('class'),
      words: described ? await page.locator(`[id="${described}"]`).textContent() : null,
    };
  };

  it('shows each feature some clients lack, the score, and where it is used', async () => {
    // the support is on the tab before it is opened, as in Mailpit; its name stays "HTML check"
    await eventually(() => badge('html-check')).toEqual({
      text: expect.stringMatching(/^\d+%$/),
      tone: expect.stringMatching(/tab-badge-(ok|warn|bad)/),
      words: expect.stringMatching(/^\d+% supported by the clients tested$/),
    });
    expect(await page.getByRole('tab', { name: 'HTML check', exact: true }).count()).toBe(1);
    // the spam tab has none without spamd, the links none until they are checked
    expect(await badge('spam')).toBeNull();
    expect(await badge('links')).toBeNull();
    await page.getByTestId('tab-html-check').click();
    const flex = page.getByTestId('html-check-warning').filter({ hasText: 'display:flex' });
    await flex.waitFor();
    expect(await flex.innerText()).toContain('line 3, column 10');
    expect(await flex.innerText()).toContain('display: flex');
    await flex.locator('summary').click();
    expect(await flex.innerText()).toMatch(/Not supported in .*Outlook Windows: .*2019/);
    expect(await page.getByTestId('html-check-warning').filter({ hasText: '<form>' }).count()).toBe(
      1,
    );
    const total = await page.getByTestId('html-check-total').innerText();
    expect(total).toMatch(/Supported \d+% · partly \d+% · not supported \d+%/);
    // the badge's figure is the tab's own
    expect((await badge('html-check'))?.text).toBe(/Supported (\d+%)/.exec(total)?.[1]);
    await page.screenshot({ path: join(screenshots, 'checks-html.png') });
  });

  it('scores for the platforms chosen, on the tab and its badge, and keeps the choice', async () => {
    await page.getByTestId('tab-html-check').click();
    const platforms = page.getByTestId('html-check-platforms');
    const switchFor = (name: string) => platforms.getByRole('checkbox', { name, exact: true });
    const total = page.getByTestId('html-check-total');
    const supported = async () => /Supported (\d+%)/.exec(await total.innerText())?.[1];
    // Mailpit's eight platforms, each on, each naming its clients
    expect(await platforms.getByRole('checkbox').count()).toBe(8);
    expect(await platforms.getByRole('checkbox', { checked: true }).count()).toBe(8);
    expect(
      await platforms.locator('label').filter({ hasText: 'Windows' }).first().getAttribute('title'),
    ).toMatch(/Outlook/);
    const everywhere = await supported();
    // Apple Mail alone: display:flex works in every version there, so it is no warning
    for (const name of [
      'Windows',
      'Windows Mail',
      'Outlook.com',
      'iOS',
      'Android',
      'Desktop Webmail',
      'Mobile Webmail',
    ])
      await switchFor(name).uncheck();
    await eventually(() => total.innerText()).toMatch(/on 1 of 8 platforms/);
    expect(
      await page.getByTestId('html-check-warning').filter({ hasText: 'display:flex' }).count(),
    ).toBe(0);
    const apple = await supported();
    // Outlook for Windows alone: flexbox is not supported there
    await switchFor('Windows').check();
    await switchFor('macOS').uncheck();
    await eventually(() =>
      page.getByTestId('html-check-warning').filter({ hasText: 'display:flex' }).count(),
    ).toBe(1);
    const outlook = await supported();
    expect(parseInt(outlook ?? '', 10)).toBeLessThan(parseInt(apple ?? '', 10));
    // the badge says what the tab says
    expect((await badge('html-check'))?.text).toBe(outlook);
    await page.screenshot({ path: join(screenshots, 'checks-html-platforms-light.png') });
    // kept for the next message and the next session
    await page.reload();
    await page.getByTestId('message-row').filter({ hasText: 'Layout with flexbox' }).click();
    await eventually(async () => (await badge('html-check'))?.text).toBe(outlook);
    await page.getByTestId('tab-html-check').click();
    expect(await platforms.getByRole('checkbox', { checked: true }).count()).toBe(1);
    // none chosen: no score to give, and no badge
    await switchFor('Windows').uncheck();
    await eventually(() => total.innerText()).toMatch(/^No platform is chosen/);
    expect(await badge('html-check')).toBeNull();
    // and back to all, the figure as at first
    await platforms.getByRole('button', { name: 'All platforms' }).click();
    await eventually(() => supported()).toBe(everywhere);
    expect(await platforms.getByRole('checkbox', { checked: true }).count()).toBe(8);
    expect(await platforms.getByRole('button', { name: 'All platforms' }).count()).toBe(0);
  });

  it('checks the links on request and shows each answer once, the failures first', async () => {
    await page.getByTestId('tab-links').click();
    expect(await page.getByTestId('link-check-row').count()).toBe(0);
    await page.getByTestId('link-check-run').click();
    await eventually(() => page.getByTestId('link-check-row').count()).toBe(3);
    // by answer, the failures first (the OK link came first in the message), each answer once
    const groups = await page.getByTestId('link-check-group').evaluateAll((bodies) =>
      bodies.map((body) => ({
        answer: body.querySelector('th')?.textContent,
        links: Array.from(body.querySelectorAll('td'), (cell) => cell.textContent),
      })),
    );
    expect(groups).toEqual([
      {
        answer: '404 Not Found (2 links)',
        links: [`${linkOrigin}/gone`, `${linkOrigin}/moved`],
      },
      { answer: '200 OK', links: [`${linkOrigin}/ok`] },
    ]);
    expect(await page.getByTestId('link-check-summary').innerText()).toBe('3 links, 2 with errors');
    expect(await badge('links')).toEqual({
      text: '2',
      tone: 'tab-badge tab-badge-bad',
      words: '2 of 3 links failed',
    });
    await page.screenshot({ path: join(screenshots, 'checks-links.png') });
    // another tab looked at and back: the answer is still there, not asked for again (it was
    // gone, and checking again sent each link's server a second request)
    await page.getByTestId('tab-text').click();
    await page.getByTestId('tab-links').click();
    expect(await page.getByTestId('link-check-row').count()).toBe(3);
    expect(await page.getByTestId('link-check-summary').innerText()).toBe('3 links, 2 with errors');
  });

  it('says the spam check is not available without spamd', async () => {
    await page.getByTestId('tab-spam').click();
    // the box to fill in, by the Settings screen's name (the API keeps the flag: spam-check)
    const notice = await page.getByTestId('spam-check-notice').innerText();
    expect(notice).toBe(
      'SpamAssassin is not available: no spamd is configured (start spamd and fill in “SpamAssassin spamd” under Settings → Checks & POP3, e.g. 127.0.0.1:783)',
    );
    expect(notice).not.toMatch(/--spamassassin/);
    await page.screenshot({ path: join(screenshots, 'checks-spam-unavailable-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'checks-spam-unavailable-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('draws the HTML check in the dark colour scheme too', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByTestId('tab-html-check').click();
    await page.getByTestId('html-check-warning').first().waitFor();
    await page.screenshot({ path: join(screenshots, 'checks-html-dark.png') });
    expect(pageErrors).toEqual([]);
  });
});
