// The smart host refuses the office's login (a password changed at the provider): the Queue view
// says the mail waits for the upstream to resume, not "next try in 1 min", since a rejected login
// is not tried again by itself (each try would be one more failed login on the account).
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueView } from '../../preload/api-contract.js';
import type { TestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('the Queue view while the upstream refuses the login', () => {
  let upstream: RunningUpstream;
  let gui: Gui;
  let relay: TestRelaydesk;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    upstream = await startUpstreamServer({
      tls: 'none',
      users: { 'office@example.com': 'new-password' },
    });
    gui = await startGui(chromiumPath as string, {
      settings: {
        mode: 'relay',
        relay: {
          host: '127.0.0.1',
          port: upstream.port,
          security: 'none',
          auth: { user: 'office@example.com', password: 'old-password' },
        },
      },
      viewport: { width: 1400, height: 900 },
    });
    ({ relaydesk: relay, page, pageErrors } = gui);
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
    await upstream?.close();
  });

  it('gives no retry time to mail that waits for the login to be put right', async () => {
    await gui.send({
      from: 'office@example.com',
      to: 'client@customer.example',
      subject: 'Quote 77',
      text: 'Attached.',
    });
    await eventually(
      async () => (await relay.api<QueueView>('/api/v1/queue')).upstream.paused?.reason,
    ).toMatch(/^authentication rejected/);

    await page.goto(`${relay.url}#queue`);
    const next = page.getByTestId('queue-next');
    await eventually(() => next.innerText()).toBe('waits for the upstream to resume');
    await page.screenshot({ path: join(screenshots, 'queue-login-refused-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'queue-login-refused-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    expect(upstream.refusedLogins).toBe(1);
    expect(pageErrors).toEqual([]);
  });
});
