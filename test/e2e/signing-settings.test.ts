// Settings → Signing in Chromium against the headless server: a key generated in the form shows
// the TXT record to publish; "Check DNS" asks a real DNS server on 127.0.0.1 and says "Not
// published" until the record is there, then "Published"; retiring a selector is one click.
import { generateKeyPairSync } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import type { TestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('Settings → Signing in Chromium', () => {
  let gui: Gui;
  let relaydesk: TestRelaydesk;
  let dns: TestDnsServer;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    dns = await startDnsServer();
    gui = await startGui(chromiumPath as string, {
      settings: { dnsServers: [dns.address] },
      viewport: { width: 1280, height: 900 },
    });
    ({ relaydesk, page, pageErrors } = gui);
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
    await dns?.close();
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
    // a new key signs nothing before its record is published (the receiver would fail it)
    await expect
      .poll(() => keyItem.locator('.dkim-key-head').innerText())
      .toContain('waiting for DNS');
    expect(await keyItem.locator('.dkim-waiting').innerText()).toBe(
      'Waiting for DNS: publish this TXT record at web1._domainkey.shop.example. It signs nothing until Check DNS finds the record, or you say it is published.',
    );
    await keyItem.getByRole('button', { name: 'Check DNS for shop.example/web1' }).click();
    await expect
      .poll(() => keyItem.getByRole('status').innerText())
      .toMatch(/^Not published: no TXT record at web1\._domainkey\.shop\.example/);

    // the right key without its k=: the words must not say the key is a different one
    dns.set('web1._domainkey.shop.example', { TXT: [value.replace('k=ed25519; ', '')] });
    await keyItem.getByRole('button', { name: 'Check DNS for shop.example/web1' }).click();
    await expect
      .poll(() => keyItem.getByRole('status').innerText())
      .toBe(
        'Published record does not match: the published record has this key but no k= (which means rsa); it needs k=ed25519: publish the record shown',
      );

    dns.set('web1._domainkey.shop.example', { TXT: [value] });
    await keyItem.getByRole('button', { name: 'Check DNS for shop.example/web1' }).click();
    await expect
      .poll(() => keyItem.getByRole('status').innerText())
      .toBe('Published: the published record matches this key; it signs from now on');
    await expect.poll(() => keyItem.locator('.dkim-waiting').count()).toBe(0);
    expect(await keyItem.locator('.dkim-key-head').innerText()).toContain('signing');
    // the form's word from when it was generated ("it signs once Check DNS finds it") is gone
    expect(await page.locator('#section-signing').innerText()).not.toContain(
      'it signs once Check DNS finds it',
    );
    // an Ed25519 key alone passes DKIM at many receivers only with an RSA signature beside it
    expect(await keyItem.getByTestId('dkim-ed25519-only').innerText()).toBe(
      'shop.example has no RSA key: many receivers (Gmail and Microsoft 365 among them) do not verify Ed25519 signatures, so its mail passes DKIM there only with an RSA signature beside this one; add an RSA key under another selector, and both sign.',
    );
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
    // beside the Selector box, in the relay's own words
    await expect
      .poll(() => page.locator('#dkim-add-selector-error').innerText())
      .toContain('"no spaces" is not a valid selector');
  });

  it("a key's own header list is given in the form and shown, with the zone file line", async () => {
    const form = page.getByRole('form', { name: 'Add a DKIM key' });
    await form.getByLabel('Domain').fill('list.example');
    await form.getByLabel('Selector').fill('news1');
    await form.getByLabel('Key', { exact: true }).selectOption('rsa');
    // without From: refused, naming the field and the fix
    await form.getByLabel('Header fields to sign (optional)').fill('Subject, To');
    await form.getByRole('button', { name: 'Generate key' }).click();
    await expect
      .poll(() => page.locator('#dkim-add-headers-error').innerText())
      .toContain('must include From');
    await form
      .getByLabel('Header fields to sign (optional)')
      .fill('From, Subject List-Unsubscribe');
    await form.getByRole('button', { name: 'Generate key' }).click();
    const keyItem = page.locator('.dkim-key', { hasText: 'news1 · list.example' });
    await expect
      .poll(() => keyItem.locator('.dkim-headers').innerText())
      .toMatch(/^Signs From, Subject, List-Unsubscribe when present/);
    // published where this machine's DNS cannot see it yet: the user's word starts it
    await keyItem
      .getByRole('button', { name: 'It is published: sign now with list.example/news1' })
      .click();
    await expect.poll(() => keyItem.locator('.dkim-waiting').count()).toBe(0);
    expect(await keyItem.locator('.dkim-key-head').innerText()).toMatch(/· signing ·/);
    expect(await keyItem.locator('.dkim-key-head').innerText()).toContain('RSA-2048 ·');
    // an RSA-2048 value is over 255 octets: the zone line splits it in quoted strings
    await keyItem.getByText('Zone file line').click();
    const zone = await keyItem
      .getByLabel('Zone file line of news1._domainkey.list.example')
      .inputValue();
    const value = await keyItem.getByLabel('TXT record news1._domainkey.list.example').inputValue();
    const strings = [...zone.matchAll(/"([^"]*)"/g)].map((m) => m[1] as string);
    expect(zone).toMatch(/^news1\._domainkey\.list\.example\. 3600 IN TXT \( "/);
    expect(strings.length).toBeGreaterThan(1);
    expect(strings.every((part) => part.length <= 255)).toBe(true);
    expect(strings.join('')).toBe(value);
    expect(pageErrors).toEqual([]);
  });

  it('an imported key reads with its own size, not RSA-2048 for every RSA key', async () => {
    // OpenDKIM's opendkim-genkey: PKCS#1, 1024 bits by default in older releases
    const openDkim = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ format: 'pem', type: 'pkcs1' })
      .toString();
    const form = page.getByRole('form', { name: 'Add a DKIM key' });
    await form.getByLabel('Domain').fill('old.example');
    await form.getByLabel('Selector').fill('default');
    await form.getByLabel('Or import a PEM private key').fill(openDkim);
    await form.getByRole('button', { name: 'Import key' }).click();
    const keyItem = page.locator('.dkim-key', { hasText: 'default · old.example' });
    await expect
      .poll(() => keyItem.locator('.dkim-key-head').innerText())
      .toContain('RSA-1024 · waiting for DNS · imported');
    expect(pageErrors).toEqual([]);
  });

  it('a signing key whose private key file is gone reads "cannot sign" with what to do', async () => {
    const added = await fetch(new URL('/api/v1/dkim/keys', relaydesk.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ domain: 'gone.example', selector: 'lost1', algorithm: 'ed25519' }),
    });
    expect(added.status).toBe(201);
    await fetch(new URL('/api/v1/dkim/keys/gone.example/lost1', relaydesk.url), {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ active: true }),
    });
    // the data folder copied without dkim/private, or the file deleted by hand
    await rm(join(relaydesk.dataDir, 'dkim', 'private', 'gone.example_lost1.pem'));
    // a fresh load of the screen (the page is on #settings already: goto alone would not load)
    await page.goto(`${relaydesk.url}#settings`);
    await page.reload();
    const keyItem = page.locator('.dkim-key', { hasText: 'lost1 · gone.example' });
    await expect.poll(() => keyItem.locator('.dkim-key-head').innerText()).toContain('cannot sign');
    expect(await keyItem.locator('.dkim-key-head').innerText()).not.toMatch(/· signing ·/);
    expect(await keyItem.locator('.dkim-cannot-sign').innerText()).toBe(
      'Cannot sign: the private key of selector lost1 of gone.example is missing from the key store, so it does not sign; import the key again under a new selector, or remove this one.',
    );
    await keyItem.scrollIntoViewIfNeeded();
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await keyItem.screenshot({
        path: join(screenshots, `settings-signing-cannot-sign-${scheme}.png`),
      });
    }
    await page.emulateMedia({ colorScheme: 'light' });
    expect(pageErrors).toEqual([]);
  });

  it('Remove asks first: which key, that it cannot be recovered, and when the domain goes unsigned', async () => {
    const api = (path: string, init?: RequestInit) => fetch(new URL(path, relaydesk.url), init);
    const addSigning = async (domain: string, selector: string) => {
      const added = await api('/api/v1/dkim/keys', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ domain, selector, algorithm: 'ed25519' }),
      });
      expect(added.status).toBe(201);
      await api(`/api/v1/dkim/keys/${domain}/${selector}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ active: true }),
      });
    };
    await addSigning('solo.example', 'only1');
    await addSigning('pair.example', 'old1');
    await addSigning('pair.example', 'new1');
    const selectors = async () =>
      (
        (await (await api('/api/v1/dkim/keys')).json()) as Array<{
          domain: string;
          selector: string;
        }>
      ).map((k) => `${k.domain}/${k.selector}`);
    await page.goto(`${relaydesk.url}#settings`);
    await page.reload();
    const dialog = page.getByTestId('dkim-remove-dialog');

    // the domain's only signing key: the confirm says its mail goes out unsigned
    const soloRemove = page.getByRole('button', { name: 'Remove solo.example/only1' });
    await soloRemove.click();
    await dialog.waitFor();
    expect(await dialog.getByRole('heading').innerText()).toBe(
      'Remove the DKIM key only1 of solo.example?',
    );
    expect(await dialog.innerText()).toContain(
      'This is the only key that signs mail from solo.example. From then on its mail goes out unsigned, and receivers may fail DMARC for it',
    );
    expect(await dialog.innerText()).toContain(
      'This deletes selector only1 of solo.example and its private key file. The key cannot be recovered: its TXT record at only1._domainkey.solo.example then matches no key anyone has.',
    );
    for (const [width, name] of [
      [1280, 'settings-signing-remove'],
      [420, 'settings-signing-remove-narrow'],
    ] as const) {
      await page.setViewportSize({ width, height: 900 });
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({ path: join(screenshots, `${name}-${scheme}.png`) });
      }
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    // the backdrop dims the page in dark as in light (40% black on a dark page barely showed)
    const backdropAlpha = async () =>
      Number(
        /rgba?\(0, 0, 0(?:, ([\d.]+))?\)/.exec(
          await dialog.evaluate((d) => getComputedStyle(d, '::backdrop').backgroundColor),
        )?.[1] ?? 1,
      );
    // polled: the scheme reaches the page's styles a moment after emulateMedia returns (a
    // fresh-clone run read the dark value right after switching to light)
    await expect.poll(backdropAlpha).toBeGreaterThanOrEqual(0.6);
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(backdropAlpha).toBeCloseTo(0.4);
    // Escape keeps the key, and the focus goes back to the button
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await soloRemove.evaluate((button) => button === document.activeElement)).toBe(true);
    expect(await selectors()).toContain('solo.example/only1');

    // another key of the domain still signs: no warning; Remove key removes it and its file
    await page.getByRole('button', { name: 'Remove pair.example/old1' }).click();
    await dialog.waitFor();
    expect(await dialog.getByTestId('dkim-remove-unsigned').count()).toBe(0);
    expect(await dialog.innerText()).toContain(
      'Mail from pair.example is still signed, with selector new1.',
    );
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await selectors()).toContain('pair.example/old1');
    // the Remove buttons in the list's order: the focus goes to the one after old1's
    const removeButtons = await page.locator('.dkim-keys button.danger').allTextContents();
    const nextRemove = removeButtons[removeButtons.indexOf('Remove pair.example/old1') + 1];
    await page.getByRole('button', { name: 'Remove pair.example/old1' }).click();
    await dialog.getByRole('button', { name: 'Remove key' }).click();
    await expect
      .poll(() => page.locator('#section-signing [role="status"]').last().innerText())
      .toBe(
        'Removed old1 of pair.example and its private key file. Mail from pair.example is still signed, with selector new1.',
      );
    expect(await selectors()).not.toContain('pair.example/old1');
    await expect(
      stat(join(relaydesk.dataDir, 'dkim', 'private', 'pair.example_old1.pem')),
    ).rejects.toThrow(/ENOENT/);
    // the focus does not fall to the page's body with the removed row: the next key's Remove,
    // the previous one's after the last key, and Generate key once no key is left
    const focused = () =>
      page.evaluate(() => {
        const active = document.activeElement;
        return active === document.body ? 'body' : (active?.textContent ?? '');
      });
    await expect.poll(focused).toBe(nextRemove);
    // the last key of the list (they are sorted by domain): the previous key's Remove
    for (const key of await selectors()) {
      if (key !== 'pair.example/new1' && key !== 'solo.example/only1') {
        await api(`/api/v1/dkim/keys/${key}`, { method: 'DELETE' });
      }
    }
    await page.reload();
    await page.getByRole('button', { name: 'Remove solo.example/only1' }).click();
    await dialog.getByRole('button', { name: 'Remove key' }).click();
    await expect.poll(focused).toBe('Remove pair.example/new1');
    // none left: Generate key, to make one
    await page.keyboard.press('Enter');
    await dialog.getByRole('button', { name: 'Remove key' }).click();
    await expect.poll(selectors).toEqual([]);
    await expect.poll(focused).toBe('Generate key');
    expect(pageErrors).toEqual([]);
  });

  // the notice after Remove said "Removed …" in green whatever the relay answered; the DELETE
  // answers what signs the domain's mail now, and warns when nothing does. That warning is the
  // relay's, about the keys as they are now (another window or the CLI may have changed them
  // since this page read its list), so it is shown as the relay says it
  it("after Remove, the notice carries the relay's warning when the domain's mail goes unsigned", async () => {
    const api = (path: string, init?: RequestInit) => fetch(new URL(path, relaydesk.url), init);
    const json = { 'content-type': 'application/json' };
    for (const selector of ['a1', 'b1']) {
      const added = await api('/api/v1/dkim/keys', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ domain: 'lone.example', selector, algorithm: 'ed25519' }),
      });
      expect(added.status).toBe(201);
      await api(`/api/v1/dkim/keys/lone.example/${selector}`, {
        method: 'PUT',
        headers: json,
        body: JSON.stringify({ active: true }),
      });
    }
    await page.goto(`${relaydesk.url}#settings`);
    await page.reload();
    await page.getByRole('button', { name: 'Remove lone.example/a1' }).waitFor();
    // b1 goes elsewhere (the CLI, another window) after this page read the list
    expect((await api('/api/v1/dkim/keys/lone.example/b1', { method: 'DELETE' })).status).toBe(200);
    await page.getByRole('button', { name: 'Remove lone.example/a1' }).click();
    const dialog = page.getByTestId('dkim-remove-dialog');
    await dialog.getByRole('button', { name: 'Remove key' }).click();
    const warning = page.locator('#section-signing .dkim-removal-warning');
    await warning.waitFor();
    expect(await warning.getAttribute('role')).toBe('alert');
    expect(await warning.innerText()).toBe(
      "Warning: Mail from lone.example now goes out unsigned (DMARC may fail at receivers): it was the domain's only signing key; make a new one (POST /api/v1/dkim/keys, Settings → Signing, or relaydesk dkim keygen lone.example SELECTOR) and publish its record",
    );
    expect(await page.locator('#section-signing [role="status"]').last().innerText()).toBe(
      'Removed a1 of lone.example and its private key file.',
    );
    await warning.scrollIntoViewIfNeeded();
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await expect
        .poll(() => page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches))
        .toBe(scheme === 'dark');
      await page.screenshot({
        path: join(screenshots, `settings-signing-removed-unsigned-${scheme}.png`),
      });
    }
    await page.emulateMedia({ colorScheme: 'light' });
    expect(pageErrors).toEqual([]);
  });

  it('an imported certificate is refused under the key field, saying what it is', async () => {
    const form = page.getByRole('form', { name: 'Add a DKIM key' });
    await form.getByLabel('Domain').fill('cert.example');
    await form.getByLabel('Selector').fill('c1');
    const field = form.getByLabel('Or import a PEM private key');
    await field.fill(
      '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2VydGlmaWNhdGVib2R5\n-----END CERTIFICATE-----\n',
    );
    await form.getByRole('button', { name: 'Import key' }).click();
    const error = page.locator('#dkim-add-pem-error');
    await expect
      .poll(() => error.innerText())
      .toMatch(
        /^PEM private key: this is a certificate \(what openssl req -x509 or a CA gives\), the public half; DKIM uses no certificate: give the private key it was made with/,
      );
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await field.getAttribute('aria-describedby')).toBe('dkim-add-pem-error');
    expect(await error.innerText()).not.toContain('MIIBszCCAVmgAwIBAgIU');
    await form.scrollIntoViewIfNeeded();
    await form.screenshot({ path: join(screenshots, 'settings-signing-import-error-light.png') });
    await field.fill('');
    expect(pageErrors).toEqual([]);
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

// A key for an IDN domain: the relay keeps bücher.example as DNS writes it
// (xn--bcher-kva.example), and the list showed that form alone, which nobody recognises as their
// domain. The list names it as people write it; the A-labels stay beside it, and the record's
// name stays in them (what a DNS provider's form takes), labelled so it reads as no typo.
describe.skipIf(!chromiumPath)('Settings → Signing with an IDN domain', () => {
  let gui: Gui;
  let dns: TestDnsServer;

  beforeAll(async () => {
    dns = await startDnsServer();
    gui = await startGui(chromiumPath as string, {
      settings: { dnsServers: [dns.address] },
      viewport: { width: 1280, height: 900 },
    });
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
    await dns?.close();
  });

  it('lists bücher.example as such, with its xn-- form for DNS', async () => {
    const { page, relaydesk } = gui;
    await page.goto(`${relaydesk.url}#settings`);
    const form = page.getByRole('form', { name: 'Add a DKIM key' });
    await form.getByLabel('Domain').fill('bücher.example');
    await form.getByLabel('Selector').fill('web1');
    await form.getByLabel('Key', { exact: true }).selectOption('ed25519');
    await form.getByRole('button', { name: 'Generate key' }).click();
    const keyItem = page.locator('.dkim-key', { hasText: 'web1 · bücher.example' });
    await keyItem.waitFor();
    expect(await keyItem.locator('.user-name').innerText()).toBe('web1 · bücher.example');
    const ascii = keyItem.locator('.dkim-ascii-domain');
    expect(await ascii.innerText()).toBe('(xn--bcher-kva.example in DNS)');
    expect(await ascii.getAttribute('title')).toMatch(/ASCII \(Punycode\) form/);
    // the record's name in ASCII, and said to be so
    const record = keyItem.getByLabel(
      'TXT record web1._domainkey.xn--bcher-kva.example (the name in ASCII, as DNS providers take it: xn--bcher-kva.example is bücher.example)',
    );
    const value = await record.inputValue();
    expect(value).toMatch(/^v=DKIM1; k=ed25519; p=/);
    expect(await keyItem.locator('.dkim-waiting code').innerText()).toBe(
      'web1._domainkey.xn--bcher-kva.example',
    );
    expect(await keyItem.getByTestId('dkim-ed25519-only').innerText()).toMatch(
      /^bücher\.example has no RSA key/,
    );
    await page.locator('#section-signing').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'settings-signing-idn-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'settings-signing-idn-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    // Check DNS asks for the ASCII name: published there, the key signs
    dns.set('web1._domainkey.xn--bcher-kva.example', { TXT: [value] });
    await keyItem.getByRole('button', { name: 'Check DNS for bücher.example/web1' }).click();
    await expect
      .poll(() => keyItem.getByRole('status').innerText())
      .toBe('Published: the published record matches this key; it signs from now on');

    // Remove names the domain the same way
    await keyItem.getByRole('button', { name: 'Remove bücher.example/web1' }).click();
    const dialog = page.getByTestId('dkim-remove-dialog');
    expect(await dialog.getByRole('heading').innerText()).toBe(
      'Remove the DKIM key web1 of bücher.example?',
    );
    expect(await dialog.getByTestId('dkim-remove-unsigned').innerText()).toMatch(
      /^This is the only key that signs mail from bücher\.example\./,
    );
    await dialog.getByRole('button', { name: 'Remove key' }).click();
    await expect
      .poll(() => page.locator('.dkim-removal-warning').innerText())
      .toMatch(/^Warning: Mail from bücher\.example now goes out unsigned/);
    expect(gui.pageErrors).toEqual([]);
  });
});
