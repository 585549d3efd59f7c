// The office's smart host was down; one message was tried and deferred, a second came in while
// the queue was paused and waits for the upstream without an attempt. The host is back and the
// admin presses Retry all deferred in the Queue view: the notice counts the waiting message too,
// which the lifted pause sends; it said "1 message due now" of two going. Before, the waiting
// entry gives no routing rule as why it waits.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDelivery, QueueView } from '../../preload/api-contract.js';
import { unusedPort } from '../helpers/ports.js';
import type { TestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';
import { eventually } from './browser.js';
import { startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)(
  'Retry all deferred while the upstream is paused, in Chromium',
  () => {
    let port: number;
    let upstream: RunningUpstream | undefined;
    let gui: Gui;
    let relay: TestRelaydesk;
    let page: Page;

    beforeAll(async () => {
      port = await unusedPort();
      gui = await startGui(chromiumPath as string, {
        settings: { mode: 'relay', relay: { host: '127.0.0.1', port, security: 'none' } },
      });
      ({ relaydesk: relay, page } = gui);
    }, 120_000);

    afterAll(async () => {
      await gui?.close();
      await upstream?.close();
    });

    it('says the message waiting for the upstream goes too', async () => {
      await gui.send({ from: 'office@example.com', to: 'a@customer.example', subject: 'first' });
      await eventually(
        async () => (await relay.api<QueueView>('/api/v1/queue')).upstream.paused?.unreachable,
      ).toBe(true);
      await gui.send({ from: 'office@example.com', to: 'b@customer.example', subject: 'second' });
      await eventually(async () => {
        const queue = await relay.api<QueueView>('/api/v1/queue');
        return queue.messages.flatMap((m) => m.recipients.map((r) => r.state)).sort();
      }).toEqual(['deferred', 'pending']);

      await gui.openLive('#queue');
      const waiting = page.locator('[data-testid="queue-entry"][data-state="pending"]');
      await eventually(() => waiting.getByTestId('queue-next').innerText()).toMatch(
        /^goes when the upstream answers again/,
      );
      // why it waits is the pause, said beside it; not the routing of relay mode, which was the
      // entry's first line ('rule 0 "relay everything" matched: it has no conditions…')
      expect(await waiting.getByTestId('queue-why').innerText()).toBe('');

      upstream = await startUpstreamServer({ tls: 'none', port });
      await page.getByRole('button', { name: 'Retry all deferred' }).click();
      await eventually(() => page.getByTestId('queue-notice').innerText()).toBe(
        'Retry all deferred: 1 message due now, and 1 message waiting for the upstream.',
      );
      await eventually(() => upstream?.messages.length).toBe(2);
      const list = await relay.api<{ messages: Array<{ ID: string }> }>('/api/v1/messages');
      for (const { ID } of list.messages) {
        expect((await relay.api<MessageDelivery>(`/api/v1/message/${ID}/delivery`)).status).toBe(
          'delivered',
        );
      }
      expect(gui.pageErrors).toEqual([]);
    });
  },
);
