// 2,000 messages sent over SMTP: the list keeps a few dozen rows in the DOM, fetches pages as it
// scrolls, reaches the oldest, and keeps the user's place and selection when mail arrives.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelaydesk, type RunningRelaydesk } from '../../main/headless.js';
import { pooledTransport } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);
const COUNT = 2000;
const subject = (n: number) => `Bulk ${String(n).padStart(4, '0')}`;

describe.skipIf(!chromiumPath)('a long list in Chromium', () => {
  let gui: Gui;
  // the fixture's relay, then the one a test starts again on the same address and spool
  let relaydesk: RunningRelaydesk;
  let page: Page;

  async function sendMany(from: number, count: number): Promise<void> {
    // one pooled connection per sender: the listener's greeting delay is paid once, not 2,000 times
    const transport = pooledTransport(relaydesk.smtp);
    try {
      const one = (n: number) =>
        transport.sendMail({
          from: 'load@example.test',
          to: 'list@example.test',
          subject: subject(n),
          text: `message number ${n}`,
        });
      // the first alone, so it is really the oldest; the rest four at a time
      await one(from);
      for (let start = from + 1; start < from + count; start += 4) {
        const batch = [];
        for (let n = start; n < Math.min(from + count, start + 4); n++) batch.push(one(n));
        await Promise.all(batch);
      }
    } finally {
      transport.close();
    }
  }

  const scroller = () => page.getByTestId('message-list');
  const firstVisible = () =>
    page.evaluate(() => {
      const list = document.querySelector('[data-testid="message-list"]') as HTMLElement;
      const top = list.getBoundingClientRect().top;
      const rows = Array.from(list.querySelectorAll<HTMLElement>('[data-testid="message-row"]'));
      const first = rows
        .filter((row) => row.getBoundingClientRect().bottom > top + 1)
        .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)[0];
      return first
        ? {
            id: first.dataset.messageId,
            index: Number(first.dataset.index),
            top: Math.round(first.getBoundingClientRect().top - top),
          }
        : null;
    });

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string);
    ({ relaydesk, page } = gui);
    await sendMany(0, COUNT);
    await gui.openLive();
  }, 240_000);

  afterAll(async () => {
    await relaydesk?.close();
    await gui?.close();
  });

  it('counts all 2,000 but keeps only the rows in sight in the DOM', async () => {
    await eventually(() => scroller().getAttribute('data-total')).toBe(String(COUNT));
    await eventually(() => page.getByTestId('message-row').first().innerText()).toContain(
      subject(COUNT - 1),
    );
    const inDom = await page.locator('[role="option"]').count();
    expect(inDom).toBeGreaterThan(5);
    expect(inDom).toBeLessThan(100);
    expect(await page.locator('[role="option"]').first().getAttribute('aria-setsize')).toBe(
      String(COUNT),
    );
  });

  it('reaches the oldest message by scrolling, fetching the pages on the way', async () => {
    await scroller().evaluate((list) => {
      list.scrollTop = list.scrollHeight;
    });
    const oldest = page.getByTestId('message-row').filter({ hasText: subject(0) });
    await eventually(() => oldest.count()).toBe(1);
    expect(await oldest.getAttribute('aria-posinset')).toBe(String(COUNT));
    expect(await page.locator('[role="option"]').count()).toBeLessThan(100);
    // and back to the newest by keyboard
    await scroller().focus();
    await page.keyboard.press('Home');
    await eventually(() =>
      page
        .getByTestId('message-row')
        .filter({ hasText: subject(COUNT - 1) })
        .count(),
    ).toBe(1);
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await eventually(() => page.getByTestId('message-subject').innerText()).toBe(subject(0));
  });

  it('keeps the scroll position and the selection when new mail arrives', async () => {
    await scroller().evaluate((list) => {
      list.scrollTop = 66 * 700;
    });
    // the rows in the DOM follow the scroll only once the list has handled its scroll event: until
    // then they are the previous test's, at the bottom, and about to be replaced
    await eventually(async () => Math.abs((await firstVisible())!.index - 700) < 20).toBe(true);
    await eventually(() => page.getByTestId('message-row-loading').count()).toBe(0);
    // select a row in sight
    const inSight = (await firstVisible())!.index + 2;
    const targetId = await page
      .locator(`[data-testid="message-row"][data-index="${inSight}"]`)
      .getAttribute('data-message-id');
    const target = page.locator(`[data-message-id="${targetId}"]`);
    await target.click();
    await eventually(() => target.getAttribute('aria-selected')).toBe('true');
    const before = await firstVisible();

    await sendMany(COUNT, 3);
    await eventually(() => scroller().getAttribute('data-total')).toBe(String(COUNT + 3));
    // the same message at the same height, three places further down the list
    expect(await firstVisible()).toEqual({ ...before!, index: before!.index + 3 });
    const selected = page.locator('[role="option"][aria-selected="true"]');
    expect(await selected.getAttribute('data-message-id')).toBe(targetId);

    // at the top, the new mail shows
    await scroller().evaluate((list) => {
      list.scrollTop = 0;
    });
    // (sent over three connections at once, so in any order among themselves)
    const topThree = async () =>
      (await page.getByTestId('message-row-subject').allInnerTexts()).slice(0, 3).sort();
    await eventually(topThree).toEqual([subject(COUNT), subject(COUNT + 1), subject(COUNT + 2)]);
  });

  it('says when the live connection is lost and reconnects by itself when the server is back', async () => {
    const http = `127.0.0.1:${relaydesk.http.port}`;
    const smtp = `127.0.0.1:${relaydesk.smtp.port}`;
    await relaydesk.close();
    await page.locator('[data-testid="stream-state"][data-state="reconnecting"]').waitFor();
    expect(await page.getByTestId('reconnecting-banner').innerText()).toContain(
      'reconnecting by itself',
    );
    // back on the same address, with the same spool
    relaydesk = await startRelaydesk({ smtp, http, dataDir: gui.relaydesk.dataDir });
    await page
      .locator('[data-testid="stream-state"][data-state="open"]')
      .waitFor({ timeout: 30_000 });
    await eventually(() => page.getByTestId('reconnecting-banner').count()).toBe(0);
    await sendMany(COUNT + 3, 1);
    await eventually(() => scroller().getAttribute('data-total')).toBe(String(COUNT + 4));
  });
});
