// The settings added for content filtering and sender control, edited in Chromium: a wrong quota
// limit and a log rotation count out of range are refused beside their fields, naming what is
// allowed, and nothing is saved; then the virus action and a quota saved from the Settings
// screen decide the next messages over real SMTP, scanned by a real clamd (quarantined instead
// of rejected; the second message over the quota gets 451 4.7.1).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessagesPage, SettingsView } from '../../preload/api-contract.js';
import { startRelaydesk } from '../../main/headless.js';
import { clamdTool, eicar, startClamd, type TestClamd } from '../helpers/clamd.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually, type ChromiumSession, launchChromium } from './browser.js';
import { ensureRendererBuilt, repoRoot } from './renderer-build.js';

const chromiumPath = requireTool(tools.chromium);
const clamdPath = requireTool(clamdTool);
const screenshots = join(repoRoot, 'test/e2e/screenshots');

describe.skipIf(!chromiumPath || !clamdPath)('Filtering & senders in the Settings screen', () => {
  let relaydesk: Awaited<ReturnType<typeof startRelaydesk>>;
  let clamd: TestClamd;
  let dataDir: string;
  let browser: ChromiumSession;
  let page: Page;
  const pageErrors: string[] = [];

  const api = async <T>(path: string): Promise<T> =>
    (await (await fetch(new URL(path, relaydesk.url))).json()) as T;
  const save = () => page.getByRole('button', { name: 'Save settings' }).click();
  const status = () => page.locator('.settings-summary').innerText();

  async function send(subject: string, text: string): Promise<void> {
    const transport = nodemailer.createTransport({
      host: relaydesk.smtp.host,
      port: relaydesk.smtp.port,
      secure: false,
      ignoreTLS: true,
    });
    try {
      await transport.sendMail({
        from: 'app@sender.example',
        to: 'qa@team.example',
        subject,
        text,
      });
    } finally {
      transport.close();
    }
  }

  beforeAll(async () => {
    await ensureRendererBuilt();
    clamd = await startClamd(clamdPath as string, Buffer.from('not used here'));
    dataDir = await mkdtemp(join(tmpdir(), 'relaydesk-e2e-filtering-'));
    relaydesk = await startRelaydesk({
      smtp: '127.0.0.1:0',
      http: '127.0.0.1:0',
      dataDir,
      settings: { clamd: clamd.address },
    });
    browser = await launchChromium(chromiumPath as string);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await relaydesk?.close();
    await clamd?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses a wrong quota and log count beside their fields, then saves the virus action and a quota that real SMTP obeys', async () => {
    await page.goto(`${relaydesk.url}#settings`);
    await page.getByRole('button', { name: 'Save settings' }).waitFor();
    // the new sections have labelled inputs, with what is allowed beside them
    expect(await page.getByLabel('clamd address (HOST:PORT or Unix socket)').inputValue()).toBe(
      clamd.address,
    );
    await page.getByLabel('A message with a virus').selectOption('quarantine');
    await page.getByRole('button', { name: 'Add a quota' }).click();
    await page.getByLabel('Quota 1 counts').selectOption('ip');
    await page.getByLabel('Quota 1 addresses (CIDR)').fill('127.0.0.1/32');
    await page.getByLabel('Quota 1: Messages an hour').fill('-1');
    await page.getByLabel('Rotated files of each log to keep').fill('500');
    await save();

    const quotaError = page.locator('#setting-quotas-0-perHour-error');
    await quotaError.waitFor();
    // beside its box without the settings file's path; in the list under the box's label
    const why = '-1 is not valid; use a whole number from 0 (no limit) to 10000000';
    expect(await quotaError.innerText()).toBe(why);
    expect(await page.locator('.error-list li').allInnerTexts()).toContain(
      `Quota 1: Messages an hour: ${why}`,
    );
    expect(await page.getByLabel('Quota 1: Messages an hour').getAttribute('aria-invalid')).toBe(
      'true',
    );
    expect(await page.locator('#setting-logKeep-error').innerText()).toMatch(
      /^500 is not valid; use a whole number of rotated log files from 0 to 100$/,
    );
    expect(await status()).toContain('Nothing was saved');
    let saved = await api<SettingsView>('/api/v1/settings');
    expect(saved.values).toMatchObject({ virusAction: 'reject', quotas: [], logKeep: 5 });
    await page.locator('#section-filtering').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'settings-filtering-error-light.png') });

    await page.getByLabel('Quota 1: Messages an hour').fill('0');
    await page.getByLabel('Quota 1: Messages a minute').fill('1');
    await page.getByLabel('Rotated files of each log to keep').fill('7');
    await save();
    await eventually(() => status()).toContain('Saved.');
    expect(await status()).toContain(
      'Rotated files of each log to keep takes effect after restart',
    );
    saved = await api<SettingsView>('/api/v1/settings');
    expect(saved.values).toMatchObject({
      virusAction: 'quarantine',
      quotas: [{ ip: '127.0.0.1/32', perMinute: 1 }],
      logKeep: 7,
    });

    // the virus is now kept in quarantine instead of refused, and it used up the quota
    await send('carries EICAR', eicar);
    const quarantine = await api<MessagesPage>('/api/v1/quarantine');
    expect(quarantine.messages.map((m) => m.Subject)).toEqual(['carries EICAR']);
    const refused = await send('one too many', 'hello').then(
      () => null,
      (err: { response?: string }) => err.response ?? String(err),
    );
    expect(refused).toMatch(
      /^451 4\.7\.1 Quota exceeded for ip 127\.0\.0\.1: at most 1 message a minute/,
    );

    await page.locator('#section-filtering').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'settings-filtering-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'settings-filtering-dark.png') });
    await page.locator('#section-logs').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'settings-logs-toolkit-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.screenshot({ path: join(screenshots, 'settings-logs-toolkit-light.png') });
    expect(pageErrors).toEqual([]);
  });
});
