// The upstream's rate limit in the Queue view, in Chromium against the real headless server with
// mail sent over SMTP to a real upstream: mail the limit holds back read "next try due now" (or
// nothing) for up to the limit's window, with no word of why it did not go. The view now says the
// limit, where it is set and when the next message goes, and each such entry that it waits for
// the limit, as does the message's Delivery tab; lifting the limit in Settings → Upstream sends
// it at once and the notice goes.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('the Queue view under the rate limit', () => {
  let gui: Gui;
  let page: Page;
  let upstream: RunningUpstream;

  beforeAll(async () => {
    upstream = await startUpstreamServer({ tls: 'none' });
    gui = await startGui(chromiumPath as string, {
      settings: {
        mode: 'relay',
        relay: { host: '127.0.0.1', port: upstream.port, security: 'none' },
        rateLimit: { perMinute: 1 },
      },
    });
    page = gui.page;
  }, 60_000);

  afterAll(async () => {
    await gui?.close();
    await upstream?.close();
  });

  it('says which limit holds due mail back and when the next message goes; lifting it sends the mail', async () => {
    await gui.openLive('#queue');
    for (const n of [1, 2, 3]) {
      await gui.send({
        from: 'office@example.com',
        to: `client${n}@customer.example`,
        subject: `Newsletter part ${n}`,
        text: 'hello',
      });
    }
    // the first goes at once; the minute's one message is spent on it
    await eventually(() => upstream.messages.length).toBe(1);
    const notice = page.getByTestId('queue-rate-limited');
    await eventually(() => notice.innerText()).toMatch(
      /^The rate limit of 1 message a minute \(Settings → Upstream\) holds back what is due: the next message goes in (\d+ s|1 min)\.$/,
    );
    const entries = page.getByTestId('queue-entry');
    await eventually(() => entries.count()).toBe(2);
    // the list can show the third message a moment before the queue's next view of it (a full
    // suite run read its note as '' once)
    await eventually(() => entries.getByTestId('queue-next').allInnerTexts()).toEqual([
      'waits for the rate limit',
      'waits for the rate limit',
    ]);
    // a retry makes it due, which it is already: the words say so, and what holds it back
    const status = page.getByTestId('queue-view').getByRole('status');
    await entries.first().getByRole('button', { name: 'Retry now' }).click();
    await eventually(() => status.innerText()).toBe(
      'Retry now: due now; the rate limit holds it back (see below).',
    );
    await page.getByRole('button', { name: 'Retry all deferred' }).click();
    await eventually(() => status.innerText()).toBe('Retry all deferred: nothing was deferred.');
    await page.screenshot({ path: `${screenshots}/queue-rate-limited-light.png` });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: `${screenshots}/queue-rate-limited-dark.png` });
    await page.emulateMedia({ colorScheme: 'light' });

    // the message's own Delivery tab (the Queue view opens it there) says the same
    await page.getByRole('button', { name: 'Newsletter part 3' }).click();
    const next = page.getByTestId('delivery-view').getByTestId('recipient-next');
    await eventually(() => next.innerText()).toMatch(
      /^waits for the rate limit of 1 message a minute \(Settings → Upstream\): the next message goes in (\d+ s|1 min)$/,
    );
    await page.screenshot({ path: `${screenshots}/delivery-rate-limited-light.png` });

    // the notice's link opens the Settings, where the limit's boxes are
    await page.getByTestId('nav-queue').click();
    await notice.getByRole('link', { name: 'Settings → Upstream' }).click();
    // the boxes say, once, under the last, what happens to mail over a limit
    const daily = page.getByLabel('Messages to the upstream a day, at most');
    const describedBy = (await daily.getAttribute('aria-describedby')) ?? '';
    const description = await page.evaluate(
      (ids) => ids.map((id) => document.getElementById(id)?.textContent ?? '').join(' '),
      describedBy.split(' ').filter(Boolean),
    );
    expect(description).toContain(
      'a whole number; 0: no limit. Mail over a limit waits in the queue, which says when the next message goes',
    );
    expect(
      await page.getByText('Mail over a limit waits in the queue', { exact: false }).count(),
    ).toBe(1);
    await page.getByLabel('Messages to the upstream a minute, at most').fill('0');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved. The changes apply now.').waitFor();
    await eventually(() => upstream.messages.length).toBe(3);
    await page.getByTestId('nav-queue').click();
    await page.getByTestId('queue-empty').waitFor();
    expect(await notice.count()).toBe(0);
    expect(gui.pageErrors).toEqual([]);
  });
});
