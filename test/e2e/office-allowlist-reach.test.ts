// Settings → Access: an office adds its network to the allowlist while SMTP still listens on
// 127.0.0.1 (the default). The allowlist's hint says those machines cannot connect and what to
// set the listener to; the printer's "connection refused" was otherwise unexplained.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

/** The words the allowlist box is described by (its hint). */
async function allowlistHint(page: Page): Promise<string> {
  return page.getByLabel('Allowed client addresses (CIDR, one per line)').evaluate((box) =>
    (box.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' '),
  );
}

describe.skipIf(!chromiumPath)('the allowlist beside a loopback listener, in Chromium', () => {
  let gui: Gui;
  let page: Page;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string);
    page = gui.page;
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  it('says the machines it names cannot connect while SMTP listens on this machine only', async () => {
    await page.goto(`${gui.relaydesk.url}#settings`);
    const box = page.getByLabel('Allowed client addresses (CIDR, one per line)');
    await box.fill('127.0.0.1');
    await eventually(() => allowlistHint(page)).not.toContain('cannot connect');

    await box.fill('192.168.1.0/24');
    // the port the settings give (0 in this test: any free one), as Listener → SMTP shows it
    await eventually(() => allowlistHint(page)).toMatch(
      /But SMTP \(Listener\) listens on 127\.0\.0\.1:(\d+), which only this machine can reach: 192\.168\.1\.0\/24 cannot connect until it is 0\.0\.0\.0:\1 \(or this machine's network address\)\.$/,
    );
    await box.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'settings-allowlist-unreachable-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'settings-allowlist-unreachable-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    expect(gui.pageErrors).toEqual([]);
  });
});
