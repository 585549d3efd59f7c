// A relaying setup whose upstream does not answer, in Chromium against the real headless server:
// the pause banner fits two lines at 1280 px, a narrow window leaves the message room to be read,
// and the list's queued rows pass axe's contrast check, selected, in light and dark.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually, seriousAxeViolations, waitFor } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

/** A loopback port nothing listens on: the upstream is down, so relaying pauses. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.skipIf(!chromiumPath)('the GUI with relaying paused, in small windows', () => {
  let gui: Gui;
  let page: Page;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string, {
      settings: {
        mode: 'relay',
        relay: { host: '127.0.0.1', port: await closedPort(), security: 'none' },
      },
      viewport: { width: 1280, height: 800 },
    });
    page = gui.page;
    await gui.send({
      from: 'Jane Sender <jane.sender@example.com>',
      to: ['Bob Recipient <bob.recipient@example.com>', 'carol@example.org'],
      cc: 'dave.cc@example.net',
      bcc: 'erin.bcc@example.com',
      subject: 'Quarterly invoice for the office',
      text: 'Hello',
      // a tag in use puts the tag filter in the toolbar, as most mailboxes have it
      headers: { 'X-Tags': 'billing' },
    });
    await waitFor(
      'relaying to pause',
      async () =>
        (await gui.relaydesk.api<{ upstream: { paused: unknown } }>('/api/v1/queue')).upstream
          .paused,
      { timeout: 20_000 },
    );
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  async function openTheMessage(): Promise<void> {
    await gui.openLive();
    await page.getByTestId('message-row').first().click();
    await page.getByTestId('message-subject').waitFor();
    await page.getByTestId('paused-banner').waitFor();
  }

  it('the pause banner is two lines at 1280 px: its sentence beside Test connection', async () => {
    await openTheMessage();
    const layout = await page.getByTestId('paused-banner').evaluate((banner) => {
      const text = banner.querySelector('p') as HTMLElement;
      const button = banner.querySelector('button') as HTMLElement;
      const lines =
        text.getBoundingClientRect().height / parseFloat(getComputedStyle(text).lineHeight);
      return {
        lines: Math.round(lines),
        buttonBeside: button.getBoundingClientRect().top < text.getBoundingClientRect().bottom,
      };
    });
    expect(layout).toEqual({ lines: 2, buttonBeside: true });
    await page.screenshot({ path: join(screenshots, 'paused-banner-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'paused-banner-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    expect(gui.pageErrors).toEqual([]);
  });

  it("a queued row, selected, reads against its background in light and dark (axe's contrast)", async () => {
    await openTheMessage();
    await eventually(() =>
      page.getByTestId('message-row').first().getAttribute('aria-selected'),
    ).toBe('true');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it("the banner's connection test and Settings' have names of their own", async () => {
    await gui.openLive('#settings');
    await page.getByTestId('paused-banner').waitFor();
    await page.getByRole('region', { name: 'Connection test', exact: true }).waitFor();
    expect(await page.getByRole('region', { name: 'Connection test', exact: true }).count()).toBe(
      1,
    );
  });

  it('at 800 px wide the message pane keeps more than 340 px', async () => {
    await page.setViewportSize({ width: 800, height: 650 });
    try {
      await openTheMessage();
      const pane = await page
        .getByRole('region', { name: 'Opened message' })
        .evaluate((element) => element.getBoundingClientRect().width);
      expect(pane).toBeGreaterThan(340);
      await page.screenshot({ path: join(screenshots, 'narrow-800-light.png') });
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.screenshot({ path: join(screenshots, 'narrow-800-dark.png') });
      await page.emulateMedia({ colorScheme: 'light' });
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    expect(gui.pageErrors).toEqual([]);
  });

  it('at 900×650 the toolbar is one row and the message header shows every field unscrolled', async () => {
    await page.setViewportSize({ width: 900, height: 650 });
    try {
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await openTheMessage();
        await page.getByTestId('message-bcc').waitFor();
        await page.screenshot({ path: join(screenshots, `narrow-900-${scheme}.png`) });
        // one row: every control's middle on the same line as the search box's
        const rows = await page.locator('header.toolbar').evaluate((toolbar) => {
          const middles = Array.from(toolbar.children)
            .map((child) => child.getBoundingClientRect())
            .filter((box) => box.height > 2)
            .map((box) => Math.round((box.top + box.bottom) / 2 / 10));
          return new Set(middles).size;
        });
        expect(rows).toBe(1);
        // the mail count still reads whole to a screen reader
        expect(await page.getByTestId('mailbox-status').ariaSnapshot()).toMatch(
          /^- text: 1 message, \d unread\n- status: Live updates on$/,
        );
        const header = await page.locator('.message-header').evaluate((element) => ({
          hidden: element.scrollHeight - element.clientHeight,
          tagsInSight:
            (element.querySelector('.tag-editor') as HTMLElement).getBoundingClientRect().bottom <=
            element.getBoundingClientRect().bottom,
        }));
        expect(header).toEqual({ hidden: 0, tagsInSight: true });
      }
    } finally {
      await page.emulateMedia({ colorScheme: 'light' });
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    expect(gui.pageErrors).toEqual([]);
  });

  /** Records each text a status region is given from now on, as a screen reader is handed it. */
  async function listen(selector: string): Promise<() => Promise<string[]>> {
    await page.evaluate((selector) => {
      const region = document.querySelector(selector) as HTMLElement;
      const said: string[] = [];
      (window as unknown as { said: string[] }).said = said;
      new MutationObserver(() => {
        if (region.textContent) said.push(region.textContent);
      }).observe(region, { childList: true, characterData: true, subtree: true });
    }, selector);
    return () => page.evaluate(() => (window as unknown as { said: string[] }).said);
  }
  const shootBoth = async (name: string) => {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(screenshots, `${name}-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
  };
  /** The attempts made for a recipient once none is under way (-1 while one is). */
  const attemptsOf = async (address: string | null): Promise<number> => {
    const queue = await gui.relaydesk.api<{
      messages: { recipients: { address: string; state: string; attempts: number }[] }[];
    }>('/api/v1/queue');
    const recipient = queue.messages
      .flatMap((message) => message.recipients)
      .find((r) => r.address === address);
    if (!recipient || recipient.state === 'sending') return -1;
    return recipient.attempts;
  };
  const focusedButton = () =>
    page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null;
      if (!element || element === document.body) return 'body';
      const entry = element.closest<HTMLElement>('[data-testid="queue-entry"]');
      return `${element.textContent}${entry ? ` ${entry.dataset.address}` : ''}`;
    });

  it("the Delivery tab's Hold and Release hand the focus to each other, and say what they did", async () => {
    await gui.send({
      from: 'jane.sender@example.com',
      to: 'held@example.org',
      subject: 'Hold me by hand',
      text: 'x',
    });
    await gui.openLive();
    await gui.openMessage('Hold me by hand');
    await page.keyboard.press('d');
    const delivery = page.getByTestId('delivery-view');
    await delivery.waitFor();
    // the status region is there, silent, before anything is done
    const region = '[data-testid="delivery-view"] [role="status"]';
    expect(await page.locator(region).textContent()).toBe('');
    const said = await listen(region);
    await delivery.getByRole('button', { name: 'Hold', exact: true }).focus();
    await page.keyboard.press('Enter');
    // Hold turns itself off: the focus goes to Release, which undoes it, not to the page
    await eventually(focusedButton).toBe('Release');
    await eventually(said).toEqual(['Hold: done.']);
    await page.keyboard.press('Enter');
    await eventually(focusedButton).toBe('Hold');
    await eventually(said).toEqual(['Hold: done.', 'Release: done.']);
    // Cancel cannot be undone: it asks first, as the Queue view's does; Esc keeps the message
    const dialog = page.getByTestId('cancel-delivery-dialog');
    const cancel = delivery.getByRole('button', { name: 'Cancel', exact: true });
    await cancel.focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    expect(await dialog.getByTestId('cancel-delivery-text').innerText()).toMatch(
      /^“Hold me by hand” will never be delivered to held@example\.org: /,
    );
    await page.keyboard.press('Escape');
    await eventually(() => dialog.count()).toBe(0);
    await eventually(focusedButton).toBe('Cancel');
    expect(await delivery.getByTestId('recipient-state').innerText()).not.toBe('Cancelled');
    expect(await said()).toEqual(['Hold: done.', 'Release: done.']);
    expect(gui.pageErrors).toEqual([]);
  });

  it("the Queue's action results are said, the first and a repeat; its sidebar count is said once", async () => {
    await gui.openLive('#queue');
    const entries = page.getByTestId('queue-entry');
    await eventually(() => entries.count()).toBeGreaterThanOrEqual(1);
    // "Queue 1 deferred 1 deferred": the drawn counts and the sentence for screen readers
    const queueButton = await page.getByTestId('nav-queue').ariaSnapshot();
    const counts = queueButton.match(/\d+ [a-z]+/g) ?? [];
    expect(counts.length).toBeGreaterThan(0);
    expect(new Set(counts).size).toBe(counts.length);
    expect(await page.getByTestId('queue-notice').textContent()).toBe('');
    const said = await listen('[data-testid="queue-notice"]');
    const address = await entries.first().getAttribute('data-address');
    const entry = page.locator(`[data-testid="queue-entry"][data-address="${address}"]`);
    for (const round of [1, 2]) {
      await entry.getByRole('button', { name: 'Hold', exact: true }).focus();
      await page.keyboard.press('Enter');
      await eventually(focusedButton).toBe(`Release ${address}`);
      await page.keyboard.press('Enter');
      await eventually(focusedButton).toBe(`Retry now ${address}`);
      await eventually(async () => (await said()).length).toBe(round * 2);
    }
    // the same words twice are said twice (Retry now's answer does not change)
    const attemptsBefore = await attemptsOf(address);
    await page.keyboard.press('Enter');
    await eventually(async () => (await said()).length).toBe(5);
    // the answer comes before the attempt it asked for: its buttons are off while it is under
    // way, and an Enter pressed then does nothing (CI pressed between the answer and the attempt)
    await eventually(() => attemptsOf(address)).toBeGreaterThan(attemptsBefore);
    await eventually(focusedButton).toBe(`Retry now ${address}`);
    await eventually(() =>
      entry.getByRole('button', { name: 'Retry now', exact: true }).isEnabled(),
    ).toBe(true);
    await page.keyboard.press('Enter');
    await eventually(async () => (await said()).length).toBe(6);
    expect(await said()).toEqual([
      ...['Hold: done.', 'Release: done.', 'Hold: done.', 'Release: done.'],
      ...['Retry now: due now.', 'Retry now: due now.'],
    ]);
    expect(gui.pageErrors).toEqual([]);
  });

  it('a Queue action that takes its row away leaves the focus on the next entry, then the title', async () => {
    for (const n of [2, 3]) {
      await gui.send({
        from: 'jane.sender@example.com',
        to: `q${n}@example.org`,
        subject: `Queued ${n}`,
        text: 'x',
      });
    }
    await gui.openLive('#queue');
    const entries = page.getByTestId('queue-entry');
    const focused = () =>
      page.evaluate(() => {
        const element = document.activeElement as HTMLElement | null;
        const entry = element?.closest<HTMLElement>('[data-testid="queue-entry"]');
        return entry ? `${element?.textContent} ${entry.dataset.address}` : element?.tagName;
      });
    await eventually(() => entries.count()).toBeGreaterThanOrEqual(3);
    // both just sent are listed (the earlier tests' entries alone could make three)
    for (const n of [2, 3]) await page.locator(`[data-address="q${n}@example.org"]`).waitFor();
    // Cancel takes every recipient of its message out of the queue, for good: it asks first,
    // in the dialog Delete all asks in; Esc keeps the mail queued and gives the focus back
    const before = await entries.count();
    const first = await entries.first().getAttribute('data-address');
    const dialog = page.getByTestId('cancel-delivery-dialog');
    await entries.first().getByRole('button', { name: 'Cancel' }).focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    expect(await dialog.getByTestId('cancel-delivery-text').innerText()).toContain(
      `will never be delivered to ${first}`,
    );
    await shootBoth('queue-cancel-confirm');
    await page.keyboard.press('Escape');
    await eventually(() => dialog.count()).toBe(0);
    await eventually(focused).toBe(`Cancel ${first}`);
    expect(await entries.count()).toBe(before);
    expect(
      (await gui.relaydesk.api<{ messages: unknown[] }>('/api/v1/queue?state=cancelled')).messages,
    ).toEqual([]);
    // asked again, and confirmed
    await page.keyboard.press('Enter');
    await dialog.getByTestId('cancel-delivery-confirm').focus();
    await page.keyboard.press('Enter');
    await eventually(() => entries.count()).toBeLessThan(before);
    const next = await entries.first().getAttribute('data-address');
    expect(next).not.toBe(first);
    // the entry now in its place has the focus, on its first action, so Enter goes on
    await eventually(focused).toBe(`Retry now ${next}`);
    while ((await entries.count()) > 0) {
      const left = await entries.count();
      await entries.first().getByRole('button', { name: 'Cancel' }).focus();
      await page.keyboard.press('Enter');
      await dialog.getByTestId('cancel-delivery-confirm').focus();
      await page.keyboard.press('Enter');
      await eventually(() => entries.count()).toBeLessThan(left);
    }
    await eventually(focused).toBe('H2');
    expect(gui.pageErrors).toEqual([]);
  });
});
