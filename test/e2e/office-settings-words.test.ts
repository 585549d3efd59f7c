// What an office admin's audit of Settings → Upstream and the Queue view found: the window's
// errors named flags and settings-file keys the window has no box for (`--relay-ca FILE, or
// "caFile" in the settings`, `set relay.allowInsecure to true`), a smart host on the LAN without
// TLS could not be chosen there at all, and after a refused save "Save settings" looked disabled
// under the pointer. The API keeps the command line's words; the window names its own boxes.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionTestView, QueueView } from '../../preload/api-contract.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';
import { upstreamSection } from './upstream-form.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)(
  'Settings → Upstream and the Queue view in the screen’s words',
  () => {
    let smartHost: RunningUpstream;
    let gui: Gui;
    let page: Page;
    let pageErrors: string[];

    beforeAll(async () => {
      // a smart host with a self-signed certificate nobody told Relaydesk to trust
      smartHost = await startUpstreamServer({ tls: 'starttls' });
      gui = await startGui(chromiumPath as string, {
        settings: {
          mode: 'relay',
          relay: { host: '127.0.0.1', port: smartHost.port, security: 'starttls' },
        },
        viewport: { width: 1280, height: 800 },
      });
      ({ page, pageErrors } = gui);
    }, 120_000);

    afterAll(async () => {
      await gui?.close();
      await smartHost?.close();
    });

    it('names the CA and pin boxes in a refused certificate’s fix: the Queue view’s banner and Test connection', async () => {
      await gui.send({
        from: 'office@example.com',
        to: 'client@customer.example',
        subject: 'Quote 120',
        text: 'Attached.',
      });
      await eventually(
        async () => (await gui.relaydesk.api<QueueView>('/api/v1/queue')).upstream.paused?.reason,
      ).toMatch(/certificate is self-signed/);
      const { paused } = (await gui.relaydesk.api<QueueView>('/api/v1/queue')).upstream;
      // the API (and so `relaydesk queue`) keeps the command line's and the settings file's words
      expect(paused?.fix).toContain('--relay-ca FILE, or "caFile" in the settings');

      const fingerprint = smartHost.certificate?.fingerprint256 as string;
      await gui.openLive('#queue');
      const banner = page.getByTestId('paused-banner');
      const bannerText = await banner.innerText();
      expect(bannerText).toContain(
        `Give its CA certificate (“CA certificate file (PEM)” under Settings → Upstream), or pin this certificate (“Trust exactly this certificate (SHA-256)” under Settings → Upstream: ${fingerprint})`,
      );
      expect(bannerText).not.toMatch(/--relay|"caFile"|"pinSha256"/);

      await banner.getByRole('button', { name: 'Test connection' }).click();
      const failedStep = banner.locator('.test-steps li.failed');
      await expect(failedStep.innerText()).resolves.toContain(
        'Fix: give its CA certificate (“CA certificate file (PEM)” under Settings → Upstream)',
      );
      expect(await failedStep.innerText()).not.toMatch(/--relay|"caFile"|"pinSha256"/);
      await page.screenshot({ path: join(screenshots, 'queue-certificate-words-light.png') });
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.screenshot({ path: join(screenshots, 'queue-certificate-words-dark.png') });
      await page.emulateMedia({ colorScheme: 'light' });

      // the same test in Settings → Upstream
      await gui.openLive('#settings');
      await upstreamSection(page).getByRole('button', { name: 'Test connection' }).click();
      const settingsStep = upstreamSection(page).locator('.test-steps li.failed');
      await expect(settingsStep.innerText()).resolves.toContain(
        '“Trust exactly this certificate (SHA-256)” under Settings → Upstream',
      );
      expect(await settingsStep.innerText()).not.toMatch(/--relay|"caFile"|"pinSha256"/);
      // while the connection test over the API still says it as the command line does
      const tested = await gui.relaydesk.api<ConnectionTestView>('/api/v1/relay/test', {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      });
      expect(tested.steps.find((step) => !step.ok)?.fix).toContain('--relay-pin-sha256');

      // nothing is left to send to the LAN host the next case saves
      for (const message of (await gui.relaydesk.api<QueueView>('/api/v1/queue')).messages) {
        await gui.relaydesk.fetch(`/api/v1/messages`, {
          method: 'DELETE',
          body: JSON.stringify({ IDs: [message.ID] }),
          headers: { 'content-type': 'application/json' },
        });
      }
      // and the banner goes, so the next case's screens show the Settings view
      await gui.relaydesk.fetch('/api/v1/relay/resume', {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      });
      expect(pageErrors).toEqual([]);
    });

    it('offers sending in clear to a LAN smart host beside Security, says what it costs, and saves once ticked', async () => {
      // a new page: the last case's connection tests and banner stay in the one it used
      await page.goto('about:blank');
      await gui.openLive('#settings');
      const section = upstreamSection(page);
      await section.getByLabel('Upstream host').fill('192.0.2.10');
      await section.getByLabel('Upstream port').fill('25');
      await section.getByLabel('Security').selectOption('none');
      await expect(
        section.getByLabel('Security').locator('option:checked').innerText(),
      ).resolves.toBe('None (no encryption)');
      const inClear = section.getByLabel('Send without encryption to this host');
      const hint = await inClear.evaluate(
        (input) => document.getElementById(`${input.id}-hint`)?.textContent ?? '',
      );
      expect(hint).toContain('The upstream password and every message cross the network in clear');

      const save = page.getByRole('button', { name: 'Save settings' });
      await save.click();
      const security = section.getByLabel('Security');
      const error = page.locator(`#${await security.getAttribute('id')}-error`);
      const why =
        '"none" is not allowed towards 192.0.2.10 (not loopback): the password and the mail would cross the network in clear; use "starttls" or "tls", or tick “Send without encryption to this host” under Settings → Upstream';
      // beside the box, the box is the error's subject; in the list, the box's label is (not the
      // settings file's relay.security)
      await expect(error.innerText()).resolves.toBe(why);
      await expect(page.locator('.error-list li').allInnerTexts()).resolves.toEqual([
        `Security: ${why}`,
      ]);

      // the pointer is still on Save: it must look as ready as it is (it was the rows' hover grey
      // under white text, which read as disabled in both themes)
      await expect(save.isDisabled()).resolves.toBe(false);
      const look = () =>
        save.evaluate((button) => {
          const style = getComputedStyle(button);
          return { background: style.backgroundColor, color: style.color };
        });
      // the pointer put on it where it is drawn (a locator's hover scrolls the sticky footer's
      // place in the page into view, which takes the error out of the screenshot)
      const pointAtSave = async () => {
        const box = await save.boundingBox();
        if (box) await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      };
      const hoveredAndResting = async () => {
        await pointAtSave();
        const hovered = await look();
        await page.mouse.move(5, 400);
        return { hovered, resting: await look() };
      };
      const light = await hoveredAndResting();
      expect(light.hovered).toEqual(light.resting);
      await pointAtSave();
      await error.evaluate((node) => node.scrollIntoView({ block: 'center' }));
      await page.screenshot({ path: join(screenshots, 'upstream-in-clear-refused-light.png') });
      await page.emulateMedia({ colorScheme: 'dark' });
      const dark = await hoveredAndResting();
      expect(dark.hovered).toEqual(dark.resting);
      await error.evaluate((node) => node.scrollIntoView({ block: 'center' }));
      await pointAtSave();
      await page.screenshot({ path: join(screenshots, 'upstream-in-clear-refused-dark.png') });
      await page.emulateMedia({ colorScheme: 'light' });

      await inClear.check();
      await save.click();
      await page.getByText('Saved. The changes apply now.').waitFor();
      const saved = await gui.relaydesk.api<{
        values: { relay: { host: string; security: string; allowInsecure: boolean } | null };
      }>('/api/v1/settings');
      expect(saved.values.relay).toMatchObject({
        host: '192.0.2.10',
        security: 'none',
        allowInsecure: true,
      });
      expect(pageErrors).toEqual([]);
    });
  },
);
