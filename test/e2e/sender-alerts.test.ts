// The anomaly alert raised while no window is open (a web form abused at night): kept in the
// data folder and shown when the GUI opens, with the sender, the count and what to do. And no
// alert in a sender's first hours, when it has no usual volume to be compared with. Real SMTP,
// the real headless server with its clock moved by hours, Debian's Chromium.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);
const hour = 3_600_000;

describe.skipIf(!chromiumPath)('kept anomaly alerts in Chromium', () => {
  let gui: Gui;
  let page: Page;
  let shift = 0;

  beforeAll(async () => {
    // ten minutes into an hour, so a slow run does not cross into the next one
    const startedAt = Date.now();
    const clockStart = Math.floor(startedAt / hour) * hour + 10 * 60_000;
    gui = await startGui(chromiumPath as string, {
      now: () => clockStart + shift + (Date.now() - startedAt),
      settings: { anomalyFactor: 2, anomalyMinMessages: 3 },
    });
    page = gui.page;
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  const send = (subject: string, user?: string) =>
    gui.send({ from: `${user ?? 'app'}@example.test`, to: 'x@example.com', subject, text: 'x' });

  it("raises no alert in a sender's first hour, however many it sends", async () => {
    shift = -3 * hour;
    for (let n = 0; n < 6; n++) await send(`first hour ${n}`);
    expect(await gui.relaydesk.api('/api/v1/sender-alerts')).toEqual([]);
  });

  it('shows an alert raised while no window was open, and suspends the sender from it', async () => {
    // the sender's history: quiet hours after its first (median 1), then 3 in this hour
    shift = -2 * hour;
    await send('quiet 1');
    shift = -1 * hour;
    await send('quiet 2');
    shift = 0;
    for (let n = 0; n < 3; n++) await send(`burst ${n}`);
    await eventually(() => gui.relaydesk.api<unknown[]>('/api/v1/sender-alerts')).toHaveLength(1);
    const kept = join(gui.relaydesk.dataDir, 'sender-alerts.json');
    await eventually(() =>
      access(kept).then(
        () => true,
        () => false,
      ),
    ).toBe(true);

    // only now does anyone look
    await gui.openLive();
    const alert = page.getByTestId('sender-alert');
    await eventually(() => alert.innerText()).toMatch(
      /^Client 127\.0\.0\.1 sent 3 messages this hour \(usually 1 an hour\)\./,
    );
    await page.screenshot({ path: join(screenshots, 'sender-alert.png') });
    await page.getByTestId('sender-alert-suspend').click();
    await eventually(() => alert.count()).toBe(0);
    expect(gui.relaydesk.service.suspensions()).toMatchObject([
      { Kind: 'ip', Value: '127.0.0.1', Reason: 'anomaly alert: 3 messages in an hour' },
    ]);
    // dismissed for good: not back on reload
    await page.reload();
    await page.getByTestId('message-row').first().waitFor();
    expect(await alert.count()).toBe(0);
    expect(await gui.relaydesk.api('/api/v1/sender-alerts')).toEqual([]);
    expect(gui.pageErrors).toEqual([]);
  });
});
