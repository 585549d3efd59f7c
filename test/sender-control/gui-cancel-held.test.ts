// A hacked workstation's held mail in Debian's Chromium against the headless server relaying to a
// real (test) upstream: the Queue view's "Cancel all held…" and the Senders panel's "Cancel
// held…" take it all in one go, after a confirm that says how many and whose (each message had
// its own Cancel); "Lift and release…" asks first too, with the count, since one click sent
// every held message. Screenshots light and dark, wide and narrow.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { QueueView, SuspensionEntry } from '../../preload/api-contract.js';
import { screenshots, startGui, type Gui } from '../e2e/gui.js';
import { settled } from '../helpers/delivery.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { upstreamsPerTest } from '../helpers/upstream-server.js';

const chromiumPath = requireTool(tools.chromium);
const { upstream } = upstreamsPerTest();
let gui: Gui | undefined;
afterEach(async () => {
  await gui?.close();
  gui = undefined;
});

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(screenshots, `${name}-light.png`) });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: join(screenshots, `${name}-dark.png`) });
  await page.emulateMedia({ colorScheme: 'light' });
}

async function heldIds(gui: Gui): Promise<string[]> {
  const view = await gui.relaydesk.api<QueueView>('/api/v1/queue?state=held');
  return view.messages.map((m) => m.ID).sort();
}

