// An attempt that leaves a message deferred, made while the GUI shows it, in Chromium against the
// real headless server, with mail sent over SMTP and a real upstream that keeps refusing it for a
// while: the Delivery tab lists the new attempt and the Queue view gives its reply, as they do
// for an attempt that relays it, and the Queue view shows an attempt under way under Sending. The relay told the GUI only of changes of a message's status,
// so an attempt that failed again showed up in neither until something else changed (the retry
// here comes from elsewhere, as `relaydesk queue retry` or the message's retry time would).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessagesPage } from '../../preload/api-contract.js';
import { startSilentHost } from '../helpers/silent-host.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';
import { eventually, waitFor } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);
const TO = 'later@dest.example';

describe.skipIf(!chromiumPath)('an attempt that defers a message again, while it is shown', () => {
  let gui: Gui;
  let page: Page;
  let upstream: RunningUpstream;
  let id: string;

  const retryFromElsewhere = async () => {
    const res = await gui.relaydesk.fetch('/api/v1/queue/retry', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ IDs: [id] }),
    });
    expect(res.status).toBe(200);
  };
  const attempts = async () =>
    (
      await gui.relaydesk.api<{ recipients: Array<{ state: string; attempts: unknown[] }> }>(
        `/api/v1/message/${id}/delivery`,
      )
    ).recipients[0];

  beforeAll(async () => {
    upstream = await startUpstreamServer({
      tls: 'none',
      failures: { rcpt: { [TO]: { code: 451, text: '4.7.1 Greylisted, try again later' } } },
    });
    gui = await startGui(chromiumPath as string, {
      settings: {
        mode: 'relay',
        relay: { host: '127.0.0.1', port: upstream.port, security: 'none' },
      },
    });
    page = gui.page;
    await gui.send({ from: 'app@example.test', to: TO, subject: 'Invoice 881', text: 'hello' });
    id = (await gui.relaydesk.api<MessagesPage>('/api/v1/messages')).messages[0]?.ID as string;
    await waitFor('the message deferred', async () => (await attempts())?.state === 'deferred');
    await gui.openLive();
  }, 60_000);

  afterAll(async () => {
    await gui?.close();
    // the last test closed it to listen on its port
    await upstream?.close().catch(() => undefined);
  });

  it('the Delivery tab lists the new attempt and its reply', async () => {
    await gui.openTab('Invoice 881', 'Delivery');
    const delivery = page.getByTestId('delivery-view');
    await eventually(() => delivery.getByTestId('attempt').count()).toBe(1);

    upstream.setFailures({ rcpt: { [TO]: { code: 452, text: '4.2.2 Mailbox full' } } });
    await retryFromElsewhere();
    await waitFor('the second attempt made', async () => (await attempts())?.attempts.length === 2);
    await eventually(() => delivery.getByTestId('attempt').count()).toBe(2);
    expect(await delivery.getByTestId('attempt-reply').last().innerText()).toMatch(
      /^452 4\.2\.2 Mailbox full/,
    );
    await page.screenshot({ path: `${screenshots}/delivery-live-light.png` });

    // In an 800x600 window the attempts are labelled lines, their column headings hidden for the
    // eye only: those headings escaped the tab's scroll box and made the window's own document
    // taller (777 px), so a wheel over the sidebar scrolled the whole app off into a blank page.
    await page.setViewportSize({ width: 800, height: 600 });
    try {
      await eventually(() =>
        delivery
          .getByTestId('attempts')
          .first()
          .evaluate((table) => getComputedStyle(table.querySelector('thead')!).position),
      ).toBe('absolute');
      expect(
        await page.evaluate(() => ({
          height: document.scrollingElement!.scrollHeight,
          width: document.scrollingElement!.scrollWidth,
        })),
      ).toEqual({ height: 600, width: 800 });
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it('the Queue view gives the new reply', async () => {
    await page.getByTestId('nav-queue').click();
    const entry = page.locator(`[data-testid="queue-entry"][data-address="${TO}"]`);
    await eventually(() => entry.getByTestId('queue-why').innerText()).toContain('452');

    upstream.setFailures({ rcpt: { [TO]: { code: 450, text: '4.2.0 Try again in an hour' } } });
    await retryFromElsewhere();
    await waitFor('the third attempt made', async () => (await attempts())?.attempts.length === 3);
    await eventually(() => entry.getByTestId('queue-why').innerText()).toContain(
      '4.2.0 Try again in an hour',
    );
  });

  it('the Queue view shows it under Sending while an attempt is under way', async () => {
    const entry = page.locator(`[data-testid="queue-entry"][data-address="${TO}"]`);
    await eventually(() => entry.getAttribute('data-state')).toBe('deferred');
    // the upstream now takes the connection and says nothing: the attempt stays under way
    const port = upstream.port;
    await upstream.close();
    const silent = await startSilentHost(port);
    try {
      await retryFromElsewhere();
      await waitFor('the attempt connected', () => silent.sockets.length > 0);
      await eventually(() => entry.getAttribute('data-state')).toBe('sending');
      expect(await page.getByRole('heading', { name: /^Sending/ }).count()).toBe(1);
      // no next try while one is under way, so nothing before the count
      expect(await entry.locator('.queue-next').innerText()).toBe('3 attempts');
      await page.screenshot({ path: `${screenshots}/queue-sending-light.png` });
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.screenshot({ path: `${screenshots}/queue-sending-dark.png` });
      await page.emulateMedia({ colorScheme: 'light' });
      silent.answer('421 4.3.2 Shutting down, try again later');
      await eventually(() => entry.getAttribute('data-state')).toBe('deferred');
    } finally {
      await silent.close();
    }
    expect(gui.pageErrors).toEqual([]);
  });
});
