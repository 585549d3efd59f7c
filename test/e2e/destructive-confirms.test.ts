// Every confirm's destructive button in one style, in Chromium: the list's Delete all, the Edit
// tags dialog's Delete tag, the Queue view's Cancel held, and Settings' Remove key are filled in
// the danger colour, with the page's background colour for their words. Before, the quarantine's
// release confirm drew its own outlined kind (test/filter/quarantine-gui checks that one), and
// Settings needed a second copy of the rule to win over its plain button rule.
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDelivery } from '../../preload/api-contract.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';
import { eventually, waitFor } from './browser.js';
import { expectFilledDanger } from './button-look.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('the destructive button of every confirm', () => {
  let gui: Gui;
  let page: Page;
  let upstream: RunningUpstream;

  beforeAll(async () => {
    upstream = await startUpstreamServer({
      tls: 'none',
      failures: { mail: { code: 451, text: '4.3.0 busy' } },
    });
    gui = await startGui(chromiumPath as string, {
      settings: {
        mode: 'rules',
        relay: { host: '127.0.0.1', port: upstream.port, security: 'none' },
        rules: [{ match: { recipient: '*@partner.example' }, action: { type: 'relay' } }],
      },
    });
    page = gui.page;
    const { relaydesk } = gui;
    await gui.send({
      from: 'app@example.test',
      to: 'you@example.test',
      subject: 'Bill 1',
      text: 'x',
      headers: { 'X-Tags': 'billing' },
    });
    const transport = relaydesk.transport();
    const info = await transport.sendMail({
      from: 'scanner@office.example',
      to: 'victim@partner.example',
      subject: 'Cheap watches',
      text: 'x',
    });
    transport.close();
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    await waitFor(
      'the relayed message deferred',
      async () =>
        (await relaydesk.api<MessageDelivery>(`/api/v1/message/${id}/delivery`)).recipients[0]
          ?.state === 'deferred',
    );
    await relaydesk.fetch('/api/v1/queue/hold', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ IDs: [id] }),
    });
    const added = await relaydesk.fetch('/api/v1/dkim/keys', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ domain: 'solo.example', selector: 'only1', algorithm: 'ed25519' }),
    });
    expect(added.status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
    await upstream?.close();
  });

  const shoot = async (name: string) => {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({
        path: join(screenshots, `destructive-confirm-${name}-${scheme}.png`),
      });
    }
    await page.emulateMedia({ colorScheme: 'light' });
  };

  /** The button filled in both schemes, the dark one too (its colours come from light-dark()). */
  const expectFilledBothSchemes = async (button: Locator) => {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await expectFilledDanger(button);
    }
    await page.emulateMedia({ colorScheme: 'light' });
  };

  it('Delete all in the message list', async () => {
    await gui.openLive();
    await eventually(() => page.getByTestId('message-row').count()).toBeGreaterThan(0);
    await page.getByTestId('delete-all').click();
    const dialog = page.getByTestId('confirm-dialog');
    const button = dialog.getByTestId('confirm-sweep');
    await button.waitFor();
    await shoot('delete-all');
    await expectFilledBothSchemes(button);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await eventually(() => dialog.count()).toBe(0);
  });

  it('Delete tag in Edit tags', async () => {
    await page.getByRole('button', { name: 'More actions' }).click();
    await page.getByTestId('edit-tags').click();
    const dialog = page.getByTestId('edit-tags-dialog');
    const row = dialog.locator('[data-testid="tag-row"][data-tag="billing"]');
    await row.getByTestId('tag-delete').click();
    const button = row.getByTestId('tag-delete-confirm');
    await button.waitFor();
    await shoot('delete-tag');
    await expectFilledBothSchemes(button);
    await page.keyboard.press('Escape');
    await eventually(() => dialog.count()).toBe(0);
  });

  it('Cancel held in the Queue view', async () => {
    await gui.openLive('#queue');
    await page.getByTestId('cancel-all-held').click();
    const dialog = page.getByTestId('cancel-held-dialog');
    const button = dialog.getByTestId('cancel-held-dialog-confirm');
    await button.waitFor();
    await shoot('cancel-held');
    await expectFilledBothSchemes(button);
    await dialog.getByRole('button', { name: 'Keep them held' }).click();
    await eventually(() => dialog.count()).toBe(0);
  });

  it('Remove key in Settings, without a copy of the rule there', async () => {
    await page.goto(`${gui.relaydesk.url}#settings`);
    await page.reload();
    await page.getByRole('button', { name: 'Remove solo.example/only1' }).click();
    const dialog = page.getByTestId('dkim-remove-dialog');
    const button = dialog.getByRole('button', { name: 'Remove key' });
    await button.waitFor();
    await shoot('remove-key');
    await expectFilledBothSchemes(button);
    await page.keyboard.press('Escape');
    await eventually(() => dialog.count()).toBe(0);
    expect(gui.pageErrors).toEqual([]);
  });
});
