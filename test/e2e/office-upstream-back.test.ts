// The office's smart host was down long enough for the retry schedule to reach its hourly step;
// it is back, and the admin checks it in Settings → Upstream with Test connection. The pass lifts
// the pause at once and the waiting mail goes, instead of waiting for the next hourly retry.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueView } from '../../preload/api-contract.js';
import { unusedPort } from '../helpers/ports.js';
import type { TestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';
import { eventually } from './browser.js';
import { startGui, type Gui } from './gui.js';
import { upstreamSection } from './upstream-form.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('Test connection in Settings → Upstream, in Chromium', () => {
  let port: number;
  let upstream: RunningUpstream | undefined;
  let gui: Gui;
  let relay: TestRelaydesk;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    // nothing listens there until the upstream comes back; outside the ephemeral range, where a
    // closed upstream's port could be taken by another test's connection or listener meanwhile
    // (it once was, in a full suite run: the relay never saw "connection refused")
    port = await unusedPort();
    gui = await startGui(chromiumPath as string, {
      settings: {
        mode: 'relay',
        // the schedule has reached its hourly step
        retryMinutes: [60],
        relay: { host: '127.0.0.1', port, security: 'none' },
      },
      viewport: { width: 1400, height: 900 },
    });
    ({ relaydesk: relay, page, pageErrors } = gui);
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
    await upstream?.close();
  });

  it('lifts the pause when the test of the saved upstream passes, and the waiting mail goes', async () => {
    await gui.send({
      from: 'office@example.com',
      to: 'client@customer.example',
      subject: 'Invoice 2026-118',
      text: 'Attached.',
    });
    await eventually(
      async () => (await relay.api<QueueView>('/api/v1/queue')).upstream.paused?.reason,
    ).toMatch(/^connection refused: nothing listens on /);

    upstream = await startUpstreamServer({ tls: 'none', port });
    await page.goto(`${relay.url}#settings`);
    const section = upstreamSection(page);
    await section.getByRole('button', { name: 'Test connection' }).click();
    await section.getByText('The upstream accepts a connection with these settings.').waitFor();

    await eventually(() => upstream?.messages.length).toBe(1);
    expect(upstream.messages[0]?.rcptTo).toEqual(['client@customer.example']);
    expect((await relay.api<QueueView>('/api/v1/queue')).upstream.paused).toBeNull();
    expect(pageErrors).toEqual([]);
  });
});
