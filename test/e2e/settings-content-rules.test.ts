// Content rules (header_checks / body_checks) edited in Chromium as JSON: broken JSON is refused
// beside the box with its line and column, and nothing is saved; the rules saved then decide the
// next messages over real SMTP: a reject reaches the client as 550 5.7.1, a hold is shown in the
// queue with the rule as its reason and in the message's filter banner.
import type { Page } from 'playwright-core';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SettingsView } from '../../preload/api-contract.js';
import type { TestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);
const label = 'Content rules (JSON; header_checks and body_checks)';

describe.skipIf(!chromiumPath)('content rules in the Settings screen', () => {
  let gui: Gui;
  let relaydesk: TestRelaydesk;
  let upstream: RunningUpstream;
  let page: Page;
  let pageErrors: string[];

  const api = <T>(path: string): Promise<T> => relaydesk.api<T>(path);
  const save = () => page.getByRole('button', { name: 'Save settings' }).click();

  async function send(subject: string): Promise<{ id: string | null; error: string | null }> {
    const transport = relaydesk.transport();
    try {
      const info = await transport.sendMail({
        from: 'app@office.example',
        to: 'client@outside.example',
        subject,
        text: 'see attached',
      });
      return { id: /queued as (\S+)/.exec(info.response)?.[1] ?? null, error: null };
    } catch (err) {
      return { id: null, error: (err as { response?: string }).response ?? String(err) };
    } finally {
      transport.close();
    }
  }

  beforeAll(async () => {
    upstream = await startUpstreamServer({ tls: 'none' });
    gui = await startGui(chromiumPath as string, {
      viewport: { width: 1280, height: 900 },
      settings: {
        mode: 'relay',
        relay: { host: '127.0.0.1', port: upstream.port, security: 'none' },
      },
    });
    ({ relaydesk, page, pageErrors } = gui);
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
    await upstream?.close();
  });

  it('refuses broken JSON by line and column, then saves rules that real SMTP obeys', async () => {
    await page.goto(`${relaydesk.url}#settings`);
    const box = page.getByLabel(label);
    await box.waitFor();
    // a trailing comma, as people leave them
    await box.fill(
      [
        '[',
        '  {"where": "header", "match": "^Subject: .*lottery", "flags": "i", "action": "reject", "text": "No lotteries here"},',
        '  {"where": "header", "match": "^Subject: invoice", "flags": "i", "action": "hold", "text": "invoices are checked by hand"},',
        ']',
      ].join('\n'),
    );
    await save();
    const error = page.locator('#setting-contentRules-error');
    await error.waitFor();
    expect(await error.innerText()).toMatch(
      /not valid JSON at line 3, column 124: found "," before "]"; remove the trailing comma/,
    );
    expect(await box.getAttribute('aria-invalid')).toBe('true');
    let saved = await api<SettingsView>('/api/v1/settings');
    expect(saved.values.contentRules).toEqual([]);
    await box.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'settings-content-rules-error-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'settings-content-rules-error-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    const text = await box.inputValue();
    await box.fill(text.replace(/,\n\]$/, '\n]'));
    await save();
    await page.locator('.settings-summary', { hasText: 'Saved.' }).waitFor();
    saved = await api<SettingsView>('/api/v1/settings');
    expect(saved.values.contentRules).toHaveLength(2);

    const refused = await send('You won the Lottery');
    expect(refused.error).toMatch(/^550 5\.7\.1 No lotteries here/);
    const held = await send('Invoice 2026-118');
    expect(held.error).toBeNull();

    await page.goto(`${relaydesk.url}#queue`);
    const entry = page.locator('[data-testid="queue-entry"][data-state="held"]');
    await entry.waitFor();
    expect(await entry.locator('[data-testid="queue-why"]').innerText()).toContain(
      'held by content rule 1 (header /^Subject: invoice/i hold): invoices are checked by hand',
    );
    await page.screenshot({ path: join(screenshots, 'queue-content-rule-held-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'queue-content-rule-held-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    // the subject opens the message, whose banner says why it waits
    await entry.locator('button.link-button').click();
    const banner = page.getByTestId('filter-decision');
    await banner.waitFor();
    expect(await banner.innerText()).toContain(
      'Held by a content rule: waiting in the queue until released',
    );
    // and its Delivery tab says which rule held the recipient, and why
    await page.getByTestId('tab-delivery').click();
    await eventually(() => page.getByTestId('recipient-held-reason').innerText()).toBe(
      'held by content rule 1 (header /^Subject: invoice/i hold): invoices are checked by hand',
    );
    expect(pageErrors).toEqual([]);
  });
});
