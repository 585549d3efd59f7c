// An office relaying through a smart host that takes mail only from the mailbox that logged in
// (Microsoft 365's `554 5.2.252 SendAsDenied`): the scanner's message bounces, and the Delivery tab
// and `relaydesk queue` say that a Send as rule fixes it and which; with the rule, Resend delivers.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-process.js';
import { settled } from '../helpers/delivery.js';
import type { TestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('Send as refused by the smart host, in Chromium and the CLI', () => {
  let upstream: RunningUpstream;
  let gui: Gui;
  let relay: TestRelaydesk;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    upstream = await startUpstreamServer({
      tls: 'none',
      users: { 'office@example.com': 'app-password-1' },
      onlyLoginSender: true,
    });
    gui = await startGui(chromiumPath as string, {
      settings: {
        mode: 'relay',
        dsn: true,
        relay: {
          host: '127.0.0.1',
          port: upstream.port,
          security: 'none',
          auth: { user: 'office@example.com', password: 'app-password-1' },
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

  it('says what to change when the upstream refuses the sender, and Resend then delivers', async () => {
    const info = await relay.transport().sendMail({
      from: '"Scanner" <scan@printer.local>',
      to: 'anna@customer.example',
      subject: 'Scan 0007',
      text: 'Attached.',
    });
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    const bounced = await settled(relay, id, (d) => d.status === 'failed');
    expect(bounced.recipients[0]?.advice).toEqual({
      detail:
        'the upstream takes mail only from addresses its login may send as, and refused scan@printer.local',
      fix: 'add a Send as rule (Settings → Upstream → Send as, senderRewrite) that maps scan@printer.local to office@example.com, such as [{"match": "scan@printer.local", "to": "office@example.com"}], then Resend the message (Delivery tab)',
    });

    // mailq says it too, under the reply
    const mailq = await runCli(['queue', '--state', 'bounced', '--http', relay.url]);
    expect(mailq.code).toBe(0);
    expect(mailq.stdout).toContain('(554 5.2.252 SendAsDenied;');
    expect(mailq.stdout).toContain(
      'fix: add a Send as rule (Settings → Upstream → Send as, senderRewrite) that maps scan@printer.local to office@example.com',
    );
    // the bounce report to the scanner goes out with the null sender, which this upstream refuses too
    expect(mailq.stdout).toContain('fix: this upstream takes no bounce reports');

    await page.goto(relay.url);
    // the report Relaydesk wrote is listed in its own mailbox, named for what it holds
    await eventually(() => page.getByTestId('nav-mailbox-dsn').innerText()).toContain(
      'Failure reports',
    );
    await page.getByTestId('message-row').filter({ hasText: 'Scan 0007' }).click();
    await page.getByRole('tab', { name: 'Delivery', exact: true }).click();
    const recipient = page.locator(
      '[data-testid="recipient"][data-address="anna@customer.example"]',
    );
    await eventually(() => recipient.getByTestId('recipient-advice').innerText()).toContain(
      'The upstream takes mail only from addresses its login may send as, and refused scan@printer.local.',
    );
    expect(await recipient.getByTestId('recipient-advice').innerText()).toContain(
      'Add a Send as rule (Settings → Upstream → Send as, senderRewrite) that maps scan@printer.local to office@example.com',
    );
    await page.screenshot({ path: join(screenshots, 'delivery-send-as-denied-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'delivery-send-as-denied-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    // the fix as the advice words it, then Resend
    await relay.api('/api/v1/settings', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        senderRewrite: [{ match: 'scan@printer.local', to: 'office@example.com' }],
      }),
    });
    const before = upstream.messages.length;
    await page.getByRole('button', { name: 'Resend', exact: true }).click();
    await page.getByText('Resend: done.').waitFor();
    await eventually(() => upstream.messages.length).toBe(before + 1);
    expect(upstream.messages[before]).toMatchObject({
      mailFrom: 'office@example.com',
      rcptTo: ['anna@customer.example'],
    });
    expect(pageErrors).toEqual([]);
  });

  it('shows the failure report it wrote as made here: no client, a route that starts on this host', async () => {
    const info = await relay.transport().sendMail({
      from: 'fax@printer.local',
      to: 'anna@customer.example',
      subject: 'Fax 0012',
      text: 'Attached.',
    });
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    await settled(relay, id, (d) => d.status === 'failed');
    await page.goto(relay.url);
    await page.getByTestId('nav-mailbox-dsn').click();
    const report = page.getByTestId('message-row').filter({ hasText: 'fax@printer.local' });
    await report.click();
    // it read "vm [127.0.0.1], no TLS", as if a program on this machine had sent it
    await eventually(() => page.getByTestId('envelope-client').innerText()).toBe(
      'none: Relaydesk wrote this message itself',
    );
    // the route view found no Received field and said to paste the header from a mail program
    await page.getByRole('tab', { name: 'Route', exact: true }).click();
    const hop = page.getByTestId('hop');
    await eventually(() => hop.count()).toBe(1);
    expect(await hop.locator('.hop-title').innerText()).toMatch(/^Hop 1 local submission → \S+$/);
    const by = (await hop.getByTestId('hop-by').innerText()).trim();
    expect(await hop.getByTestId('hop-no-network').innerText()).toBe(
      `none: on ${by} itself, no network`,
    );
    expect(await page.getByText('no Received fields').count()).toBe(0);
    // no SPF verdict on this machine's name and 127.0.0.1: nothing sent it to be judged
    expect(await page.getByTestId('auth-check-written-here').innerText()).toBe(
      'Relaydesk wrote this message, so no sender is checked here: the servers it is relayed to judge its DKIM, SPF and DMARC.',
    );
    expect(await page.getByTestId('auth-check-badge').count()).toBe(0);
    await page.screenshot({ path: join(screenshots, 'route-own-report-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'route-own-report-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    expect(pageErrors).toEqual([]);
  });
});
