// What a QA pass through the GUI found (session 36: settings links, j/k, cid: images, the queue's
// times, the sidebar, narrow windows, envelope-only recipients), each checked in Chromium against
// the real headless server with mail sent over SMTP during the test.
import { createServer } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDelivery, MessagesPage } from '../../preload/api-contract.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('the QA findings in Chromium against the headless server', () => {
  let gui: Gui;
  let page: Page;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string, { viewport: { width: 1400, height: 860 } });
    page = gui.page;
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  it('Settings: a section link scrolls to its section and stays in Settings', async () => {
    await gui.openLive('#settings');
    const settings = page.getByRole('region', { name: 'Settings' });
    const nav = page.getByRole('navigation', { name: 'Settings sections' });
    const retention = page.locator('#section-retention');
    await retention.waitFor();
    await nav.getByRole('link', { name: 'Retention', exact: true }).click();
    await eventually(() => retention.evaluate((el) => el.getBoundingClientRect().top)).toBeLessThan(
      200,
    );
    expect(await settings.isVisible()).toBe(true);
    expect(await page.evaluate(() => window.location.hash)).toBe('#settings');
    // from the keyboard too: focus a link, press Enter, the focus lands in that section
    await nav.getByRole('link', { name: 'Appearance', exact: true }).focus();
    await page.keyboard.press('Enter');
    await eventually(() =>
      page.evaluate(() => !!document.activeElement?.closest('#section-appearance')),
    ).toBe(true);
    expect(await settings.isVisible()).toBe(true);
    expect(gui.pageErrors).toEqual([]);
  });

  it('j/k and the arrows: the first j opens the newest, j goes down one, k up one', async () => {
    for (let n = 1; n <= 5; n++) {
      await gui.send({
        from: 'keys@example.test',
        to: 'you@example.test',
        subject: `Key message ${n}`,
        text: `body ${n}`,
      });
    }
    // a fresh page, nothing focused, nothing open
    await gui.openLive();
    await eventually(() => page.getByTestId('message-row').count()).toBe(5);
    const opened = () =>
      page.evaluate(
        () => document.querySelector('.message-row.opened')?.getAttribute('data-index') ?? 'none',
      );
    const press = async (key: string, index: string) => {
      await page.keyboard.press(key);
      await eventually(opened).toBe(index);
    };
    // newest first: row 0 is "Key message 5"
    await press('j', '0');
    expect(await page.locator('.message-row.opened').innerText()).toContain('Key message 5');
    await press('j', '1');
    await press('j', '2');
    await press('k', '1');
    await press('k', '0');
    await press('k', '0'); // at the top it stays
    await press('End', '0'); // not a page-wide key: nothing moves
    await gui.openLive();
    await eventually(() => page.getByTestId('message-row').count()).toBe(5);
    await press('ArrowDown', '0');
    await press('ArrowDown', '1');
    await press('ArrowUp', '0');
    for (let i = 0; i < 6; i++) await page.keyboard.press('j');
    await eventually(opened).toBe('4'); // at the bottom it stays
    expect(gui.pageErrors).toEqual([]);
  });

  it('shows cid: images of a multipart/related message without asking for remote content', async () => {
    await gui.send({
      from: 'news@example.test',
      to: 'you@example.test',
      subject: 'Newsletter with an inline logo',
      text: 'logo',
      html: '<p>Our logo:</p><img id="logo" src="cid:logo1" alt="logo"><img id="missing" src="cid:nope" alt="none">',
      attachments: [
        {
          filename: 'logo.png',
          cid: 'logo1',
          contentType: 'image/png',
          content: Buffer.from(
            'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
            'base64',
          ),
        },
      ],
    });
    await page
      .getByTestId('message-row')
      .filter({ hasText: 'Newsletter with an inline logo' })
      .click();
    const frame = page.frameLocator('[data-testid="html-preview"]');
    await eventually(() =>
      frame.locator('#logo').evaluate((img: HTMLImageElement) => img.naturalWidth),
    ).toBe(1);
    expect(await frame.locator('#logo').getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    // a reference to no part of the message stays what it was
    expect(await frame.locator('#missing').getAttribute('src')).toBe('cid:nope');
    expect(await page.getByTestId('remote-notice').count()).toBe(0);
    // the frame keeps its sandbox and its strict policy
    expect(await page.getByTestId('html-preview').getAttribute('sandbox')).toBe(
      'allow-popups allow-popups-to-escape-sandbox',
    );
    expect(gui.pageErrors).toEqual([]);
  });

  it('a sidebar mailbox clears the search Quarantine set and the Senders pane', async () => {
    await gui.openLive();
    const more = page.getByRole('button', { name: 'More actions' });
    const allMail = page
      .getByRole('navigation', { name: 'Views' })
      .getByRole('button', { name: /^All mail/ });
    await eventually(() => page.getByTestId('message-row').count()).toBeGreaterThan(0);
    await more.click();
    await page.getByTestId('show-quarantine').click();
    await page.getByTestId('list-empty').waitFor();
    expect(await page.getByRole('searchbox').inputValue()).toBe('tag:quarantined');
    await allMail.click();
    await eventually(() => page.getByRole('searchbox').inputValue()).toBe('');
    await page.getByTestId('list-empty').waitFor({ state: 'detached' });
    await eventually(() => page.getByTestId('message-row').count()).toBeGreaterThan(0);

    await more.click();
    await page.getByTestId('show-suspensions').click();
    const senders = page.getByTestId('suspensions');
    await senders.waitFor();
    // "Nobody is suspended." lines up with the form above it: the panel's padding and the
    // notice's own had set it 16 px in
    const textLeft = (element: Element) => {
      const range = document.createRange();
      range.selectNodeContents(element);
      return Math.round(range.getBoundingClientRect().left);
    };
    const nobody = senders.getByText('Nobody is suspended.');
    await nobody.waitFor();
    expect(await nobody.evaluate(textLeft)).toBe(
      await senders.getByRole('heading', { name: 'Suspended senders' }).evaluate(textLeft),
    );
    await allMail.click();
    await senders.waitFor({ state: 'detached' });
    await page.getByTestId('reading-notice').waitFor();
    expect(gui.pageErrors).toEqual([]);
  });

  it('lists a message sent to envelope recipients only (no To or Cc) by those recipients', async () => {
    // msmtp, cron and `sendmail rcpt` send such mail; Mailpit lists its envelope-only
    // recipients as Bcc, and the row names them rather than "(no recipients)"
    await gui.send({
      envelope: { from: 'cron@example.test', to: ['ops@example.test'] },
      from: 'cron@example.test',
      subject: 'Envelope only',
      text: 'nightly job done',
    });
    await gui.openLive();
    const row = page.getByTestId('message-row').filter({ hasText: 'Envelope only' });
    await eventually(() => row.innerText()).toContain('to ops@example.test');
    expect(await row.innerText()).not.toContain('(no recipients)');
  });

  it('at 900×650 the list leaves room to read and the page does not scroll as a whole', async () => {
    await page.setViewportSize({ width: 900, height: 650 });
    try {
      await gui.openLive();
      await page
        .getByTestId('message-row')
        .filter({ hasText: 'Newsletter with an inline logo' })
        .click();
      await page.getByTestId('html-preview').waitFor();
      const width = (testId: string) =>
        page.getByTestId(testId).evaluate((el) => el.getBoundingClientRect().width);
      expect(await width('message-list-pane')).toBeLessThanOrEqual(360);
      const pane = await page
        .getByRole('region', { name: 'Opened message' })
        .evaluate((el) => el.getBoundingClientRect().width);
      expect(pane).toBeGreaterThanOrEqual(300);
      const page_ = await page.evaluate(() => ({
        scroll: document.scrollingElement?.scrollHeight ?? 0,
        height: window.innerHeight,
      }));
      expect(page_.scroll).toBeLessThanOrEqual(page_.height);
      // wide again, the list has its width back
      await page.setViewportSize({ width: 1400, height: 860 });
      await eventually(() => width('message-list-pane')).toBe(460);
    } finally {
      await page.setViewportSize({ width: 1400, height: 860 });
    }
    expect(gui.pageErrors).toEqual([]);
  });
});

