// Settings → Upstream's delay warning in Chromium: the hours box sits right after the failure
// reports (DSN) tick box, a negative value is refused beside it naming the field, the value and
// the range, and half an hour is saved as 0.5 (a decimal, which the box does not mark invalid).
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SettingsView } from '../../preload/api-contract.js';
import type { TestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);
const label = 'Delay warning to the sender after (hours, 0: none; sent with failure reports on)';

describe.skipIf(!chromiumPath)('the delay warning in Settings → Upstream', () => {
  let gui: Gui;
  let relaydesk: TestRelaydesk;
  let page: Page;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string, {
      viewport: { width: 1280, height: 900 },
      settings: { mode: 'relay', relay: { host: '127.0.0.1', port: 3830, security: 'none' } },
    });
    ({ relaydesk, page } = gui);
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  it('sits beside the DSN box, refuses a negative number by name, and saves half an hour', async () => {
    await page.goto(`${relaydesk.url}#settings`);
    await page.getByRole('button', { name: 'Save settings' }).waitFor();
    const hours = page.getByLabel(label, { exact: true });
    const dsn = page.getByLabel('Send failure reports (DSN) to the sender', { exact: true });
    // the next field after the DSN choice, as the two go together
    const next = await dsn.evaluate((box) => {
      const field = box.closest('.field');
      return field?.nextElementSibling?.querySelector('input')?.id ?? null;
    });
    expect(next).toBe('setting-delayWarningHours');

    await dsn.check();
    await hours.fill('-2');
    await page.getByRole('button', { name: 'Save settings' }).click();
    const error = page.locator('#setting-delayWarningHours-error');
    await error.waitFor();
    expect(await error.innerText()).toMatch(
      /^-2 is not valid; use a number of hours from 0 \(off\) to 8760/,
    );
    expect(await hours.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('.settings-summary').innerText()).toContain('Nothing was saved');
    await hours.evaluate((box) => box.scrollIntoView({ block: 'center' }));
    await page.screenshot({ path: join(screenshots, 'settings-delay-warning-error-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'settings-delay-warning-error-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    await hours.fill('0.5');
    // a decimal is a valid value of the box, not one the browser marks invalid
    expect(await hours.evaluate((box) => (box as HTMLInputElement).validity.valid)).toBe(true);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await eventually(() => page.locator('.settings-summary').innerText()).toContain('Saved');
    const saved = (await relaydesk.api<SettingsView>('/api/v1/settings')).values;
    expect(saved.delayWarningHours).toBe(0.5);
    expect(saved.dsn).toBe(true);
    expect(gui.pageErrors).toEqual([]);
  });
});
