// An office user runs the relay with its upstream on the command line (--relay-host, --relay-user,
// --relay-password-file) and the smart host's certificate is self-signed. The paused banner and
// Test connection told them to pin it "under Settings → Upstream", whose boxes are read-only for
// that run (a save is refused: "set by --relay-host"). The fix must name the flag instead.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueView } from '../../preload/api-contract.js';
import { startRelaydesk, type RunningRelaydesk } from '../../main/headless.js';
import { resolveWithSaved } from '../../main/core/settings/saved-settings.js';
import { makeDataDir } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';
import { eventually, launchChromium, type ChromiumSession } from './browser.js';
import { ensureRendererBuilt } from './renderer-build.js';
import { upstreamSection } from './upstream-form.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('the pin advice when the upstream comes from flags', () => {
  let smartHost: RunningUpstream;
  let running: RunningRelaydesk;
  let browser: ChromiumSession;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    smartHost = await startUpstreamServer({ tls: 'starttls', users: { alice: 's3cret' } });
    const dataDir = await makeDataDir();
    const passwordFile = join(dataDir, 'relay-password');
    await writeFile(passwordFile, 's3cret\n', { mode: 0o600 });
    const resolved = await resolveWithSaved({
      env: {},
      flags: {
        '--smtp': '127.0.0.1:0',
        '--http': '127.0.0.1:0',
        '--data': dataDir,
        '--mode': 'relay',
        '--relay-host': `127.0.0.1:${smartHost.port}`,
        '--relay-user': 'alice',
        '--relay-password-file': passwordFile,
      },
    });
    running = await startRelaydesk({ resolved: resolved.settings, saved: resolved });
    await ensureRendererBuilt();
    browser = await launchChromium(chromiumPath as string);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await running?.close();
    await smartHost?.close();
  });

  it('names --relay-pin-sha256 with the fingerprint in the banner and in Test connection', async () => {
    const base = `http://127.0.0.1:${running.http.port}`;
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: running.smtp.port,
      ignoreTLS: true,
    });
    await transport.sendMail({
      from: 'office@example.com',
      to: 'client@customer.example',
      text: 'x',
    });
    transport.close();
    await eventually(
      async () =>
        ((await (await fetch(`${base}/api/v1/queue`)).json()) as QueueView).upstream.paused?.reason,
    ).toMatch(/certificate is self-signed/);
    const fingerprint = smartHost.certificate?.fingerprint256 as string;
    const pinFix = `pin this certificate (start Relaydesk with --relay-pin-sha256 ${fingerprint})`;

    await page.goto(base);
    const banner = page.getByTestId('paused-banner');
    await eventually(() => banner.innerText()).toContain(pinFix);
    expect(await banner.innerText()).toContain(
      'Give its CA certificate (start Relaydesk with --relay-ca FILE)',
    );
    expect(await banner.innerText()).not.toContain('Settings → Upstream');

    await banner.getByRole('button', { name: 'Test connection' }).click();
    const failedStep = banner.locator('.test-steps li.failed');
    await expect(failedStep.innerText()).resolves.toContain(pinFix);
    expect(await failedStep.innerText()).not.toContain('Settings → Upstream');

    // Settings → Upstream: its boxes say what sets them, and its test names the flag too
    await page.goto(`${base}/#settings`);
    const section = upstreamSection(page);
    await section.getByRole('button', { name: 'Test connection' }).click();
    const settingsStep = section.locator('.test-steps li.failed');
    await expect(settingsStep.innerText()).resolves.toContain(pinFix);
    expect(await settingsStep.innerText()).not.toContain('Settings → Upstream');
    expect(pageErrors).toEqual([]);
  });

  it("a section link goes into its section when the flags have disabled the section's first field", async () => {
    await page.goto(`http://127.0.0.1:${running.http.port}/#settings`);
    const links = page.getByRole('navigation', { name: 'Settings sections' });
    // Upstream's "Relay through an upstream smart host" is set by --relay-host, Routing rules'
    // Mode by --mode: both disabled. The focus stayed on the link, so Tab scrolled back up.
    for (const [name, sectionId, firstField] of [
      ['Upstream', 'section-upstream', 'Upstream host'],
      ['Routing rules', 'section-routing', null],
    ] as const) {
      await links.getByRole('link', { name, exact: true }).focus();
      await page.keyboard.press('Enter');
      await eventually(() =>
        page.evaluate(() => document.activeElement?.closest('section')?.id ?? null),
      ).toBe(sectionId);
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(name);
      if (firstField) {
        // and Tab goes on to the section's first field that can take it
        await page.keyboard.press('Tab');
        expect(await page.evaluate(() => document.activeElement?.id)).toBe(
          await page.getByLabel(firstField, { exact: true }).getAttribute('id'),
        );
      }
    }
    // the preset fills in what the flags set for this run: it is off too, saying why (it
    // stayed usable, and a preset chosen could only be refused at the save)
    const preset = page.getByLabel('Provider preset', { exact: true });
    expect(await preset.isDisabled()).toBe(true);
    const described = async (label: string) =>
      page.getByLabel(label, { exact: true }).evaluate((box) =>
        (box.getAttribute('aria-describedby') ?? '')
          .split(' ')
          .map((id) => document.getElementById(id)?.textContent ?? '')
          .join(' '),
      );
    expect(await described('Provider preset')).toContain('Set by --relay-host');
    expect(pageErrors).toEqual([]);
  });

  it('says once in Settings → Upstream which flags set it, not under each of its boxes', async () => {
    // the same sentence ('Set by --relay-host, --relay-security, --relay-user,
    // --relay-password-file for this run; remove them…') stood under ten boxes, four lines each
    await page.goto(`http://127.0.0.1:${running.http.port}/#settings`);
    const section = upstreamSection(page);
    const notes = section.locator('.field-pinned').filter({ hasText: 'Set by --relay-host' });
    await notes.first().waitFor();
    expect(await notes.count()).toBe(1);
    // each box is still read-only, and still says why to a screen reader
    for (const label of ['Upstream host', 'Upstream port', 'Upstream user name']) {
      const box = page.getByLabel(label, { exact: true });
      expect(await box.getAttribute('readonly')).not.toBeNull();
      const note = await box.evaluate((input) =>
        (input.getAttribute('aria-describedby') ?? '')
          .split(' ')
          .map((id) => document.getElementById(id)?.textContent ?? '')
          .join(' '),
      );
      expect(note).toContain('Set by --relay-host');
    }
    expect(pageErrors).toEqual([]);
  });
});
