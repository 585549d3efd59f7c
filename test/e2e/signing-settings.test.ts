// Settings → Signing in Chromium against the headless server: a key generated in the form shows
// the TXT record to publish; "Check DNS" asks a real DNS server on 127.0.0.1 and says "Not
// published" until the record is there, then "Published"; retiring a selector is one click.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelaydesk } from '../../main/headless.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { ensureRendererBuilt, repoRoot } from './renderer-build.js';

const chromiumPath = requireTool(tools.chromium);
const screenshots = join(repoRoot, 'test/e2e/screenshots');

describe.skipIf(!chromiumPath)('Settings → Signing in Chromium', () => {
  let relaydesk: Awaited<ReturnType<typeof startRelaydesk>>;
  let dns: TestDnsServer;
  let dataDir: string;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await ensureRendererBuilt();
    dns = await startDnsServer();
    dataDir = await mkdtemp(join(tmpdir(), 'relaydesk-e2e-signing-'));
    relaydesk = await startRelaydesk({
      smtp: '127.0.0.1:0',
      http: '127.0.0.1:0',
      dataDir,
      settings: { dnsServers: [dns.address] },
    });
    browser = await launchChromium(chromiumPath as string);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await relaydesk?.close();
    await dns?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('generates a key, shows its record, and checks DNS', async () => {
    await page.goto(`${relaydesk.url}#settings`);
    const form = page.getByRole('form', { name: 'Add a DKIM key' });
    await form.getByLabel('Domain').fill('shop.example');
    await form.getByLabel('Selector').fill('web1');
    await form.getByLabel('Key', { exact: true }).selectOption('ed25519');
    await form.getByRole('button', { name: 'Generate key' }).click();
    const record = page.getByLabel('TXT record web1._domainkey.shop.example');
    await record.waitFor();
    const value = await record.inputValue();
    expect(value).toMatch(/^v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}=$/);

    const keyItem = page.locator('.dkim-key', { hasText: 'web1 · shop.example' });
    await keyItem.getByRole('button', { name: 'Check DNS for shop.example/web1' }).click();
    await expect
      .poll(() => keyItem.getByRole('status').innerText())
      .toMatch(/^Not published: no TXT record at web1\._domainkey\.shop\.example/);

    dns.set('web1._domainkey.shop.example', { TXT: [value] });
    await keyItem.getByRole('button', { name: 'Check DNS for shop.example/web1' }).click();
    await expect
      .poll(() => keyItem.getByRole('status').innerText())
      .toBe('Published: the published record matches this key');
    await page.locator('#section-signing').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'settings-signing-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'settings-signing-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    await keyItem.getByRole('button', { name: 'Stop signing with shop.example/web1' }).click();
    await expect.poll(() => keyItem.innerText()).toContain('not signing');
    const keys = (await (
      await fetch(new URL('/api/v1/dkim/keys', relaydesk.url))
    ).json()) as Array<{
      active: boolean;
    }>;
    expect(keys.map((k) => k.active)).toEqual([false]);
    expect(pageErrors).toEqual([]);
  });

  it('says what is wrong with a bad selector', async () => {
    const form = page.getByRole('form', { name: 'Add a DKIM key' });
    await form.getByLabel('Domain').fill('shop.example');
    await form.getByLabel('Selector').fill('no spaces');
    await form.getByRole('button', { name: 'Generate key' }).click();
    await expect
      .poll(() => page.locator('#section-signing [role="alert"]').innerText())
      .toContain('selector: "no spaces" is not a valid selector');
  });

  it('the SMTP users list, on the same list actions, adds and removes a user', async () => {
    const form = page.getByRole('form', { name: 'Add an SMTP user' });
    await form.getByLabel('User name').fill('mailer');
    await form.getByLabel('Password').fill('a-long-password-1');
    await form.getByRole('button', { name: 'Add user' }).click();
    const list = page.getByRole('list', { name: 'SMTP users' });
    await expect.poll(() => list.innerText()).toContain('mailer');
    await list.getByRole('button', { name: 'Remove mailer' }).click();
    await expect
      .poll(() => page.locator('.users [role="status"]').innerText())
      .toBe('Removed mailer.');
    expect(pageErrors).toEqual([]);
  });
});
