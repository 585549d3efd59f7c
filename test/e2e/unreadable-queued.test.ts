// A message to relay whose .eml is gone (removed behind the relay's back), in Chromium against the
// real headless server with mail sent over SMTP and a real upstream: the reading pane says why it
// cannot be opened and still gives the message's toolbar (its words say it stays listed until
// deleted: there was no Delete) and its Delivery, which the record holds without the file (the
// Queue view opens a message on that tab: it showed only the error). Retry now records an attempt
// that never left this machine ("none (not sent)", its reply "4.3.0 not sent: …" rather than
// "no reply …") and defers it again, the banner that blames the upstream stays away, and no Resend
// is offered (it would read the same missing file).
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessagesPage } from '../../preload/api-contract.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';
import { eventually, waitFor } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);
const TO = 'later@dest.example';

describe.skipIf(!chromiumPath)('a queued message whose file is gone, in the reading pane', () => {
  let gui: Gui;
  let page: Page;
  let upstream: RunningUpstream;

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
    // over 64 KiB: the queue reads it from its file, never from the bytes it keeps after arrival
    await gui.send({
      from: 'app@example.test',
      to: TO,
      subject: 'Monthly report',
      text: 'a line of the report\n'.repeat(4000),
    });
    const listed = await gui.relaydesk.api<MessagesPage>('/api/v1/messages');
    const id = listed.messages[0]?.ID as string;
    await waitFor('the message deferred by the greylisting upstream', async () => {
      const delivery = await gui.relaydesk.api<{ recipients: Array<{ state: string }> }>(
        `/api/v1/message/${id}/delivery`,
      );
      return delivery.recipients[0]?.state === 'deferred';
    });
    upstream.setFailures({});
    await rm(join(gui.relaydesk.dataDir, 'spool', `${id}.eml`));
    await gui.openLive();
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
    await upstream?.close();
  });

  it('says why, and still gives its Delivery and its toolbar', async () => {
    await page.getByTestId('message-row').filter({ hasText: 'Monthly report' }).click();
    await eventually(() => page.getByTestId('message-error').innerText()).toMatch(
      /^the message's file is missing \(ENOENT\): something outside Relaydesk removed it; it is still listed until you delete it/,
    );
    const delivery = page.getByTestId('delivery-view');
    await eventually(() => delivery.getByTestId('attempt').count()).toBe(1);
    await delivery.getByRole('button', { name: 'Retry now' }).click();
    await eventually(() => delivery.getByTestId('attempt').count()).toBe(2);
    // not "done.": the retry only made it due, and that attempt failed again
    expect(await delivery.getByRole('status').innerText()).toBe(
      'Retry now: due now; the attempt shows below once made.',
    );
    const last = delivery.getByTestId('attempt').last();
    expect(await last.locator('td[data-label="Upstream"]').innerText()).toBe('none (not sent)');
    // no reply was lacking: nothing was sent to anyone
    expect(await last.getByTestId('attempt-reply').innerText()).toMatch(
      /^4\.3\.0 not sent: the message's file is missing \(ENOENT\)/,
    );
    // a resend would read the same missing file
    expect(await delivery.getByRole('button', { name: 'Resend' }).count()).toBe(0);
    expect(await delivery.getByRole('button', { name: 'Retry now' }).count()).toBe(1);
    expect(await last.getByTestId('transcript').count()).toBe(0);
    // deferred for this message's sake, not the upstream's
    expect(await page.getByTestId('failing-banner').count()).toBe(0);
    expect(await page.getByTestId('download-eml').count()).toBe(0);
    expect(upstream.messages).toHaveLength(0);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(screenshots, `message-unreadable-queued-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });

    await page.getByTestId('delete-message').click();
    await eventually(() => page.getByTestId('message-row').count()).toBe(0);
    expect(await gui.total()).toBe(0);
    expect(gui.pageErrors).toEqual([]);
  });
});
