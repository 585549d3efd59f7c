// A relayed, DKIM-signed message in Chromium: Delivery says which key signed each attempt and the
// address check of each recipient; Route shows our DKIM/SPF/DMARC/ARC check as badges with reasons.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DkimKeyInfo } from '../../preload/api-contract.js';
import { settled } from '../helpers/delivery.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import type { TestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('Signing and checks in Delivery and Route, in Chromium', () => {
  let dns: TestDnsServer;
  let upstream: RunningUpstream;
  let gui: Gui;
  let relay: TestRelaydesk;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    dns = await startDnsServer();
    upstream = await startUpstreamServer({ tls: 'none' });
    gui = await startGui(chromiumPath as string, {
      settings: {
        mode: 'relay',
        dnsServers: [dns.address],
        addressCheck: 'warn',
        relay: { host: '127.0.0.1', port: upstream.port, security: 'none' },
      },
      viewport: { width: 1400, height: 900 },
    });
    ({ relaydesk: relay, page, pageErrors } = gui);
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
    await upstream?.close();
    await dns?.close();
  });

  it('shows the signing key per attempt, the address check, and the auth badges', async () => {
    const key = await relay.api<DkimKeyInfo>('/api/v1/dkim/keys', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ domain: 'shop.example', selector: 's2026', algorithm: 'ed25519' }),
    });
    dns.set(key.record.name, { TXT: [key.record.value] });
    // a new key waits for its record: Check DNS finds it and starts it signing
    const check = await relay.api<{ activated?: boolean }>(
      '/api/v1/dkim/keys/shop.example/s2026/dns-check',
    );
    expect(check.activated).toBe(true);
    dns.set('shop.example', { TXT: ['v=spf1 ip4:127.0.0.1 -all'] });
    dns.set('_dmarc.shop.example', { TXT: ['v=DMARC1; p=reject'] });
    dns.set('example.net', { MX: [{ exchange: 'mx.example.net', priority: 10 }] });
    dns.set('mx.example.net', { A: ['192.0.2.25'] });

    const info = await relay.transport().sendMail({
      from: '"Shop" <news@shop.example>',
      to: 'anna@example.net',
      subject: 'Signed order',
      text: 'Your order ships today.',
    });
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    await settled(relay, id, (d) => d.status === 'delivered');

    await page.goto(relay.url);
    await page.getByTestId('message-row').filter({ hasText: 'Signed order' }).click();
    await page.getByRole('tab', { name: 'Delivery', exact: true }).click();
    const recipient = page.locator('[data-testid="recipient"][data-address="anna@example.net"]');
    await eventually(() => recipient.getByTestId('attempt-signed-by').innerText()).toBe(
      's2026._domainkey.shop.example (ed25519-sha256)',
    );
    expect(await recipient.getByTestId('address-check').innerText()).toMatch(/^valid: /);
    await page.screenshot({ path: join(screenshots, 'delivery-signed-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'delivery-signed-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    await page.getByRole('tab', { name: 'Route', exact: true }).click();
    const badges = page
      .getByRole('list', { name: 'Relaydesk’s own check (DNS now)' })
      .getByRole('listitem');
    await eventually(() => badges.allInnerTexts()).toHaveLength(4);
    // the captured copy is the one before signing, sent from 127.0.0.1, which the SPF record allows
    const texts = await badges.allInnerTexts();
    expect(texts).toEqual([
      'DKIM neutral — message not signed',
      // mailauth prefixes the reason with the host name
      expect.stringMatching(
        /^SPF pass — \S+: domain of news@shop\.example designates 127\.0\.0\.1 as permitted sender$/,
      ),
      'DMARC pass — p=REJECT arc=none',
      'ARC neutral — no ARC chain',
    ]);
    expect(await badges.nth(1).getAttribute('title')).toMatch(/^pass: /);
    // the check reads the copy as received; the note says the copy sent out was signed
    await eventually(() => page.getByTestId('auth-check-signed-out').innerText()).toBe(
      'Checked as Relaydesk received it. The copies sent upstream were DKIM-signed by s2026._domainkey.shop.example (Delivery lists each attempt).',
    );
    await page.screenshot({ path: join(screenshots, 'route-auth-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'route-auth-dark.png') });
    expect(pageErrors).toEqual([]);
  });

  it('takes a "Send as" rule in Settings and says per attempt what the message was sent as', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(`${relay.url}#settings`);
    const field = page.getByLabel('Send as (sender rewriting, JSON)');
    // a wrong rule is refused beside its field, naming what to give
    await field.fill('[{"match": "*@printer.local", "to": "the office"}]');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await eventually(() => page.locator('.settings-summary').innerText()).toContain(
      'Send as (sender rewriting, JSON), entry 1, to: "the office" is not an email address',
    );
    await field.fill('[{"match": "*@printer.local", "to": "office@shop.example"}]');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await eventually(() => page.locator('.settings-summary').innerText()).toContain('Saved.');
    // the address test says what the sender goes to the upstream as
    await page.getByLabel('Recipient address to test').fill('anna@example.net');
    await page.getByLabel('Sender address (optional)').fill('scan@printer.local');
    await page.getByRole('button', { name: 'Test address' }).click();
    await eventually(() => page.getByTestId('route-test-sent-as').innerText()).toBe(
      'Sent to the upstream as office@shop.example (senderRewrite[0] "*@printer.local")',
    );

    const before = upstream.messages.length;
    const info = await relay.transport().sendMail({
      from: '"Scanner" <scan@printer.local>',
      to: 'anna@example.net',
      subject: 'Scan 0042',
      text: 'Attached.',
    });
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    await settled(relay, id, (d) => d.status === 'delivered');
    expect(upstream.messages[before]?.mailFrom).toBe('office@shop.example');

    await page.goto(relay.url);
    await page.getByTestId('message-row').filter({ hasText: 'Scan 0042' }).click();
    // the list and the message show what the scanner sent
    await eventually(() =>
      page.getByTestId('message-row').filter({ hasText: 'Scan 0042' }).innerText(),
    ).toContain('Scanner');
    await page.getByRole('tab', { name: 'Delivery', exact: true }).click();
    const recipient = page.locator('[data-testid="recipient"][data-address="anna@example.net"]');
    await eventually(() => recipient.getByTestId('attempt-sent-as').innerText()).toBe(
      'Sent as: office@shop.example (From: Scanner <office@shop.example>), by senderRewrite[0] "*@printer.local"',
    );
    // signed for the domain it was sent as (the key made above)
    expect(await recipient.getByTestId('attempt-signed-by').innerText()).toBe(
      's2026._domainkey.shop.example (ed25519-sha256)',
    );
    await page.screenshot({ path: join(screenshots, 'delivery-sent-as-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'delivery-sent-as-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    expect(pageErrors).toEqual([]);
  });

  it('says why mail from a domain without a key went out unsigned', async () => {
    const info = await relay.transport().sendMail({
      from: '"Web form" <form@elsewhere.example>',
      to: 'anna@example.net',
      subject: 'Contact form',
      text: 'A visitor wrote.',
    });
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    await settled(relay, id, (d) => d.status === 'delivered');
    await page.goto(relay.url);
    await page.getByTestId('message-row').filter({ hasText: 'Contact form' }).click();
    await page.getByRole('tab', { name: 'Delivery', exact: true }).click();
    const recipient = page.locator('[data-testid="recipient"][data-address="anna@example.net"]');
    // "not signed" alone left the office wondering whether signing worked at all; said once for
    // the message (no key covers its domain), not on each attempt
    await eventually(() => page.getByTestId('delivery-unsigned').innerText()).toBe(
      'Not DKIM-signed: no key for elsewhere.example (the keys are for shop.example) — add one in Settings → Signing.',
    );
    expect(await recipient.getByTestId('attempt').count()).toBe(1);
    expect(await recipient.getByTestId('attempt-signed-by').count()).toBe(0);
    await page.screenshot({ path: join(screenshots, 'delivery-unsigned-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'delivery-unsigned-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    // Route's own check reads the stored copy ("not signed"); its note says why the copy sent was
    await page.getByRole('tab', { name: 'Route', exact: true }).click();
    await eventually(() => page.getByTestId('auth-check-signed-out').innerText()).toBe(
      'Checked as Relaydesk received it. The copies sent upstream were not DKIM-signed: no DKIM key signs mail from elsewhere.example: the keys are for shop.example; add a key for elsewhere.example in Settings → Signing (or relaydesk dkim keygen elsewhere.example SELECTOR).',
    );
    expect(pageErrors).toEqual([]);
  });
});
