// Mail deferred by the office's smart host, and then no upstream: the admin went back to capture
// (or restarted `serve` without the --relay-host of the run that queued it). The queue does not
// run without an upstream, so the mail stays. The Queue view said "No upstream is set up, so
// every message is captured and nothing waits here" above the waiting mail, each entry said
// "next try due now" for ever (so did the message's Delivery tab), and Retry now answered "due
// now" while nothing was tried. Now both say the mail waits for an upstream, Retry now is refused
// with the fix (and off in the Delivery tab, saying why); once an upstream is set the mail goes
// by itself.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDelivery, QueueView } from '../../preload/api-contract.js';
import type { TestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';
import { eventually } from './browser.js';
import { startGui, shootLightAndDark, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)(
  'the Queue view with mail waiting and no upstream, in Chromium',
  () => {
    let upstream: RunningUpstream;
    let gui: Gui;
    let relay: TestRelaydesk;
    let page: Page;

    beforeAll(async () => {
      upstream = await startUpstreamServer({
        tls: 'none',
        failures: { rcpt: { 'client@far.example': { code: 451, text: '4.3.0 Busy, try later' } } },
      });
      gui = await startGui(chromiumPath as string, {
        settings: {
          mode: 'relay',
          relay: { host: '127.0.0.1', port: upstream.port, security: 'none' },
        },
      });
      ({ relaydesk: relay, page } = gui);
    }, 120_000);

    afterAll(async () => {
      await gui?.close();
      await upstream?.close();
    });

    const settings = (change: Record<string, unknown>) =>
      relay.api('/api/v1/settings', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(change),
      });

    it('says the mail waits for an upstream, refuses Retry now with the fix, and sends it once one is set', async () => {
      await gui.send({
        from: 'office@example.com',
        to: 'client@far.example',
        subject: 'Invoice 9',
      });
      await eventually(async () => {
        const queue = await relay.api<QueueView>('/api/v1/queue');
        return queue.messages[0]?.recipients[0]?.state;
      }).toBe('deferred');
      await settings({ mode: 'capture', relay: null });

      await gui.openLive('#queue');
      const entry = page.getByTestId('queue-entry');
      await eventually(() => entry.getByTestId('queue-next').innerText()).toBe(
        'waits for an upstream to be set up',
      );
      expect(await page.getByTestId('queue-no-upstream').innerText()).toBe(
        'No upstream is set up: the mail below is not sent, nor given up on, until one is set in Settings → Upstream; then it goes by itself. New mail is not relayed meanwhile.',
      );
      await shootLightAndDark(page, 'queue-no-upstream');

      await entry.getByRole('button', { name: 'Retry now' }).click();
      await eventually(() => page.getByTestId('queue-notice').innerText()).toMatch(
        /^Retry now failed: nothing can be tried: no upstream is set up \("relay" is not set\); set one in Settings → Upstream/,
      );

      // the message's Delivery tab said "Next attempt: next try due now" with Retry now offered
      await gui.openLive();
      await gui.openTab('Invoice 9', 'Delivery');
      const recipient = page.getByTestId('recipient');
      await eventually(() => recipient.getByTestId('recipient-next').innerText()).toBe(
        'waits for an upstream to be set up',
      );
      const retry = page.getByRole('group', { name: 'Delivery actions' }).getByRole('button', {
        name: 'Retry now',
      });
      expect(await retry.isDisabled()).toBe(true);
      expect(await retry.getAttribute('title')).toBe(
        'Nothing is tried while no upstream is set: set one in Settings → Upstream',
      );
      await shootLightAndDark(page, 'delivery-no-upstream');

      upstream.setFailures({});
      await settings({
        mode: 'relay',
        relay: { host: '127.0.0.1', port: upstream.port, security: 'none' },
      });
      await eventually(() => upstream.messages.length).toBe(1);
      const [queued] = (await relay.api<{ messages: Array<{ ID: string }> }>('/api/v1/messages'))
        .messages;
      expect(
        (await relay.api<MessageDelivery>(`/api/v1/message/${queued?.ID}/delivery`)).status,
      ).toBe('delivered');
      await gui.openLive('#queue');
      await eventually(() => page.getByTestId('queue-empty').isVisible()).toBe(true);
      expect(gui.pageErrors).toEqual([]);
    });
  },
);
