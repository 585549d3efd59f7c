// Settings → Filtering & senders is where an office admin looks to stop a sender; the Senders
// panel (suspend, lift, hold what was queued) was only under More actions, and the section said
// nothing of it. Real renderer in Chromium, real suspension over the API, real SMTP refusal.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../e2e/browser.js';
import { startGui, type Gui } from '../e2e/gui.js';
import type { TestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('the Senders panel from Settings → Filtering & senders', () => {
  let gui: Gui;
  let relaydesk: TestRelaydesk;
  let page: Page;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string);
    ({ relaydesk, page } = gui);
  }, 120_000);

  afterAll(async () => gui?.close());

  it('opens from the section, and a sender suspended there is refused over SMTP', async () => {
    await page.goto(`${relaydesk.url}#settings`);
    const section = page.locator('#section-filtering');
    await section.getByTestId('open-senders').click();
    const panel = page.getByTestId('suspensions');
    await eventually(() => panel.isVisible()).toBe(true);

    await panel.getByTestId('suspend-kind').selectOption('sender');
    await panel.getByTestId('suspend-value').fill('*@leaky.example');
    await panel.getByTestId('suspend-reason').fill('sending spam since 9:00');
    await panel.getByTestId('suspend-submit').click();
    await eventually(() => panel.getByTestId('suspend-notice').innerText()).toContain(
      'sender *@leaky.example suspended',
    );
    await expect(
      gui.send({ from: 'app@leaky.example', to: 'b@y.example', text: 'hi' }),
    ).rejects.toMatchObject({ responseCode: 554 });
    expect(gui.pageErrors).toEqual([]);
  });
});