/** A port nothing listens on: one the system gave out and that was closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

describe.skipIf(!chromiumPath)('the queue while the upstream is unreachable', () => {
  let gui: Gui;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string, {
      viewport: { width: 1400, height: 860 },
      settings: {
        mode: 'relay',
        relay: { host: '127.0.0.1', port: await closedPort(), security: 'none' },
      },
      // the relay's clock an hour behind the page's: its next attempt is already past here,
      // as it is once relaying has been paused for longer than the retry delay
      now: () => Date.now() - 3_600_000,
    });
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  it('says a deferred recipient goes when the upstream answers again and when it is probed next, never a next try "ago"', async () => {
    const page = gui.page;
    await gui.openLive('#queue');
    await gui.send({
      from: 'app@example.test',
      to: 'customer@example.com',
      subject: 'Order confirmation',
      text: 'Thanks.',
    });
    const entry = page.locator('[data-testid="queue-entry"][data-address="customer@example.com"]');
    await eventually(() => entry.getAttribute('data-state')).toBe('deferred');
    await page.getByRole('button', { name: 'Resume upstream' }).waitFor();
    await eventually(() => entry.getByTestId('queue-next').innerText()).toMatch(
      /^goes when the upstream answers again — next probe /,
    );
    expect(await entry.innerText()).not.toContain('ago');

    // the message's Delivery tab says the same, not the retry time the queue no longer shows
    await entry.getByRole('button', { name: 'Order confirmation' }).click();
    await page.getByRole('tab', { name: 'Delivery', exact: true }).click();
    const recipient = page.locator(
      '[data-testid="recipient"][data-address="customer@example.com"]',
    );
    await eventually(() => recipient.getByTestId('recipient-next').innerText()).toMatch(
      /^goes when the upstream answers again — next probe /,
    );
    const id = (await gui.relaydesk.api<MessagesPage>('/api/v1/messages')).messages[0]?.ID;
    const delivery = await gui.relaydesk.api<MessageDelivery>(`/api/v1/message/${id}/delivery`);
    expect(delivery.recipients[0]).toMatchObject({ state: 'deferred', waitsForUpstream: true });
    expect(gui.pageErrors).toEqual([]);
  });
});
