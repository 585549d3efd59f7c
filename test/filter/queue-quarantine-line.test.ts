// The Queue view's quiet line about mail the filter holds, in Debian's Chromium against the
// headless server with a real upstream: quarantined mail is in no delivery list, so the queue
// said nothing of it (as mailq shows its hold queue beside the rest, `relaydesk queue` ends with
// a line of its own). The line says how many and links to the Quarantine view; none held, none.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessagesPage, QueueView } from '../../preload/api-contract.js';
import { screenshots, startGui, type Gui } from '../e2e/gui.js';
import { eventually, waitFor } from '../helpers/eventually.js';
import type { TestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('the Queue view while the quarantine holds mail', () => {
  let gui: Gui;
  let upstream: RunningUpstream;
  let relaydesk: TestRelaydesk;
  let page: Page;

  const line = () => page.getByTestId('queue-quarantined');
  const tool = (subject: string) => ({
    from: 'payroll@company.example',
    to: 'accountant@partner.example',
    subject,
    text: 'the tool you asked for',
    attachments: [{ filename: 'payroll-tool.exe', content: 'a legitimate program\n' }],
  });
  const held = async () =>
    (await relaydesk.api<MessagesPage>('/api/v1/quarantine')).messages.map((m) => m.ID);
  /** Both schemes, the queue as it is. */
  const shoot = async (name: string) => {
    const view = page.getByTestId('queue-view');
    await view.screenshot({ path: join(screenshots, `${name}-light.png`) });
    await page.emulateMedia({ colorScheme: 'dark' });
    await view.screenshot({ path: join(screenshots, `${name}-dark.png`) });
    await page.emulateMedia({ colorScheme: 'light' });
  };

  beforeAll(async () => {
    upstream = await startUpstreamServer({ tls: 'none' });
    gui = await startGui(chromiumPath as string, {
      settings: {
        mode: 'relay',
        relay: { host: '127.0.0.1', port: upstream.port, security: 'none' },
        attachments: { types: ['executable'], action: 'quarantine' },
      },
    });
    ({ relaydesk, page } = gui);
    await gui.send({
      from: 'billing@company.example',
      to: 'accountant@partner.example',
      subject: 'Weekly report',
      text: 'numbers',
    });
    await waitFor('the report relayed', async () => upstream.messages.length === 1);
    await gui.openLive('#queue');
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
    await upstream?.close();
  });

  it('says nothing of the quarantine while it holds nothing', async () => {
    // the view shows what it last read (nothing waiting, the line) until its listing comes back
    await eventually(() => page.getByTestId('queue-empty').count()).toBe(1);
    await eventually(() => line().count()).toBe(0);
  });

  it('says how many messages the quarantine holds, quietly, with a link to it', async () => {
    await gui.send(tool('Payroll export tool'));
    await eventually(() => line().innerText()).toBe(
      '1 message is held in the quarantine, not sent unless released. Show the quarantine',
    );
    // a note, not an alarm: nothing is wrong with held mail
    expect(await line().getAttribute('role')).toBeNull();
    await gui.send(tool('Payroll export tool, again'));
    await eventually(() => line().innerText()).toBe(
      '2 messages are held in the quarantine, not sent unless released. Show the quarantine',
    );
    // the queue itself has nothing to send; said with it as one block, not a section apart
    expect(await page.getByTestId('queue-empty').count()).toBe(1);
    const empty = await page.getByTestId('queue-empty').boundingBox();
    const held = await line().boundingBox();
    const gap = (held?.y ?? 0) - ((empty?.y ?? 0) + (empty?.height ?? 0));
    expect(gap).toBeLessThan(12);
    await shoot('queue-quarantined');
    await page.setViewportSize({ width: 640, height: 560 });
    await shoot('queue-quarantined-narrow');
    await page.setViewportSize({ width: 1280, height: 800 });

    await line().getByRole('button', { name: 'Show the quarantine' }).click();
    const rows = page.getByTestId('message-row');
    await eventually(() => rows.count()).toBe(2);
    expect(await page.getByTestId('search-input').inputValue()).toBe('tag:quarantined');
    expect(await page.getByTestId('scanner-state').count()).toBe(1);
  });

  it('drops the line once nothing is held', async () => {
    for (const id of await held()) {
      const res = await relaydesk.fetch(`/api/v1/quarantine/${id}/release`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(res.status).toBe(200);
    }
    await eventually(() => upstream.messages.length).toBe(3);
    expect((await relaydesk.api<QueueView>('/api/v1/queue')).quarantined).toBe(0);
    await page.getByTestId('nav-queue').click();
    // the view shows what it last read (nothing waiting, the line) until its listing comes back
    await eventually(() => page.getByTestId('queue-empty').count()).toBe(1);
    await eventually(() => line().count()).toBe(0);
    expect(gui.pageErrors).toEqual([]);
  });
});