describe.skipIf(!chromiumPath)('cancelling held mail in one go', () => {
  it('confirms with how many and whose, from the Queue view and the suspension', async () => {
    const server = await upstream({
      tls: 'none',
      failures: { mail: { code: 451, text: '4.3.0 busy' } },
    });
    gui = await startGui(chromiumPath as string, {
      settings: {
        mode: 'relay',
        relay: { host: '127.0.0.1', port: server.port, security: 'none' },
      },
    });
    const { relaydesk, page } = gui;
    const ids: string[] = [];
    for (const [from, subject] of [
      ['scanner@office.example', 'Cheap watches'],
      ['scanner@office.example', 'Cheap pills'],
      ['scanner@office.example', 'Cheap loans'],
      ['printer@office.example', 'Scan to mail'],
    ] as const) {
      const transport = relaydesk.transport();
      const info = await transport.sendMail({
        from,
        to: 'victim@partner.example',
        subject,
        text: 'x',
      });
      transport.close();
      ids.push(/queued as (\S+)/.exec(info.response)?.[1] as string);
    }
    for (const id of ids)
      await settled(relaydesk, id, (d) => d.recipients[0]?.state === 'deferred');
    const printer = ids[3] as string;
    await relaydesk.fetch('/api/v1/queue/hold', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ IDs: [printer] }),
    });
    const res = await relaydesk.fetch('/api/v1/suspensions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        Kind: 'sender',
        Value: 'scanner@office.example',
        Reason: 'hacked workstation',
      }),
    });
    const suspension = (await res.json()) as SuspensionEntry;
    expect(await heldIds(gui)).toEqual([...ids].sort());

    // the Queue view: one action for all held mail, and a confirm naming how many and whose
    await gui.openLive('#queue');
    await page.getByTestId('cancel-all-held').click();
    const dialog = page.getByTestId('cancel-held-dialog');
    await dialog.waitFor();
    expect(await dialog.getByRole('heading').innerText()).toBe(
      'Cancel 4 messages held in the queue?',
    );
    expect(await dialog.getByTestId('cancel-held-dialog-whose').innerText()).toBe(
      '4 messages held: 3 from scanner@office.example and 1 from printer@office.example.',
    );
    expect(await dialog.getByTestId('cancel-held-dialog-confirm').innerText()).toBe(
      'Cancel 4 messages',
    );
    await shoot(page, 'queue-cancel-held');
    await page.setViewportSize({ width: 420, height: 800 });
    await shoot(page, 'queue-cancel-held-narrow');
    await page.setViewportSize({ width: 1280, height: 800 });
    // Esc keeps them
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await heldIds(gui)).toEqual([...ids].sort());

    // the suspension's row: Lift and release asks first, with the count
    await page.getByTestId('more-actions').click();
    await page.getByTestId('show-suspensions').click();
    const row = page.getByTestId('suspension').filter({ hasText: 'scanner@office.example' });
    await row.getByTestId('unsuspend-release').click();
    const lift = page.getByTestId('lift-release-dialog');
    await lift.waitFor();
    expect(await lift.getByRole('heading').innerText()).toBe(
      'Lift the suspension and send 3 messages?',
    );
    expect(await lift.getByTestId('lift-release-dialog-whose').innerText()).toBe(
      '3 messages held, all from scanner@office.example.',
    );
    await shoot(page, 'suspension-lift-release-confirm');
    await page.setViewportSize({ width: 420, height: 800 });
    await shoot(page, 'suspension-lift-release-confirm-narrow');
    await page.setViewportSize({ width: 1280, height: 800 });
    await lift.getByRole('button', { name: 'Keep them held' }).click();
    await expect.poll(() => lift.count()).toBe(0);
    expect((await relaydesk.api<SuspensionEntry[]>('/api/v1/suspensions')).length).toBe(1);
    // the row's third button stays inside a narrow pane
    await page.setViewportSize({ width: 420, height: 800 });
    const pane = await page.getByTestId('suspensions').boundingBox();
    const third = await row.getByTestId('suspension-cancel-held').boundingBox();
    expect(third && pane && third.x + third.width).toBeLessThanOrEqual(
      (pane?.x ?? 0) + (pane?.width ?? 0),
    );
    await shoot(page, 'suspension-row-narrow');
    await page.setViewportSize({ width: 1280, height: 800 });

    // Cancel held… on the row: the suspension's mail only; the printer's stays held
    await row.getByTestId('suspension-cancel-held').click();
    const cancel = page.getByTestId('cancel-held-dialog');
    expect(await cancel.getByRole('heading').innerText()).toBe(
      'Cancel 3 messages held for sender scanner@office.example?',
    );
    await shoot(page, 'suspension-cancel-held');
    await cancel.getByTestId('cancel-held-dialog-confirm').click();
    await expect
      .poll(() => page.getByTestId('suspend-notice').innerText())
      .toBe(
        '3 messages held for sender scanner@office.example cancelled: never sent; sender scanner@office.example is still suspended',
      );
    for (const id of ids.slice(0, 3))
      await settled(relaydesk, id, (d) => d.recipients[0]?.state === 'cancelled');
    expect(await heldIds(gui)).toEqual([printer]);
    expect(
      (await relaydesk.api<SuspensionEntry[]>('/api/v1/suspensions')).map((s) => s.ID),
    ).toEqual([suspension.ID]);

    // and the rest from the Queue view
    await gui.openLive('#queue');
    await page.getByTestId('cancel-all-held').click();
    expect(await page.getByTestId('cancel-held-dialog-whose').innerText()).toBe(
      '1 message held, from printer@office.example.',
    );
    await page.getByTestId('cancel-held-dialog-confirm').click();
    await expect
      .poll(() => page.getByTestId('queue-view').getByRole('status').innerText())
      .toBe('1 message cancelled: never sent, kept in the mail list.');
    await settled(relaydesk, printer, (d) => d.recipients[0]?.state === 'cancelled');
    await expect.poll(() => page.getByTestId('cancel-all-held').count()).toBe(0);
    expect(server.messages).toHaveLength(0);

    // the list says what a person did to them: "Failed" read as the upstream's refusal, and
    // the tray counted them with the bounces
    const cancelled = await settled(relaydesk, printer, (d) => d.status !== 'held');
    expect(cancelled.status).toBe('cancelled');
    await gui.openLive();
    const marks = page.getByTestId('message-row').getByTestId('status-mark');
    await expect.poll(() => marks.allInnerTexts()).toEqual(ids.map(() => 'Cancelled'));
    await shoot(page, 'cancelled-in-list');
    expect(gui.pageErrors).toEqual([]);
  }, 90_000);
});
