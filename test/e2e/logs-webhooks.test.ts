// The Logs view's Webhooks section in Chromium: a relay started with a webhook URL pointing at a
// real local HTTP receiver takes a message over SMTP, and the view shows the configured URL and
// the POST with the receiver's status, live, in light and dark.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually, seriousAxeViolations } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('Webhooks in the Logs view', () => {
  let gui: Gui;
  let relaydesk: TestRelaydesk;
  let receiver: Server;
  let hookUrl: string;
  const posts: string[] = [];
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    // answers 202, a status no default would produce, so the view must show the real one
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        posts.push(body);
        response.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    gui = await startGui(chromiumPath as string, {
      settings: { webhookUrls: [hookUrl] },
      viewport: { width: 1280, height: 900 },
    });
    ({ relaydesk, page, pageErrors } = gui);
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
    receiver?.closeAllConnections();
    await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  });

  it('shows the webhook URL and, live, the POST a new message fired with its HTTP status', async () => {
    await page.goto(`${relaydesk.url}#logs`);
    const section = page.getByRole('region', { name: 'Webhooks' });
    await section.getByRole('heading', { name: 'Webhooks' }).waitFor();
    await eventually(() => section.getByRole('list', { name: 'Webhook URLs' }).innerText()).toBe(
      hookUrl,
    );
    expect(await section.getByRole('table', { name: 'Webhook deliveries' }).count()).toBe(0);

    await gui.send({
      from: 'app@sender.example',
      to: 'bob@rcpt.example',
      subject: 'hooked',
      text: 'hooked',
    });
    await eventually(async () => posts.length).toBe(1);
    expect(posts[0]).toContain('hooked');

    // no reload: the row arrives through the event stream and settles on the receiver's answer
    const table = section.getByRole('table', { name: 'Webhook deliveries' });
    const row = table.getByRole('row').nth(1);
    await eventually(() => row.locator('td').allInnerTexts()).toEqual([
      expect.any(String),
      hookUrl,
      'new',
      'delivered',
      'HTTP 202',
      '1',
    ]);
    expect(await table.getByRole('columnheader').allInnerTexts()).toEqual([
      'Time',
      'URL',
      'Event',
      'State',
      'HTTP status or error',
      'Attempts',
    ]);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await section.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'logs-webhooks-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'logs-webhooks-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    expect(pageErrors).toEqual([]);
  });

  it('reads the webhook log again for what fires a webhook, not for mail marked read', async () => {
    const section = page.getByRole('region', { name: 'Webhooks' });
    await section.getByRole('table', { name: 'Webhook deliveries' }).waitFor();
    const reads: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/api/v1/webhooks') reads.push(request.url());
    });
    const { messages } = await relaydesk.api<{ messages: Array<{ ID: string }> }>(
      '/api/v1/messages',
    );
    const id = messages[0]?.ID as string;
    // each a Mailpit `update` event with Read: no webhook goes for any of them
    for (const read of [true, false, true, false, true]) {
      await relaydesk.fetch('/api/v1/messages', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ IDs: [id], Read: read }),
      });
    }
    // the last one's counts are on screen, so its event has come
    await page.getByText('1 message, 0 unread').waitFor();
    expect(reads).toEqual([]);

    await gui.send({
      from: 'app@sender.example',
      to: 'bob@rcpt.example',
      subject: 'hooked again',
      text: 'hooked',
    });
    await eventually(() => section.getByRole('table').getByRole('row').count()).toBe(3);
    expect(reads.length).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
  });
});

describe.skipIf(!chromiumPath)('Webhooks in the Logs view, none configured', () => {
  let gui: Gui;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string, { viewport: { width: 1280, height: 900 } });
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  it('says where to add one: the Settings field, which it links to, not only the start flag', async () => {
    const { page } = gui;
    await gui.openLive('#logs');
    const hint = page.getByText('No webhook URLs are configured.');
    await hint.waitFor();
    await page.getByRole('link', { name: 'Settings → Capture toolkit → Webhook URLs' }).click();
    await page.getByLabel('Webhook URLs (one per line)').waitFor();
    expect(gui.pageErrors).toEqual([]);
  });
});
