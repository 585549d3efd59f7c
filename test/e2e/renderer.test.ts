// The renderer end to end: real headless server, real SMTP client, Debian's Chromium.
// Proves the path SMTP → spool → WebSocket event → list → message view, and that the HTML
// preview cannot fetch remote content.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelaydesk } from '../../main/headless.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { ensureRendererBuilt, repoRoot } from './renderer-build.js';

const chromiumPath = requireTool(tools.chromium);
const screenshots = join(repoRoot, 'test/e2e/screenshots');

/** Stands in for a sender's tracking server: any hit means remote content was loaded. */
async function startTracker(): Promise<{ server: Server; origin: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((request, response) => {
    hits.push(request.url ?? '');
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, origin: `http://127.0.0.1:${port}`, hits };
}

describe.skipIf(!chromiumPath)('renderer in Chromium against the headless server', () => {
  let relaydesk: Awaited<ReturnType<typeof startRelaydesk>>;
  let tracker: Awaited<ReturnType<typeof startTracker>>;
  let dataDir: string;
  let browser: Browser;
  let page: Page;
  /**
   * URLs the page asked for that were not stopped by a Content-Security-Policy. Chromium reports
   * CSS images (background-image) as requests first and then fails them with reason `csp`
   * before anything reaches the network, so a plain `request` listener would see those too.
   */
  const requested = new Map<string, 'sent' | 'blocked by csp'>();
  const fetchedOrAttempted = (prefix: string) =>
    [...requested].filter(([url, fate]) => url.startsWith(prefix) && fate === 'sent');
  const pageErrors: string[] = [];

  async function send(message: SendMailOptions): Promise<void> {
    const transport = nodemailer.createTransport({
      host: relaydesk.smtp.host,
      port: relaydesk.smtp.port,
      secure: false,
      ignoreTLS: true, // loopback; the listener's self-signed certificate is not under test here
    });
    try {
      await transport.sendMail(message);
    } finally {
      transport.close();
    }
  }

  // vitest's expect does not wait like @playwright/test's; poll until the UI catches up.
  const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 10_000 });
  const text = (testId: string) => page.getByTestId(testId).innerText();

  const rows = () => page.getByTestId('message-row');
  const row = (subject: string) => rows().filter({ hasText: subject });

  beforeAll(async () => {
    await ensureRendererBuilt();
    tracker = await startTracker();
    dataDir = await mkdtemp(join(tmpdir(), 'relaydesk-e2e-'));
    relaydesk = await startRelaydesk({ smtp: '127.0.0.1:0', http: '127.0.0.1:0', dataDir });
    browser = await chromium.launch({
      executablePath: chromiumPath ?? undefined,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    page.setDefaultTimeout(10_000);
    page.on('request', (request) => requested.set(request.url(), 'sent'));
    page.on('requestfailed', (request) => {
      if (request.failure()?.errorText === 'csp') requested.set(request.url(), 'blocked by csp');
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(relaydesk.url);
    // Live from here on: anything that arrives now must show up through the event stream.
    await page.locator('[data-testid="stream-state"][data-state="open"]').waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await relaydesk?.close();
    await new Promise((resolve) => tracker?.server.close(resolve));
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('shows a message sent during the test without a reload', async () => {
    await page.getByTestId('list-empty').waitFor();
    // A page reload would drop this attribute.
    await page.evaluate(() => {
      document.documentElement.dataset.e2eNoReload = 'still here';
    });

    await send({
      from: 'Ada Lovelace <ada@example.test>',
      to: 'Bob Builder <bob@example.test>',
      subject: 'Quarterly relay report',
      text: 'Plain text body: the relay delivered 42 messages.',
      html:
        '<!doctype html><html><head><style>h1 { color: rgb(170, 0, 0); }</style>' +
        `<link rel="stylesheet" href="${tracker.origin}/remote.css"></head><body>` +
        '<h1 id="greeting">Hello from the HTML part</h1><p>Numbers inside.</p>' +
        '<img src="http://192.0.2.1/x.png" alt="tracking pixel">' +
        `<img src="${tracker.origin}/pixel.png" alt="second pixel">` +
        `<div style="background-image: url('${tracker.origin}/bg.png')">bg</div>` +
        '</body></html>',
      attachments: [{ filename: 'report.csv', content: 'month,messages\njan,42\n' }],
    });

    const report = row('Quarterly relay report');
    await eventually(() => report.count()).toBe(1);
    expect(await report.getAttribute('data-unread')).toBe('true');
    expect(await report.innerText()).toContain('Ada Lovelace');
    expect(await report.innerText()).toContain('Bob Builder');
    expect(await report.getByTestId('attachment-marker').isVisible()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.dataset.e2eNoReload)).toBe(
      'still here',
    );
  });

  it('opens the message, marks it read, and shows the HTML in a sandbox without remote content', async () => {
    await row('Quarterly relay report').click();

    await eventually(() => text('message-subject')).toBe('Quarterly relay report');
    expect(await text('message-from')).toBe('Ada Lovelace <ada@example.test>');
    expect(await text('message-to')).toBe('Bob Builder <bob@example.test>');
    await eventually(() => row('Quarterly relay report').getAttribute('data-unread')).toBe('false');

    const frameElement = page.getByTestId('html-preview');
    expect(await frameElement.getAttribute('sandbox')).toBe('');
    const greeting = page.frameLocator('[data-testid="html-preview"]').locator('#greeting');
    expect(await greeting.innerText()).toBe('Hello from the HTML part');
    // Inline CSS still applies: the block is on remote content, not on the mail's own styles.
    expect(await greeting.evaluate((element) => getComputedStyle(element).color)).toBe(
      'rgb(170, 0, 0)',
    );

    const frame = await (await frameElement.elementHandle())?.contentFrame();
    await frame?.waitForLoadState('load');
    await page.waitForTimeout(500); // let any late image or stylesheet request show itself
    expect(fetchedOrAttempted('http://192.0.2.1')).toEqual([]);
    expect(fetchedOrAttempted(tracker.origin)).toEqual([]);
    expect(tracker.hits).toEqual([]);

    await page.screenshot({ path: join(screenshots, 'html-tab.png') });
  });

  it('shows the text part, the headers and the raw source in their tabs', async () => {
    await page.getByTestId('tab-text').click();
    expect(await text('text-body')).toContain('Plain text body: the relay delivered 42 messages.');

    await page.getByTestId('tab-headers').click();
    const subjectRow = page.getByTestId('headers-table').locator('tr', { hasText: /^Subject/ });
    expect(await subjectRow.innerText()).toContain('Quarterly relay report');

    await page.getByTestId('tab-raw').click();
    const raw = await text('raw-source');
    expect(raw).toContain('Subject: Quarterly relay report');
    expect(raw).toContain('Content-Type: multipart/mixed');
    expect(raw).toContain('report.csv');
    await page.screenshot({ path: join(screenshots, 'raw-tab.png') });
  });

  it('lists newest first, opens with the keyboard, and searches with Mailpit syntax', async () => {
    await send({
      from: 'Billing <billing@example.test>',
      to: 'ada@example.test',
      subject: 'Invoice 42',
      text: 'Please pay.',
    });
    await eventually(() => rows().count()).toBe(2);
    expect(await rows().first().innerText()).toContain('Invoice 42');

    await page.getByTestId('message-list').focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    await eventually(() => text('message-subject')).toBe('Invoice 42');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await eventually(() => text('message-subject')).toBe('Quarterly relay report');

    await page.getByTestId('search-input').fill('subject:invoice');
    await page.getByTestId('search-input').press('Enter');
    await eventually(() => rows().count()).toBe(1);
    expect(await rows().first().innerText()).toContain('Invoice 42');

    await page.getByTestId('search-input').fill('');
    await page.getByTestId('search-input').press('Enter');
    await eventually(() => rows().count()).toBe(2);
  });

  it('drops a message from the list when it is deleted elsewhere', async () => {
    const id = await row('Invoice 42').getAttribute('data-message-id');
    expect(id).toBeTruthy();
    const response = await fetch(new URL('api/v1/messages', relaydesk.url), {
      method: 'DELETE',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ IDs: [id] }),
    });
    expect(response.ok).toBe(true);
    await eventually(() => row('Invoice 42').count()).toBe(0);
    expect(await rows().count()).toBe(1);
  });

  it('follows the dark colour scheme', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByTestId('tab-html').click();
    await page.frameLocator('[data-testid="html-preview"]').locator('#greeting').waitFor();
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(
      'rgb(23, 25, 28)',
    );
    await page.screenshot({ path: join(screenshots, 'dark.png') });
    expect(pageErrors).toEqual([]);
  });
});
