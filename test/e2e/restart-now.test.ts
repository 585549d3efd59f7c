// Settings → Listener, a new SMTP or UI port saved, then "Restart now", in Chromium against the
// real `relaydesk serve`: the relay restarts in its process, the page comes back (at the UI's new
// address when that was changed), and mail goes to the new port.
import { createServer } from 'node:net';
import nodemailer from 'nodemailer';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanupCliProcesses, freePort } from '../helpers/cli-process.js';
import { serveOnSavedPorts, sendTo } from '../helpers/serve-saved-ports.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually, launchChromium, type ChromiumSession } from './browser.js';
import { shootLightAndDark } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('Restart now in Settings, in Chromium', () => {
  let browser: ChromiumSession;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium(chromiumPath as string);
  }, 60_000);
  afterEach(async () => {
    await page?.context().close();
    await cleanupCliProcesses();
  });
  afterAll(async () => browser?.close());

  async function open(url: string): Promise<void> {
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${url}#settings`);
    await page.locator('[data-testid="stream-state"][data-state="open"]').waitFor();
  }

  it('applies a new SMTP port: the page comes back and mail to the new port is listed', async () => {
    const { server, smtp } = await serveOnSavedPorts();
    await open(server.url);
    const next = await freePort();
    await page.getByLabel('SMTP port', { exact: true }).fill(String(next));
    await page.getByRole('button', { name: 'Save settings' }).click();
    const waiting = page.locator('.restart-now');
    await expect(waiting.innerText()).resolves.toContain('Saved, waiting for a restart: SMTP.');
    await page.getByText('Saved. SMTP takes effect after restart; the rest applies now.').waitFor();
    await waiting.scrollIntoViewIfNeeded();
    await shootLightAndDark(page, 'restart-now-waiting');

    await waiting.getByRole('button', { name: 'Restart now' }).click();
    // the page reloads once the relay is back: the banner is gone as nothing waits any more
    await eventually(() => server.stdout.split('Relaydesk is ready').length - 1, 20_000).toBe(2);
    await page.locator('[data-testid="stream-state"][data-state="open"]').waitFor();
    await eventually(() => page.locator('.restart-now').count(), 20_000).toBe(0);
    expect(await page.getByLabel('SMTP port', { exact: true }).inputValue()).toBe(String(next));

    await sendTo(next, 'through the new port');
    await page.goto(server.url);
    await page.getByTestId('message-row').filter({ hasText: 'through the new port' }).waitFor();
    await expect(
      new Promise((resolve) => {
        const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtp });
        transport.verify().then(
          () => resolve('answered'),
          (err: NodeJS.ErrnoException) => resolve(err.code),
        );
      }),
    ).resolves.toBe('ESOCKET');
    expect(pageErrors).toEqual([]);
  });

  it('says so when the relay came back with the port it had, the saved one being taken', async () => {
    const { server, smtp } = await serveOnSavedPorts();
    const holder = createServer();
    const taken = await freePort();
    await new Promise<void>((resolve) => holder.listen(taken, '127.0.0.1', resolve));
    try {
      await open(server.url);
      await page.getByLabel('SMTP port', { exact: true }).fill(String(taken));
      await page.getByRole('button', { name: 'Save settings' }).click();
      // said at the save, beside the box, before anyone restarts
      await page.getByText('One warning below.', { exact: false }).waitFor();
      const port = page.getByLabel('SMTP port', { exact: true });
      const described = await port.evaluate((input) =>
        (input.getAttribute('aria-describedby') ?? '')
          .split(' ')
          .map((id) => document.getElementById(id)?.textContent ?? '')
          .join(' '),
      );
      expect(described).toContain(
        `127.0.0.1:${taken} is in use by another program now; stop that program or choose another port before restarting`,
      );
      await page.locator('.restart-now').scrollIntoViewIfNeeded();
      await shootLightAndDark(page, 'restart-now-port-warned');
      await page.locator('.restart-now').getByRole('button', { name: 'Restart now' }).click();
      const alert = page.locator('.restart-now').getByRole('alert');
      // a restart in the full suite on 2 cores (stop, then a new serve) took more than 20 s once
      await eventually(() => alert.count(), 45_000).toBe(1);
      expect(await alert.innerText()).toBe(
        'Relaydesk restarted, but could not start with the saved settings for SMTP, and runs with the ones it had. Logs → Service says why; change them and restart again.',
      );
      await shootLightAndDark(page, 'restart-now-port-taken');
      await sendTo(smtp, 'still on the old port');
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  }, 90_000);

  it('follows a new UI port to its address', async () => {
    const { server } = await serveOnSavedPorts();
    await open(server.url);
    const next = await freePort();
    await page.getByLabel('Web UI and API port', { exact: true }).fill(String(next));
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('.restart-now').getByRole('button', { name: 'Restart now' }).click();
    await eventually(() => new URL(page.url()).port, 30_000).toBe(String(next));
    expect(new URL(page.url()).hash).toBe('#settings');
    await page.locator('[data-testid="stream-state"][data-state="open"]').waitFor();
    await page.getByRole('heading', { name: 'Settings', exact: true }).waitFor();
    expect(await page.locator('.restart-now').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
