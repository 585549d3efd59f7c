// The Queue view lists a scan sent to three people as three entries, one per recipient, each
// with Retry now, Hold and Cancel. Those buttons act on the message, as postsuper -h holds a
// queue file whole: Hold on bob's entry held alice and carol too and said "Hold: done.". The
// tooltip and the answer now name the whole message.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueView } from '../../preload/api-contract.js';
import { unusedPort } from '../helpers/ports.js';
import type { TestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)(
  "the Queue view's buttons on a message to three, in Chromium",
  () => {
    let gui: Gui;
    let relay: TestRelaydesk;
    let page: Page;

    beforeAll(async () => {
      // the smart host is down: the message waits in the queue
      const port = await unusedPort();
      gui = await startGui(chromiumPath as string, {
        settings: { mode: 'relay', relay: { host: '127.0.0.1', port, security: 'none' } },
      });
      ({ relaydesk: relay, page } = gui);
    }, 120_000);

    afterAll(async () => {
      await gui?.close();
    });

    it('says Hold holds the whole message, in the tooltip and in its answer', async () => {
      await gui.send({
        from: 'scanner@office.example',
        to: ['alice@customer.example', 'bob@customer.example', 'carol@customer.example'],
        subject: 'Scan 3',
        text: 'page 3',
      });
      await eventually(
        async () => (await relay.api<QueueView>('/api/v1/queue')).upstream.paused?.unreachable,
      ).toBe(true);
      await gui.openLive('#queue');
      const bob = page.locator('[data-testid="queue-entry"][data-address="bob@customer.example"]');
      const hold = bob.getByRole('button', { name: 'Hold', exact: true });
      await hold.waitFor();
      expect(await hold.getAttribute('title')).toBe('Hold: all 3 recipients of "Scan 3"');
      await hold.click();
      await eventually(() => page.getByTestId('queue-notice').innerText()).toBe(
        'Hold: done, for all 3 recipients of "Scan 3".',
      );
      await eventually(() =>
        page.locator('[data-testid="queue-entry"][data-state="held"]').count(),
      ).toBe(3);
      expect(gui.pageErrors).toEqual([]);
    });
  },
);
