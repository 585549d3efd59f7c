// The list's bulk bar cancels delivery too: an admin who selected 40 pending spam messages had to
// Hold them and cancel them elsewhere. It asks first in the confirm the Queue view's and the
// Delivery tab's Cancel use, counting the messages and recipients it stops and saying it cannot
// be undone; a selected message with nothing left to cancel is skipped, and both say so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { closedPort } from '../helpers/upstream-server.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { shootLightAndDark, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

interface Delivery {
  recipients: { address: string; state: string }[];
}

describe.skipIf(!chromiumPath)('Cancel delivery in the bulk bar', () => {
  let gui: Gui;
  let page: Page;
  const ids = new Map<string, string>();

  beforeAll(async () => {
    // an upstream where nothing listens: the mail stays queued, deferred
    gui = await startGui(chromiumPath as string, {
      settings: {
        mode: 'relay',
        relay: { host: '127.0.0.1', port: await closedPort(), security: 'none' },
      },
    });
    ({ page } = gui);
    await gui.send({ from: 'spam@bad.example', to: 'a@x.example', subject: 'Spam 1', text: '.' });
    await gui.send({
      from: 'spam@bad.example',
      to: ['b@x.example', 'c@x.example'],
      subject: 'Spam 2',
      text: '.',
    });
    await gui.send({ from: 'spam@bad.example', to: 'd@x.example', subject: 'Spam 3', text: '.' });
    await gui.send({ from: 'ok@good.example', to: 'e@x.example', subject: 'Done one', text: '.' });
    const listed = await gui.relaydesk.api<{ messages: { ID: string; Subject: string }[] }>(
      '/api/v1/messages',
    );
    for (const m of listed.messages) ids.set(m.Subject, m.ID);
    // one with nothing left to cancel: cancelled already (every recipient final)
    await gui.relaydesk.api('/api/v1/queue/cancel', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ IDs: [ids.get('Done one')] }),
    });
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  const row = (subject: string) => page.getByTestId('message-row').filter({ hasText: subject });
  const states = async (subject: string) =>
    (
      await gui.relaydesk.api<Delivery>(`/api/v1/message/${ids.get(subject)}/delivery`)
    ).recipients.map((r) => r.state);

  it('asks with the counts, cancels what waits and says what it skipped', async () => {
    await gui.openLive();
    await row('Spam 1').click();
    await row('Done one').click({ modifiers: ['Shift'] });
    await eventually(() => page.getByTestId('selected-count').innerText()).toBe('4 selected');
    // the queue beside the list knows the three queued ones (the confirm counts from it)
    await eventually(() => page.getByTestId('queue-counts').count()).toBeGreaterThan(0);
    await page.getByTestId('bulk-bar').getByRole('button', { name: 'Cancel delivery…' }).click();
    const dialog = page.getByTestId('cancel-delivery-dialog');
    await dialog.waitFor();
    expect(await dialog.getByRole('heading').innerText()).toBe('Cancel delivery of 3 messages?');
    const text = await dialog.getByTestId('cancel-delivery-text').innerText();
    expect(text).toMatch(/^3 messages will never be delivered to the 4 recipients still waiting/);
    expect(text).toContain('cannot be undone');
    await shootLightAndDark(page, 'bulk-cancel-confirm');
    expect(await dialog.getByTestId('cancel-delivery-skipped').innerText()).toBe(
      '1 of the selected messages has nothing left to cancel (captured only, or already delivered) and is skipped.',
    );
    // Esc keeps them queued
    await page.keyboard.press('Escape');
    await eventually(() => dialog.count()).toBe(0);
    expect(await states('Spam 2')).not.toContain('cancelled');

    await page.getByTestId('bulk-bar').getByRole('button', { name: 'Cancel delivery…' }).click();
    await dialog.getByTestId('cancel-delivery-confirm').click();
    await eventually(() => page.getByTestId('bulk-outcome-summary').innerText()).toBe(
      '3 messages cancelled: never sent, kept in the mail list; 1 skipped, with nothing left to cancel (captured only, or already delivered), left selected.',
    );
    for (const subject of ['Spam 1', 'Spam 2', 'Spam 3'])
      expect(new Set(await states(subject))).toEqual(new Set(['cancelled']));
    // the one skipped stays selected, beside the words that say why
    expect(await page.getByTestId('selected-count').innerText()).toBe('1 selected');
    await shootLightAndDark(page, 'bulk-cancel-outcome');
    // with only it selected, nothing is asked: the bar says there is nothing to cancel
    await page.getByTestId('bulk-bar').getByRole('button', { name: 'Cancel delivery…' }).click();
    await eventually(() => page.getByTestId('bulk-outcome-summary').innerText()).toMatch(
      /^Nothing to cancel: the selected message waits/,
    );
    expect(await dialog.count()).toBe(0);
    expect(gui.pageErrors).toEqual([]);
  });
});
