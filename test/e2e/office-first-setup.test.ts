// An office sets Relaydesk up from nothing as the README allows: started in capture mode, the
// smart host filled in under Settings → Upstream. "Relay through an upstream smart host" reads
// as if mail now goes out, but the mode stays "Capture everything"; the section says so and
// offers to relay all mail, and after the save the next message reaches the smart host.
import { join } from 'node:path';
import type { SettingsView } from '../../preload/api-contract.js';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';
import { fillLocalUpstream, upstreamSection } from './upstream-form.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('setting up relaying from capture mode, in Chromium', () => {
  let upstream: RunningUpstream;
  let gui: Gui;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    upstream = await startUpstreamServer({ tls: 'none' });
    gui = await startGui(chromiumPath as string, { viewport: { width: 1280, height: 800 } });
    ({ page, pageErrors } = gui);
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
    await upstream?.close();
  });

  it('says an upstream alone relays nothing in capture mode, and its button makes the save relay', async () => {
    await gui.openLive('#settings');
    const section = await fillLocalUpstream(page, upstream.port, 'none');

    const note = section.getByRole('note');
    await expect(note.innerText()).resolves.toContain(
      'Mail is not relayed yet: the mode (under Routing rules) is “Capture everything”',
    );
    // the button that sends a captured message through the upstream is Resend; the Delivery
    // tab's Release is the queue's (held mail), off for captured mail
    await expect(note.innerText()).resolves.toContain(
      "used only when you resend one (Resend, in the message's Delivery tab",
    );
    await expect(note.innerText()).resolves.not.toContain('release');
    await note.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'upstream-capture-mode-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'upstream-capture-mode-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    await note.getByRole('button', { name: 'Relay all mail through this upstream' }).click();
    expect(await page.getByLabel('Mode', { exact: true }).inputValue()).toBe('relay');
    await expect(note.count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved. The changes apply now.').waitFor();

    await gui.send({
      from: 'office@example.com',
      to: 'client@customer.example',
      subject: 'Quote 118',
      text: 'Attached.',
    });
    await eventually(() => upstream.messages.length).toBe(1);
    expect(upstream.messages[0]?.rcptTo).toEqual(['client@customer.example']);
    expect(pageErrors).toEqual([]);
  });

  it('labels each rate-limit box by its window, with a hint that fits a number', async () => {
    await gui.openLive('#settings');
    const perMinute = page.getByLabel('Messages to the upstream a minute, at most');
    const hint = await perMinute.evaluate(
      (input) => document.getElementById(`${input.id}-hint`)?.textContent ?? '',
    );
    expect(hint).toBe('a whole number; 0: no limit');
    expect(hint).not.toContain('an object such as');
    await perMinute.fill('30');
    await page.getByLabel('Messages to the upstream a day, at most').fill('2000');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved. The changes apply now.').waitFor();
    const saved = await gui.relaydesk.api<{ values: { rateLimit: Record<string, number> } }>(
      '/api/v1/settings',
    );
    expect(saved.values.rateLimit).toEqual({
      perSecond: 0,
      perMinute: 30,
      perHour: 0,
      perDay: 2000,
    });
    expect(pageErrors).toEqual([]);
  });

  it('keeps the page up while a list box holds what is not a list yet, and the save names it', async () => {
    await gui.openLive('#settings');
    const retry = page.getByLabel('Wait after each failed attempt (minutes, comma-separated)');
    await retry.fill('1, 5, ten');
    // the page is drawn again with the text as typed; it crashed on it before (a blank window)
    await expect(retry.inputValue()).resolves.toBe('1, 5, ten');
    await page.getByRole('button', { name: 'Save settings' }).click();
    // in the list of what to fix, named by the box's label (beside the box, without it)
    await page
      .getByText(
        'Wait after each failed attempt (minutes, comma-separated): "1, 5, ten" is not valid; use a comma-separated list of minutes, e.g. 1,5,10,20,40',
      )
      .waitFor();
    await retry.fill('1, 5, 10');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved. The changes apply now.').waitFor();
    const saved = await gui.relaydesk.api<{ values: { retryMinutes: number[] } }>(
      '/api/v1/settings',
    );
    expect(saved.values.retryMinutes).toEqual([1, 5, 10]);
    expect(pageErrors).toEqual([]);
  });

  it('names the missing password at the password box when only a user name is typed', async () => {
    await gui.openLive('#settings');
    const section = await fillLocalUpstream(page, upstream.port, 'none');
    await section.getByLabel('Upstream user name').fill('office@example.com');
    await page.getByRole('button', { name: 'Save settings' }).click();
    // said under the box to fill in, with the user it is for and the way out (no login)
    const password = section.getByLabel('Upstream password');
    const error = page.locator(`#${await password.getAttribute('id')}-error`);
    await expect(error.innerText()).resolves.toBe(
      'relay.auth.password is missing: the user "office@example.com" has no password; type it in “Upstream password”, give an OAuth2 token as auth.accessToken in the settings file (XOAUTH2), or leave “Upstream user name” empty to send without logging in',
    );
    await expect(password.getAttribute('aria-describedby')).resolves.toContain(
      `${await password.getAttribute('id')}-error`,
    );
    await error.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'upstream-password-missing-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'upstream-password-missing-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    const saved = await gui.relaydesk.api<{ values: { relay: { auth: unknown } | null } }>(
      '/api/v1/settings',
    );
    expect(saved.values.relay?.auth ?? null).toBeNull();
    expect(pageErrors).toEqual([]);
  });

  it('trusts a self-signed smart host from the failed certificate step, and the login and the mail go', async () => {
    const smartHost = await startUpstreamServer({
      tls: 'starttls',
      users: { 'office@example.com': 's3cret' },
    });
    try {
      await gui.openLive('#settings');
      const section = await fillLocalUpstream(page, smartHost.port, 'starttls');
      await section.getByLabel('Upstream user name').fill('office@example.com');
      await section.getByLabel('Upstream password').fill('s3cret');
      await section.getByRole('button', { name: 'Test connection' }).click();
      await section.getByText('The upstream cannot be used with these settings yet.').waitFor();
      const fingerprint = smartHost.certificate?.fingerprint256 as string;
      await expect(section.locator('.trust-certificate').innerText()).resolves.toContain(
        fingerprint,
      );
      await section.locator('.trust-certificate').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(screenshots, 'upstream-trust-certificate-light.png') });
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.screenshot({ path: join(screenshots, 'upstream-trust-certificate-dark.png') });
      await page.emulateMedia({ colorScheme: 'light' });

      await section.getByRole('button', { name: 'Trust this certificate' }).click();
      expect(
        await section.getByLabel('Trust exactly this certificate (SHA-256)').inputValue(),
      ).toBe(fingerprint);
      await section.getByRole('button', { name: 'Test connection' }).click();
      await section.getByText('The upstream accepts a connection with these settings.').waitFor();
      await page.getByLabel('Mode', { exact: true }).selectOption('relay');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByText('Saved. The changes apply now.').waitFor();

      await gui.send({
        from: 'office@example.com',
        to: 'client@customer.example',
        subject: 'Quote 119',
        text: 'Attached.',
      });
      await eventually(() => smartHost.messages.length).toBe(1);
      expect(smartHost.refusedLogins).toBe(0);
      // its delivery names the TLS as the Route view names a hop's ("TLS 1.3", not "TLSv1.3")
      const listed = await gui.relaydesk.api<{ messages: Array<{ ID: string }> }>(
        '/api/v1/messages',
      );
      await gui.openLive(`?message=${listed.messages[0]?.ID}`);
      await page.getByRole('tab', { name: 'Delivery', exact: true }).click();
      await eventually(() => page.getByTestId('attempt-tls').first().innerText()).toMatch(
        /^TLS 1\.[23], TLS_/,
      );
      expect(pageErrors).toEqual([]);
    } finally {
      await smartHost.close();
    }
  });

  it('warns when the host changes under a pinned certificate, and a provider preset drops the pin', async () => {
    // before: the form sent the old pin back with the new host; it was saved, and every delivery
    // to the new host failed its certificate check
    const pinned =
      'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89';
    await gui.relaydesk.api('/api/v1/settings', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        relay: { host: 'mail.isp.example', port: 587, security: 'starttls', pinSha256: pinned },
      }),
    });
    await gui.openLive('#settings');
    const section = upstreamSection(page);
    const pin = section.getByLabel('Trust exactly this certificate (SHA-256)');
    const warning = page.locator('#setting-relay-pinSha256-error');
    expect(await warning.count()).toBe(0);
    // the same host spelt otherwise is the same server
    await section.getByLabel('Upstream host').fill('MAIL.ISP.EXAMPLE.');
    expect(await warning.count()).toBe(0);
    await section.getByLabel('Upstream host').fill('smtp.office365.com');
    expect(await warning.innerText()).toBe(
      "This pin is mail.isp.example's certificate, not smtp.office365.com's: every delivery " +
        'would fail. Empty it to trust the new host by its CA, or press Test connection to see ' +
        'and trust its own.',
    );
    expect(await pin.getAttribute('aria-invalid')).toBe('true');
    await pin.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'upstream-pin-other-host-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'upstream-pin-other-host-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    // a pin typed for the new host is that host's
    await pin.fill(pinned.replace('AB', '12'));
    expect(await warning.count()).toBe(0);
    // another provider's servers cannot have the last one's certificate
    await section.getByLabel('Upstream host').fill('mail.isp.example');
    await pin.fill(pinned);
    await section.getByLabel('Provider preset').selectOption({ index: 1 });
    expect(await pin.inputValue()).toBe('');
    expect(await warning.count()).toBe(0);
    // and saves so: the form left the pin out, which the server reads as "keep the saved one",
    // and refused the new host until the pin was named
    const presetHost = await section.getByLabel('Upstream host').inputValue();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved. The changes apply now.').waitFor();
    const saved = await gui.relaydesk.api<SettingsView>('/api/v1/settings');
    expect(saved.values.relay?.host).toBe(presetHost);
    expect(saved.values.relay?.pinSha256).toBeUndefined();
    expect(pageErrors).toEqual([]);
  });

  it('shows the provider preset box’s first choice whole, with what it does as its hint', async () => {
    await gui.openLive('#settings');
    const section = upstreamSection(page);
    await section.getByLabel('Relay through an upstream smart host').check();
    const preset = section.getByLabel('Provider preset');
    const fit = await preset.evaluate((select: HTMLSelectElement) => {
      const style = getComputedStyle(select);
      const context = document.createElement('canvas').getContext('2d') as CanvasRenderingContext2D;
      context.font = style.font;
      const text = select.options[select.selectedIndex]?.text ?? '';
      // the room left of the box's arrow (about 24 px)
      const room =
        select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 24;
      return { text, width: context.measureText(text).width, room };
    });
    expect(fit.width, `"${fit.text}" in ${fit.room} px`).toBeLessThanOrEqual(fit.room);
    const hint = await preset.evaluate(
      (select) => document.getElementById(`${select.id}-hint`)?.textContent ?? '',
    );
    expect(hint).toBe('fills in host, port and security');
    expect(pageErrors).toEqual([]);
  });
});
