// The automatic pause (anomalyPause) as the admin sees it, from the burst to the lift: the window
// is open when a workstation's burst sets it off, the alert arrives live saying the client was
// paused until released, with no Suspend button (it is suspended already), and Review senders
// shows the automatic entry with what ends it. Once the admin lifts the pause, the alert says so
// and offers Suspend again (it said "paused until released" still, with no way to suspend the
// sender again from it); keyboard only. Real SMTP (the message after the burst is refused at
// connect), the real headless server with its clock moved by hours, Debian's Chromium.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SenderAlert, SuspensionEntry } from '../../preload/api-contract.js';
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

describe.skipIf(!chromiumPath)('the automatic pause in the sender alert', () => {
  it('arrives live with a burst, says paused until released, and once lifted offers Suspend again', async () => {
    // ten minutes into an hour, so a slow run does not cross into the next one
    const startedAt = Date.now();
    const clockStart = Math.floor(startedAt / hour) * hour + 10 * 60_000;
    let shift = 0;
    gui = await startGui(chromiumPath as string, {
      viewport: { width: 1100, height: 700 },
      now: () => clockStart + shift + (Date.now() - startedAt),
      settings: { anomalyFactor: 2, anomalyMinMessages: 3, anomalyPause: true },
    });
    const { page, relaydesk } = gui;
    const send = (subject: string) =>
      (gui as Gui).send({
        from: 'scanner@office.example',
        to: 'x@example.com',
        subject,
        text: 'x',
      });
    // the workstation's history: one message in each of two earlier hours
    shift = -2 * hour;
    await send('quiet 1');
    shift = -1 * hour;
    await send('quiet 2');
    shift = 0;

    // the window is open when the burst comes
    await gui.openLive();
    const alert = page.getByTestId('sender-alert');
    expect(await alert.count()).toBe(0);
    for (let n = 0; n < 3; n++) await send(`burst ${n}`);
    await eventually(() => alert.innerText()).toMatch(
      /^Client 127\.0\.0\.1 sent 3 messages this hour \(usually 1 an hour\), and was paused until released\./,
    );
    // paused already: no Suspend to offer, only Review senders and Dismiss
    expect(await page.getByTestId('sender-alert-suspend').count()).toBe(0);
    expect(await alert.getByRole('button').allInnerTexts()).toEqual(['Review senders', 'Dismiss']);
    const [raised] = await relaydesk.api<SenderAlert[]>('/api/v1/sender-alerts');
    const [paused] = await relaydesk.api<SuspensionEntry[]>('/api/v1/suspensions');
    expect(paused).toMatchObject({ Kind: 'ip', Value: '127.0.0.1', Auto: true });
    expect(raised?.SuspensionID).toBe(paused?.ID);
    // the pause is real: the workstation's next message is turned away
    await expect(send('after the pause')).rejects.toThrow(
      /421 4\.7\.0 Client suspended: unusual sending volume; ask your mail administrator/,
    );

    await page.screenshot({ path: join(screenshots, 'sender-alert-paused-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'sender-alert-paused-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    // Review senders: the automatic entry, with Lift to end the pause (captured mail: it holds
    // none, so nothing to release or cancel is offered)
    await alert.getByRole('button', { name: 'Review senders' }).click();
    const entry = page.getByTestId('suspension').filter({ hasText: '127.0.0.1' });
    await eventually(() => entry.innerText()).toContain('automatic');
    await eventually(() => entry.getByRole('button').allInnerTexts()).toEqual(['Lift']);
    // who made it and when: the alert, at the time the API gives (shown in the page's words)
    const made = entry.getByTestId('suspension-made');
    expect(await made.innerText()).toMatch(/^Paused by the anomaly alert, \S.*\d/);
    expect(await made.locator('time').getAttribute('datetime')).toBe(paused?.Created);
    await page.screenshot({ path: join(screenshots, 'suspension-made-auto-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'suspension-made-auto-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

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
    // made by a person, from the alert: said so in the list (still open since Review senders)
    await eventually(() =>
      page.getByTestId('suspension').filter({ hasText: '127.0.0.1' }).innerText(),
    ).toContain('Suspended by hand, ');
    const byHand = page
      .getByTestId('suspension')
      .filter({ hasText: '127.0.0.1' })
      .getByTestId('suspension-made');
    expect(await byHand.locator('time').getAttribute('datetime')).toBe(
      relaydesk.service.suspensions()[0]?.Created,
    );
    expect(await byHand.innerText()).not.toContain('anomaly alert');
    expect(gui.pageErrors).toEqual([]);
  });
});
