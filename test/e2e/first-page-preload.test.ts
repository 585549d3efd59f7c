// The mail list's first page loads beside the scripts: the headless server names it in a
// `Link: rel=preload` header of the page, and the GUI's own first request for it is answered from
// that preload, not sent again (bench/list-render.js: the first row ~50 ms sooner). And the page
// loads with no failed request (a browser asks for an icon: it was a 404 in every console).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstListPagePath } from '../../preload/api-methods.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

/**
 * Records the URL of every fetch the page makes from its next load on; the function returns them.
 * (Once per page: a second recorder on the same page leaves the first in place.)
 */
async function recordFetches(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const scope = window as unknown as { apiCalls?: string[] };
    if (scope.apiCalls) return;
    const calls: string[] = [];
    scope.apiCalls = calls;
    const original = window.fetch.bind(window);
    window.fetch = (input, init) => {
      calls.push(input instanceof Request ? input.url : String(input));
      return original(input, init);
    };
  });
  return () => page.evaluate(() => (window as unknown as { apiCalls: string[] }).apiCalls);
}

/** The sidebar's unread count of the inbox, as a screen reader hears it ("1, 1 unread"). */
function inboxCount(page: Page): Promise<string | null> {
  return page.getByTestId('nav-mailbox-inbox').locator('.nav-count').textContent();
}

describe.skipIf(!chromiumPath)('the first page of the list, preloaded with the page', () => {
  let gui: Gui;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string);
    await gui.send({
      from: 'a@example.test',
      to: 'b@example.test',
      subject: 'Preloaded',
      text: 'x',
    });
  }, 60_000);

  afterAll(async () => {
    await gui?.close();
  });

  it('names the page the GUI asks for first in a Link header of the page', async () => {
    const response = await fetch(gui.relaydesk.url);
    expect(response.headers.get('link')).toBe(
      `<${firstListPagePath()}>; rel=preload; as=fetch; crossorigin`,
    );
    await response.body?.cancel();
    // the scripts and the API do not carry it
    const api = await fetch(new URL('api/v1/info', gui.relaydesk.url));
    expect(api.headers.get('link')).toBeNull();
  });

  it('loads without a failed request, its icon included', async () => {
    const page = await gui.browser.newPage();
    try {
      const failed: string[] = [];
      page.on('response', (response) => {
        if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
      });
      page.on('console', (message) => {
        if (message.type() === 'error') failed.push(message.text());
      });
      await page.goto(gui.relaydesk.url);
      await page.getByTestId('message-row').filter({ hasText: 'Preloaded' }).waitFor();
      // without one, the browser asks for /favicon.ico
      expect(await page.locator('link[rel="icon"]').count()).toBe(1);
      // the icon the page names as served (once mail is unread, the page draws its count on it)
      const served = await (await fetch(gui.relaydesk.url)).text();
      const icon = /<link rel="icon"[^>]* href="([^"]+)"/.exec(served)?.[1];
      const answer = await page.request.get(new URL(icon as string, gui.relaydesk.url).href);
      expect(answer.headers()['content-type']).toBe('image/png');
      expect(failed).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('fetches it once per request the GUI makes: its first is answered by the preload', async () => {
    const { page } = gui;
    const firstPage = new URL(firstListPagePath(), gui.relaydesk.url).href;
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    const sent: string[] = [];
    cdp.on('Network.requestWillBeSent', (event) => {
      if (event.request.url === firstPage) sent.push(event.initiator.type);
    });
    const fetched = await recordFetches(page);

    await gui.openLive();
    await page.getByTestId('message-row').filter({ hasText: 'Preloaded' }).waitFor();
    const apiCalls = await fetched();
    const calls = apiCalls.filter((url) => url === firstPage).length;
    // asked for before React renders, not from the list's effect after the first render (which
    // came after the tag filter's and the status bar's)
    expect(apiCalls[0]).toBe(firstPage);
    // the browser's own request from the Link header came first, before any script asked
    expect(sent[0]).toBe('other');
    expect(calls).toBeGreaterThanOrEqual(1);
    // one request on the wire per call of the GUI: the preload stood in for the first call
    expect(sent).toHaveLength(calls);
    expect(gui.pageErrors).toEqual([]);
    await cdp.detach();
  });

  it('still shows the mailboxes when the event stream cannot open (a proxy dropping WebSockets)', async () => {
    const page = await gui.browser.newPage();
    try {
      // every WebSocket is refused before it opens, as by a proxy that drops the upgrade
      await page.addInitScript(() => {
        class Refused extends EventTarget {
          readyState = 3;
          onopen: ((event: Event) => void) | null = null;
          onerror: ((event: Event) => void) | null = null;
          onclose: ((event: Event) => void) | null = null;
          onmessage: ((event: Event) => void) | null = null;
          constructor() {
            super();
            setTimeout(() => {
              this.onerror?.(new Event('error'));
              this.onclose?.(new CloseEvent('close', { code: 1006 }));
            }, 0);
          }
          close(): void {}
          send(): void {}
        }
        (window as unknown as { WebSocket: unknown }).WebSocket = Refused;
      });
      await page.goto(gui.relaydesk.url);
      await page.getByTestId('message-row').filter({ hasText: 'Preloaded' }).waitFor();
      // read once when the stream failed to open, as they were read at mount before: the
      // inbox's unread count comes from that read
      await expect.poll(() => inboxCount(page)).toMatch(/^1,/);
      expect(
        await page.locator('[data-testid="stream-state"]').getAttribute('data-state'),
      ).not.toBe('open');
    } finally {
      await page.close();
    }
  });

  it('asks for the app info, the listeners, the mailboxes and the queue once each while it loads', async () => {
    const { page } = gui;
    const fetched = await recordFetches(page);
    await gui.openLive();
    await page.getByTestId('message-row').filter({ hasText: 'Preloaded' }).waitFor();
    const count = async (path: string): Promise<number> =>
      (await fetched()).filter((url) => new URL(url).pathname === path).length;
    await expect.poll(() => count('/api/v1/listeners')).toBe(1);
    await expect.poll(() => count('/api/v1/queue')).toBe(1);
    // (the chaos switch took the app's answer: it asked on its own before; the sidebar and the
    // banner read at mount and again when the event stream opened)
    expect(await count('/api/v1/info')).toBe(1);
    expect(await count('/api/v1/mailboxes')).toBe(1);
    // the sidebar has its counts all the same (they come from that one read)
    await expect.poll(() => inboxCount(page)).toMatch(/^1,/);
  });
});
