// The Logs view's Webhooks section in Chromium: a relay started with a webhook URL pointing at a
// real local HTTP receiver takes a message over SMTP, and the view shows the configured URL and
// the POST with the receiver's status, live, in light and dark.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelaydesk } from '../../main/headless.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually, launchChromium, seriousAxeViolations } from './browser.js';
import { ensureRendererBuilt, repoRoot } from './renderer-build.js';

const chromiumPath = requireTool(tools.chromium);
const screenshots = join(repoRoot, 'test/e2e/screenshots');

describe.skipIf(!chromiumPath)('Webhooks in the Logs view', () => {
  let relaydesk: Awaited<ReturnType<typeof startRelaydesk>>;
  let receiver: Server;
  let hookUrl: string;
  const posts: string[] = [];
  let dataDir: string;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await ensureRendererBuilt();
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
    dataDir = await mkdtemp(join(tmpdir(), 'relaydesk-e2e-webhooks-'));
    relaydesk = await startRelaydesk({
      smtp: '127.0.0.1:0',
      http: '127.0.0.1:0',
      dataDir,
      settings: { webhookUrls: [hookUrl] },
    });
    browser = await launchChromium(chromiumPath as string);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await relaydesk?.close();
    receiver?.closeAllConnections();
    await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('shows the webhook URL and, live, the POST a new message fired with its HTTP status', async () => {
    await page.goto(`${relaydesk.url}#logs`);
    const section = page.getByRole('region', { name: 'Webhooks' });
    await section.getByRole('heading', { name: 'Webhooks' }).waitFor();
    await eventually(() => section.getByRole('list', { name: 'Webhook URLs' }).innerText()).toBe(
      hookUrl,
    );
    expect(await section.getByRole('table', { name: 'Webhook deliveries' }).count()).toBe(0);

    const transport = nodemailer.createTransport({
      host: relaydesk.smtp.host,
      port: relaydesk.smtp.port,
      secure: false,
      ignoreTLS: true,
    });
    try {
      await transport.sendMail({
        from: 'app@sender.example',
        to: 'bob@rcpt.example',
        subject: 'hooked',
        text: 'hooked',
      });
    } finally {
      transport.close();
    }
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
    expect(pageErrors).toEqual([]);
  });
});
