// What a developer coming from Mailpit's web UI reaches for, checked in Chromium against the real
// headless server with mail sent over SMTP: the opened message's toolbar (mark unread, delete and
// go on to the next, download the .eml); Mark all read and Delete all over a search or the list;
// tags added and removed on the opened message, and a click on one shows its messages; the
// unread count on the tab (favicon and title); browser notifications of new mail; what an action
// says while the server is away.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelaydesk, type RunningRelaydesk } from '../../main/headless.js';
import { sendBurst } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually, seriousAxeViolations } from './browser.js';
import { startGui, type Gui } from './gui.js';
import { notificationsShown, recordNotifications } from './notifications-shown.js';

const chromiumPath = requireTool(tools.chromium);

interface Listed {
  total: number;
  unread: number;
  messages: { ID: string; Subject: string; Read: boolean; Tags: string[] }[];
}

describe.skipIf(!chromiumPath)("Mailpit's web UI habits in Relaydesk's GUI", () => {
  let gui: Gui;
  let page: Page;
  /** The relay started again on the same address and spool by the last test. */
  let restarted: RunningRelaydesk | undefined;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string, { viewport: { width: 1280, height: 800 } });
    page = gui.page;
  }, 120_000);

  afterAll(async () => {
    await restarted?.close();
    await gui?.close();
  });

  const listed = () => gui.relaydesk.api<Listed>('/api/v1/messages');
  const row = (subject: string) => page.getByTestId('message-row').filter({ hasText: subject });
  const deleteAll = () => gui.deleteAll();

  it('the opened message: Mark unread, Download .eml, and Delete opens the next one down', async () => {
    await deleteAll();
    for (const n of [1, 2, 3]) {
      await gui.send({
        from: 'shop@example.test',
        to: 'you@example.test',
        subject: `Receipt ${n}`,
        text: `receipt number ${n}`,
      });
    }
    await gui.openLive();
    await eventually(() => page.getByTestId('message-row').count()).toBe(3);
    // newest first: Receipt 3, Receipt 2, Receipt 1
    await row('Receipt 2').click();
    await eventually(() => page.getByTestId('message-subject').innerText()).toBe('Receipt 2');
    await eventually(() => row('Receipt 2').getAttribute('data-unread')).toBe('false');

    await page.getByTestId('toggle-read').click();
    await eventually(() => row('Receipt 2').getAttribute('data-unread')).toBe('true');
    const unread = async () => (await listed()).messages.find((m) => m.Subject === 'Receipt 2');
    await eventually(async () => (await unread())?.Read).toBe(false);
    // still open, and the button now says what it would do
    expect(await page.getByTestId('message-subject').innerText()).toBe('Receipt 2');
    await page.getByRole('button', { name: 'Mark read' }).click();
    await eventually(async () => (await unread())?.Read).toBe(true);

    const id = (await unread())?.ID as string;
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download-eml').click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${id}.eml`);
    const eml = await readFile(await download.path(), 'utf8');
    expect(eml).toMatch(/^Received: from /);
    expect(eml).toContain('Subject: Receipt 2');
    expect(eml).toContain('receipt number 2');

    await page.getByTestId('delete-message').click();
    // Mailpit goes on to the next message down (the older one), which is read now
    await eventually(() => page.getByTestId('message-subject').innerText()).toBe('Receipt 1');
    await eventually(async () => (await listed()).messages.map((m) => m.Subject)).toEqual([
      'Receipt 3',
      'Receipt 1',
    ]);
    await eventually(() => row('Receipt 1').getAttribute('data-unread')).toBe('false');
    // at the bottom of the list, the one above opens
    await page.getByTestId('delete-message').click();
    await eventually(() => page.getByTestId('message-subject').innerText()).toBe('Receipt 3');
    // the Delete key does the same as the button
    await page.keyboard.press('Delete');
    await eventually(async () => (await listed()).total).toBe(0);
    await eventually(() => page.getByTestId('reading-notice').count()).toBe(1);
    expect(gui.pageErrors).toEqual([]);
  });

  it('Delete all and Mark all read act on what the search matches, after asking', async () => {
    await deleteAll();
    for (const subject of ['Invoice 1', 'Welcome', 'Invoice 2', 'Password reset', 'Newsletter']) {
      await gui.send({ from: 'app@example.test', to: 'you@example.test', subject, text: subject });
    }
    await gui.openLive();
    await eventually(() => page.getByTestId('message-row').count()).toBe(5);
    await page.getByTestId('search-input').fill('subject:invoice');
    await page.getByTestId('search-input').press('Enter');
    await eventually(() => page.getByTestId('message-row').count()).toBe(2);

    // Cancel leaves everything as it was
    await page.getByTestId('delete-all').click();
    const dialog = page.getByTestId('confirm-dialog');
    expect(await dialog.getByTestId('confirm-text').innerText()).toBe(
      'This will permanently delete 2 messages matching subject:invoice.',
    );
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await eventually(() => dialog.count()).toBe(0);
    expect((await listed()).total).toBe(5);

    await page.getByTestId('delete-all').click();
    await dialog.getByTestId('confirm-sweep').click();
    await eventually(async () => (await listed()).messages.map((m) => m.Subject).sort()).toEqual([
      'Newsletter',
      'Password reset',
      'Welcome',
    ]);
    await eventually(() => page.getByTestId('message-row').count()).toBe(0);
    expect(await page.getByTestId('delete-all').isDisabled()).toBe(true);

    // back to every message: all three are unread until Mark all read
    await page.getByTestId('search-input').fill('');
    await page.getByTestId('search-input').press('Enter');
    await eventually(() =>
      page.locator('[data-testid="message-row"][data-unread="true"]').count(),
    ).toBe(3);
    await page.getByTestId('mark-all-read').click();
    expect(await dialog.getByTestId('confirm-text').innerText()).toBe(
      'This will mark 3 messages as read.',
    );
    await dialog.getByTestId('confirm-sweep').click();
    await eventually(async () => (await listed()).unread).toBe(0);
    await eventually(() =>
      page.locator('[data-testid="message-row"][data-unread="true"]').count(),
    ).toBe(0);
    expect(await page.getByTestId('mailbox-counts').innerText()).toBe('3 messages, 0 unread');

    // Delete all with no search empties the list
    await page.getByTestId('delete-all').click();
    expect(await dialog.getByTestId('confirm-text').innerText()).toBe(
      'This will permanently delete 3 messages.',
    );
    await dialog.getByTestId('confirm-sweep').click();
    await eventually(async () => (await listed()).total).toBe(0);
    expect(gui.pageErrors).toEqual([]);
  });

  it("the opened message's tags: add one (offered from those in use), remove one, click one to list its messages", async () => {
    await deleteAll();
    await gui.send({
      from: 'app@example.test',
      to: 'you@example.test',
      subject: 'Signup mail',
      text: 'welcome',
      headers: { 'X-Tags': 'signup' },
    });
    await gui.send({
      from: 'app@example.test',
      to: 'you@example.test',
      subject: 'Billing mail',
      text: 'your bill',
      headers: { 'X-Tags': 'billing' },
    });
    await gui.send({
      from: 'app@example.test',
      to: 'you@example.test',
      subject: 'Plain mail',
      text: 'x',
    });
    await gui.openLive();
    await eventually(() => page.getByTestId('message-row').count()).toBe(3);
    await row('Plain mail').click();
    const header = page.locator('.message-header');
    const shown = () => header.getByTestId('tag-name').allInnerTexts();
    const tagsOf = async (subject: string) =>
      (await listed()).messages.find((m) => m.Subject === subject)?.Tags;
    expect(await shown()).toEqual([]);

    const input = header.getByTestId('tag-input');
    await input.click();
    // the tags in use are offered
    await eventually(() =>
      header
        .locator('datalist option')
        .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value)),
    ).toEqual(['billing', 'signup']);
    await input.fill('signup');
    await input.press('Enter');
    await input.fill('needs review');
    await input.press('Enter');
    await eventually(() => tagsOf('Plain mail')).toEqual(['needs review', 'signup']);
    await eventually(shown).toEqual(['needs review', 'signup']);
    // the list's row shows them too
    await eventually(() => row('Plain mail').getByTestId('tag-chip').allInnerTexts()).toEqual([
      'needs review',
      'signup',
    ]);

    // the toolbar, the list's actions and the tag editor are usable with a screen reader
    expect(await seriousAxeViolations(page)).toEqual([]);
    await header.getByRole('button', { name: 'Remove the tag needs review' }).click();
    await eventually(() => tagsOf('Plain mail')).toEqual(['signup']);
    await eventually(shown).toEqual(['signup']);

    // a click on a tag lists the messages with it, as Mailpit's tag links do
    await header.getByTestId('tag-name').filter({ hasText: 'signup' }).click();
    await eventually(() => page.getByTestId('tag-filter').inputValue()).toBe('signup');
    await eventually(() => page.getByTestId('message-row-subject').allInnerTexts()).toEqual([
      'Plain mail',
      'Signup mail',
    ]);
    expect(gui.pageErrors).toEqual([]);
  });

  it('the unread count shows on the tab: in the title and drawn on the favicon', async () => {
    await deleteAll();
    await gui.openLive();
    const icon = () =>
      page.evaluate(() => document.querySelector<HTMLLinkElement>('link[rel="icon"]')?.href ?? '');
    await eventually(() => page.title()).toBe('Relaydesk');
    const plain = await icon();
    expect(plain).toMatch(/^http:.*\.png$/);
    for (const n of [1, 2]) {
      await gui.send({
        from: 'a@example.test',
        to: 'b@example.test',
        subject: `Tab ${n}`,
        text: 'x',
      });
    }
    await eventually(() => page.title()).toBe('(2) Relaydesk');
    await eventually(icon).toMatch(/^data:image\/png;base64,/);
    // the badge is drawn over the icon: the bottom right corner is red, the top left the icon's
    const pixels = await page.evaluate(
      async (src) => {
        const image = new Image();
        image.src = src;
        await image.decode();
        const canvas = document.createElement('canvas');
        canvas.width = 64;
        canvas.height = 64;
        const context = canvas.getContext('2d') as CanvasRenderingContext2D;
        context.drawImage(image, 0, 0);
        return [
          context.getImageData(60, 60, 1, 1).data,
          context.getImageData(2, 30, 1, 1).data,
        ].map((d) => [...d]);
      },
      await icon(),
    );
    expect(pixels[0]).toEqual([221, 0, 0, 255]);
    expect(pixels[1]).not.toEqual([221, 0, 0, 255]);

    await row('Tab 2').click();
    await eventually(() => page.title()).toBe('(1) Relaydesk');
    await row('Tab 1').click();
    await eventually(() => page.title()).toBe('Relaydesk');
    await eventually(icon).toBe(plain);
    expect(gui.pageErrors).toEqual([]);
  });

  it('a burst of arrivals: the tab count follows it twice a second, and the notification permission is not asked each render', async () => {
    await deleteAll();
    // each is a message to Chromium's browser process (the permission a synchronous one): counted
    // on the way to the real ones
    await page.addInitScript(() => {
      const seen = { permissionReads: 0, titles: [] as [number, string][] };
      (window as unknown as { seen: typeof seen }).seen = seen;
      let owner: object | null = window.Notification;
      while (owner && !Object.getOwnPropertyDescriptor(owner, 'permission'))
        owner = Object.getPrototypeOf(owner) as object | null;
      const permission = owner && Object.getOwnPropertyDescriptor(owner, 'permission');
      if (owner && permission?.get) {
        const read = permission.get;
        Object.defineProperty(owner, 'permission', {
          configurable: true,
          get() {
            seen.permissionReads++;
            return read.call(this) as NotificationPermission;
          },
        });
      }
      const title = Object.getOwnPropertyDescriptor(Document.prototype, 'title');
      if (!title?.get || !title.set) return;
      const { get, set } = title;
      Object.defineProperty(Document.prototype, 'title', {
        configurable: true,
        get,
        set(value: string) {
          seen.titles.push([performance.now(), value]);
          set.call(this, value);
        },
      });
    });
    await gui.openLive();
    const seen = () =>
      page.evaluate(
        () =>
          (window as unknown as { seen: { permissionReads: number; titles: [number, string][] } })
            .seen,
      );
    const before = await seen();
    const count = 150;
    await sendBurst(gui.relaydesk.smtp, count, (n) => ({
      from: 'burst@example.test',
      to: 'b@example.test',
      subject: `Burst ${n}`,
      text: 'x',
    }));
    await eventually(() => page.title()).toBe(`(${count}) Relaydesk`);
    const after = await seen();
    expect(after.permissionReads - before.permissionReads).toBe(0);
    const titles = after.titles.slice(before.titles.length);
    expect(titles.at(-1)?.[1]).toBe(`(${count}) Relaydesk`);
    // never two within half a second (a timer may fire a few ms early by the page's clock)
    const gaps = titles.slice(1).map(([at], i) => at - (titles[i] as [number, string])[0]);
    expect(gaps.filter((gap) => gap < 490)).toEqual([]);
    expect(gui.pageErrors).toEqual([]);
  });

  it('browser notifications of new mail, once turned on; a click on one opens its message', async () => {
    await deleteAll();
    await page.context().grantPermissions(['notifications'], { origin: gui.relaydesk.url });
    await recordNotifications(page);
    await gui.openLive();
    const shown = () => notificationsShown(page);
    const toggle = async () => {
      await page.getByRole('button', { name: 'More actions' }).click();
      await page.getByTestId('toggle-notifications').click();
    };
    const checked = async () => {
      await page.getByRole('button', { name: 'More actions' }).click();
      const state = await page.getByTestId('toggle-notifications').getAttribute('aria-checked');
      await page.keyboard.press('Escape');
      return state;
    };
    // off until asked for: mail arrives, no notification
    await gui.send({
      from: 'early@example.test',
      to: 'b@example.test',
      subject: 'Before',
      text: 'x',
    });
    await eventually(() => row('Before').count()).toBe(1);
    expect(await shown()).toEqual([]);

    await toggle();
    expect(await checked()).toBe('true');
    await gui.send({
      from: 'shop@example.test',
      to: 'b@example.test',
      subject: 'Your order',
      text: 'x',
    });
    await eventually(shown).toEqual(['New mail from shop@example.test: Your order']);
    await page.evaluate(() => {
      const [first] = (window as unknown as { shown: Notification[] }).shown;
      first?.onclick?.(new Event('click'));
    });
    await eventually(() => page.getByTestId('message-subject').innerText()).toBe('Your order');

    // kept in this browser across a reload; turned off, no more
    await gui.openLive();
    expect(await checked()).toBe('true');
    await toggle();
    expect(await checked()).toBe('false');
    await gui.send({
      from: 'late@example.test',
      to: 'b@example.test',
      subject: 'After',
      text: 'x',
    });
    await eventually(() => row('After').count()).toBe(1);
    expect(await shown()).toEqual([]);
    expect(gui.pageErrors).toEqual([]);
  });

  it('an action while the server is away says so in words, and the list recovers when it is back', async () => {
    await deleteAll();
    await gui.send({ from: 'a@example.test', to: 'b@example.test', subject: 'Kept', text: 'x' });
    await gui.openLive();
    await row('Kept').click();
    await eventually(() => row('Kept').getAttribute('data-unread')).toBe('false');
    // the message itself read before the server goes (its toolbar is what is clicked below): the
    // row is marked read by the click alone, and a loaded machine once stopped the server before
    // the message came, so the pane showed the failed read and no toolbar
    await eventually(() => page.getByTestId('message-subject').innerText()).toBe('Kept');
    const { relaydesk } = gui;
    const http = `127.0.0.1:${relaydesk.http.port}`;
    const smtp = `127.0.0.1:${relaydesk.smtp.port}`;
    await relaydesk.close();
    // a loaded machine takes its time to notice the stream gone and the request failed
    await page
      .locator('[data-testid="stream-state"][data-state="reconnecting"]')
      .waitFor({ timeout: 30_000 });

    await page.getByTestId('toggle-read').click();
    // before: the list said only "Failed to fetch"
    await eventually(() => page.getByTestId('list-error').innerText(), 30_000).toMatch(
      /^Relaydesk did not answer \(GET \/api\/v1\/messages\): it has stopped or the network is down\. This page reconnects by itself once it is back\.$/,
    );

    restarted = await startRelaydesk({ smtp, http, dataDir: relaydesk.dataDir });
    await page
      .locator('[data-testid="stream-state"][data-state="open"]')
      .waitFor({ timeout: 30_000 });
    await eventually(() => page.getByTestId('list-error').count(), 30_000).toBe(0);
    // the change that never reached the server is not shown as made
    await eventually(() => row('Kept').getAttribute('data-unread')).toBe('false');
    expect(gui.pageErrors).toEqual([]);
  }, 90_000);
});
