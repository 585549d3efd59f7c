// The toolkit in the GUI, in Debian's Chromium against the headless server: tag chips on rows
// and in the message, the tag filter, and the chaos switch that is visibly on while it fails
// SMTP on purpose.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelaydesk } from '../../main/headless.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { ensureRendererBuilt, repoRoot } from './renderer-build.js';

const chromiumPath = requireTool(tools.chromium);
const screenshots = join(repoRoot, 'test/e2e/screenshots');

describe.skipIf(!chromiumPath)('tags and chaos in the GUI', () => {
  let relaydesk: Awaited<ReturnType<typeof startRelaydesk>>;
  let dataDir: string;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  async function send(message: SendMailOptions): Promise<void> {
    const transport = nodemailer.createTransport({
      host: relaydesk.smtp.host,
      port: relaydesk.smtp.port,
      secure: false,
      ignoreTLS: true,
    });
    try {
      await transport.sendMail(message);
    } finally {
      transport.close();
    }
  }

  const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 10_000 });
  const rows = () => page.getByTestId('message-row');
  const row = (subject: string) => rows().filter({ hasText: subject });

  beforeAll(async () => {
    await ensureRendererBuilt();
    dataDir = await mkdtemp(join(tmpdir(), 'relaydesk-e2e-toolkit-'));
    relaydesk = await startRelaydesk({
      smtp: '127.0.0.1:0',
      http: '127.0.0.1:0',
      dataDir,
      settings: { enableChaos: true },
    });
    browser = await launchChromium(chromiumPath as string);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(relaydesk.url);
    await page.locator('[data-testid="stream-state"][data-state="open"]').waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await relaydesk?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('shows tag chips and filters the list by tag', async () => {
    await send({
      from: 'app@sender.example',
      to: 'jane+signup@rcpt.example',
      subject: 'Welcome Jane',
      text: 'hi',
      headers: { 'X-Tags': 'Campaign 7' },
    });
    await send({ from: 'app@sender.example', to: 'bob@rcpt.example', subject: 'Plain', text: 'x' });
    await eventually(() => rows().count()).toBe(2);
    expect(await row('Welcome Jane').getByTestId('tag-chip').allInnerTexts()).toEqual([
      'Campaign 7',
      'signup',
    ]);
    expect(await row('Plain').getByTestId('tag-chip').count()).toBe(0);

    const filter = page.getByTestId('tag-filter');
    await eventually(() => filter.locator('option').allInnerTexts()).toEqual([
      'All tags',
      'Campaign 7',
      'signup',
    ]);
    await filter.selectOption('Campaign 7');
    await eventually(() => rows().count()).toBe(1);
    await row('Welcome Jane').click();
    await eventually(() =>
      page.locator('.message-header').getByTestId('tag-chip').allInnerTexts(),
    ).toEqual(['Campaign 7', 'signup']);
    await page.screenshot({ path: join(screenshots, 'tags.png') });
    await filter.selectOption('');
    await eventually(() => rows().count()).toBe(2);
  });

  it('turns chaos on from the GUI, shows it, and turns it off', async () => {
    await expect(page.getByTestId('chaos-badge').count()).resolves.toBe(0);
    await page.getByTestId('chaos-toggle').click();
    await page.getByTestId('chaos-Sender-code').fill('421');
    await page.getByTestId('chaos-Sender-probability').fill('100');
    await page.getByTestId('chaos-apply').click();
    const badge = page.getByTestId('chaos-badge');
    await eventually(() => badge.innerText()).toBe('Chaos on: MAIL FROM 421 at 100%');
    await page.screenshot({ path: join(screenshots, 'chaos-on.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'chaos-on-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    await expect(
      send({ from: 'app@sender.example', to: 'bob@rcpt.example', subject: 'No', text: 'x' }),
    ).rejects.toMatchObject({ responseCode: 421 });

    await page.getByTestId('chaos-toggle').click();
    await eventually(() => badge.count()).toBe(0);
    const info = (await (await fetch(`${relaydesk.url}api/v1/info`)).json()) as {
      Chaos: { Active: boolean };
    };
    expect(info.Chaos.Active).toBe(false);
    expect(pageErrors).toEqual([]);
  });
});
