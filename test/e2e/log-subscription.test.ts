// Log lines over the WebSocket only to a page that shows them: the GUI's event stream connects
// with logs=subscribe, and the Logs view subscribes while it is open. With another view open, a
// burst of mail sends that page no log frame (they were ~40 % of its event bytes); opening Logs
// shows lines live again; leaving it stops them. A client that never subscribes (a GUI page from
// before this, a script on ?shape=relaydesk) still gets every line, as it always did.
import type { Page, WebSocket as PageSocket } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('log frames only to a page that follows the log', () => {
  let gui: Gui;
  let page: Page;
  /** Every frame the page's /api/events socket received, as text. */
  const frames: string[] = [];
  const logFrames = () => frames.filter((f) => f.includes('"Type":"log"'));

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string);
    page = gui.page;
    page.on('websocket', (socket: PageSocket) => {
      if (!socket.url().includes('/api/events')) return;
      socket.on('framereceived', (frame) => frames.push(String(frame.payload)));
    });
  }, 120_000);

  afterAll(async () => gui?.close());

  const burst = async (prefix: string, count: number): Promise<void> => {
    for (let i = 0; i < count; i += 1) {
      await gui.send({
        from: 'app@sender.example',
        to: 'qa@project.example',
        subject: `${prefix} ${i}`,
        text: 'x',
      });
    }
  };

  /**
   * Waits until the server has logged the burst, then until a later event (a message marked
   * read) reaches the page: frames on one socket keep their order, so any log frame of the
   * burst would have come before it.
   */
  const settled = async (prefix: string, count: number): Promise<void> => {
    const ids = async () =>
      (
        await gui.relaydesk.api<{ messages: Array<{ ID: string; Subject: string }> }>(
          '/api/v1/messages?limit=50',
        )
      ).messages
        .filter((m) => m.Subject.startsWith(prefix))
        .map((m) => m.ID);
    await eventually(async () => (await ids()).length).toBe(count);
    const burstIds = await ids();
    // the audit line of each accepted message: the last log line a message makes
    const logged = async () =>
      (
        await gui.relaydesk.api<{ entries: Array<{ line: string }> }>(
          '/api/v1/audit/log?limit=1000',
        )
      ).entries.filter((e) => burstIds.some((id) => e.line.includes(`id=${id} `))).length;
    await eventually(logged).toBe(count);
    const marked = frames.length;
    await gui.relaydesk.fetch('/api/v1/messages', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ IDs: burstIds, Read: true }),
    });
    await eventually(() => frames.slice(marked).some((f) => f.includes('"Type":"update"'))).toBe(
      true,
    );
  };

  it('sends no log frame to the mail list during a burst of mail', async () => {
    await gui.openLive();
    frames.length = 0;
    await burst('quiet', 8);
    await eventually(() => page.getByTestId('message-row').count()).toBe(8);
    await settled('quiet', 8);
    expect(frames.some((f) => f.includes('"Type":"new"'))).toBe(true);
    expect(logFrames()).toEqual([]);
  });

  it('shows lines live once Logs is open, and stops them when it closes', async () => {
    await page.goto(`${gui.relaydesk.url}#logs`);
    const lines = page.getByRole('list', { name: 'Log lines' });
    await lines.waitFor();
    const accepted = lines.locator('li', { hasText: 'event=message result=accepted' });
    await eventually(() => accepted.count()).toBe(8);
    await gui.send({
      from: 'app@sender.example',
      to: 'qa@project.example',
      subject: 'live 0',
      text: 'x',
    });
    // over the event stream, without a reload
    await eventually(() => accepted.count()).toBe(9);
    expect(logFrames().length).toBeGreaterThan(0);

    await page.goto(`${gui.relaydesk.url}#`);
    await page.getByTestId('message-row').first().waitFor();
    frames.length = 0;
    await burst('closed', 4);
    await settled('closed', 4);
    expect(logFrames()).toEqual([]);
    expect(gui.pageErrors).toEqual([]);
  });

  it('an old client that never subscribes still gets every log line', async () => {
    const url = `${gui.relaydesk.url.replace(/^http/, 'ws').replace(/\/$/, '')}/api/events?shape=relaydesk`;
    const socket = new WebSocket(url);
    const got: string[] = [];
    socket.on('message', (data) => got.push(String(data)));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    try {
      await gui.send({
        from: 'app@sender.example',
        to: 'qa@project.example',
        subject: 'old',
        text: 'x',
      });
      await eventually(() => got.some((f) => f.includes('"Type":"log"'))).toBe(true);
    } finally {
      socket.close();
    }
  });
});
