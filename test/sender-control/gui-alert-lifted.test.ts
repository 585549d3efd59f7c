// The anomaly alert of a sender the relay paused by itself (anomalyPause), after the admin lifted
// that pause: it said "and was paused until released" still, with no way to suspend the sender
// again from it. Now it says the pause was lifted and offers Suspend; keyboard only. Real SMTP,
// the real headless server with its clock moved by hours, Debian's Chromium.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SenderAlert } from '../../preload/api-contract.js';
import { eventually } from '../e2e/browser.js';
import { screenshots, startGui, type Gui } from '../e2e/gui.js';
import { requireTool, tools } from '../helpers/system-tools.js';

const chromiumPath = requireTool(tools.chromium);
const hour = 3_600_000;
let gui: Gui | undefined;
afterEach(async () => {
  await gui?.close();
  gui = undefined;
});

describe.skipIf(!chromiumPath)('the alert of an automatic pause lifted since', () => {
  it('says the pause was lifted and offers Suspend again', async () => {
    // ten minutes into an hour, so a slow run does not cross into the next one
    const startedAt = Date.now();
    const clockStart = Math.floor(startedAt / hour) * hour + 10 * 60_000;
    let shift = 0;
    gui = await startGui(chromiumPath as string, {
      viewport: { width: 900, height: 700 },
      now: () => clockStart + shift + (Date.now() - startedAt),
      settings: { anomalyFactor: 2, anomalyMinMessages: 3, anomalyPause: true },
    });
    const { page, relaydesk } = gui;
    const send = (subject: string) =>
      gui?.send({ from: 'scanner@office.example', to: 'x@example.com', subject, text: 'x' });
    // the workstation's history: one message in each of two earlier hours, then a burst
    shift = -2 * hour;
    await send('quiet 1');
    shift = -1 * hour;
    await send('quiet 2');
    shift = 0;
    for (let n = 0; n < 3; n++) await send(`burst ${n}`);
    await eventually(() => relaydesk.api<SenderAlert[]>('/api/v1/sender-alerts')).toHaveLength(1);
    const [raised] = await relaydesk.api<SenderAlert[]>('/api/v1/sender-alerts');
    expect(raised?.SuspensionID).not.toBeNull();

    await gui.openLive();
    const alert = page.getByTestId('sender-alert');
    await eventually(() => alert.innerText()).toMatch(
      /^Client 127\.0\.0\.1 sent 3 messages this hour \(usually 1 an hour\), and was paused until released\./,
    );
    expect(await page.getByTestId('sender-alert-suspend').count()).toBe(0);

    // the admin lifts the pause (another window, the CLI): the alert follows
    const lifted = await relaydesk.fetch(`/api/v1/suspensions/${raised?.SuspensionID}`, {
      method: 'DELETE',
    });
    expect(lifted.status).toBe(200);
    await eventually(() => alert.innerText()).toMatch(
      /^Client 127\.0\.0\.1 sent 3 messages this hour \(usually 1 an hour\), and was paused; the pause has been lifted\./,
    );
    await page.screenshot({ path: join(screenshots, 'sender-alert-lifted-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'sender-alert-lifted-dark.png') });

    // keyboard only: to the alert's Suspend button, and Enter
    const suspend = page.getByTestId('sender-alert-suspend');
    await suspend.focus();
    await page.keyboard.press('Enter');
    await eventually(() => alert.count()).toBe(0);
    expect(relaydesk.service.suspensions()).toMatchObject([
      { Kind: 'ip', Value: '127.0.0.1', Reason: 'anomaly alert: 3 messages in an hour' },
    ]);
    expect(gui.pageErrors).toEqual([]);
  });
});
