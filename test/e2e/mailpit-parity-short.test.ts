// The rough edges a Mailpit user trips on, in Chromium against the real headless server with mail
// sent over SMTP: the opened message's header whole in a short window (a 1280×720 laptop), a tag
// in the list filtering as Mailpit's list does, the list's place in the address (Mailpit's
// start=), and /view/latest opening the newest message in the UI.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pooledTransport } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually, seriousAxeViolations } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

interface Listed {
  total: number;
  messages: { ID: string; Subject: string }[];
}

describe.skipIf(!chromiumPath)("Mailpit's web UI habits in Relaydesk's GUI, part 3", () => {
  let gui: Gui;
  let page: Page;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string, { viewport: { width: 1280, height: 720 } });
    page = gui.page;
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  const listed = (query = '') =>
    gui.relaydesk.api<Listed>(
      query === '' ? '/api/v1/messages' : `/api/v1/search?query=${encodeURIComponent(query)}`,
    );
  const deleteAll = () => gui.deleteAll();
  const param = (name: string) => new URL(page.url()).searchParams.get(name);
  const waitLive = () => page.locator('[data-testid="stream-state"][data-state="open"]').waitFor();
  const row = (subject: string) => page.getByTestId('message-row').filter({ hasText: subject });
  const tag = (ids: string[], tags: string[]) =>
    gui.relaydesk.fetch('/api/v1/tags', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ IDs: ids, Tags: tags }),
    });

  it('a short window shows the whole header, Tags row and all, above a body that keeps most of the height', async () => {
    await deleteAll();
    await gui.send({
      from: 'app@example.test',
      to: ['Jane Doe <jane.doe@example.com>', 'bob@example.org'],
      cc: 'carol@example.net',
      subject: 'Your invoice #1003 for November is ready to download',
      text: 'Hello',
    });
    await eventually(async () => (await listed()).total).toBe(1);
    const id = (await listed()).messages[0]?.ID as string;
    await tag([id], ['billing', 'signup', 'staging']);

    // a laptop, a small window, a window beside another (where the pane is narrowest)
    for (const [width, height, bodyShare] of [
      [1280, 720, 0.5],
      [1024, 700, 0.5],
      [800, 700, 0.45],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.goto(`${gui.relaydesk.url}?message=${id}`);
      await waitLive();
      await eventually(() => page.getByTestId('tag-editor').getByTestId('tag-chip').count()).toBe(
        3,
      );
      await page.locator('#message-tab-panel').waitFor();
      const shown = await page.evaluate(() => {
        const header = document.querySelector('.message-header') as HTMLElement;
        const box = header.getBoundingClientRect();
        const inside = (element: Element) => {
          const r = element.getBoundingClientRect();
          return r.top >= box.top - 1 && r.bottom <= box.bottom + 1 && r.right <= box.right + 1;
        };
        const panel = document.getElementById('message-tab-panel') as HTMLElement;
        return {
          hidden: header.scrollHeight - header.clientHeight,
          // every chip, the field to add one, and each action button whole in the header's box
          outside: Array.from(
            header.querySelectorAll(
              '[data-testid="tag-chip"], [data-testid="tag-input"], .message-actions > *',
            ),
          )
            .filter((element) => !inside(element))
            .map((element) => element.textContent || element.getAttribute('aria-label')),
          bodyTop: panel.getBoundingClientRect().top,
        };
      });
      expect({ width, height, ...shown }).toMatchObject({
        hidden: 0,
        outside: [],
      });
      // the tab's content starts in the upper part of the window: the body keeps most of it
      expect(shown.bodyTop, `${width}×${height}`).toBeLessThan(height * (1 - bodyShare));
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({
          path: join(screenshots, `short-window-${width}x${height}-${scheme}.png`),
        });
      }
      await page.emulateMedia({ colorScheme: 'light' });
    }
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 720 });
    expect(gui.pageErrors).toEqual([]);
  });

  it("a tag clicked in the list shows that tag's messages without opening the row's message", async () => {
    await deleteAll();
    for (const subject of ['Welcome aboard', 'Reset your password', 'Weekly digest']) {
      await gui.send({ from: 'app@example.test', to: 'you@example.test', subject, text: subject });
    }
    await eventually(async () => (await listed()).total).toBe(3);
    const bySubject = new Map((await listed()).messages.map((m) => [m.Subject, m.ID]));
    await tag([bySubject.get('Welcome aboard') as string], ['signup']);
    await tag([bySubject.get('Reset your password') as string], ['signup', 'security']);

    await page.goto(gui.relaydesk.url);
    await waitLive();
    await row('Weekly digest').click();
    const opened = bySubject.get('Weekly digest');
    await eventually(() => param('message')).toBe(opened);

    await row('Reset your password').getByTestId('tag-chip').filter({ hasText: 'signup' }).click();
    await eventually(() => page.getByTestId('tag-filter').inputValue()).toBe('signup');
    expect(param('tag')).toBe('signup');
    await eventually(() => page.getByTestId('message-row-subject').allInnerTexts()).toEqual([
      'Reset your password',
      'Welcome aboard',
    ]);
    // the row clicked through is neither opened nor selected; the message being read stays
    expect(param('message')).toBe(opened);
    expect(await page.getByTestId('message-subject').innerText()).toBe('Weekly digest');
    expect(await row('Reset your password').getAttribute('aria-selected')).toBe('false');
    expect(await seriousAxeViolations(page)).toEqual([]);
    // Back returns to every message, as after any other tag picked
    await page.goBack();
    await eventually(() => page.getByTestId('tag-filter').inputValue()).toBe('');
    await eventually(() => page.getByTestId('message-row').count()).toBe(3);

    // a mailbox picked in the sidebar shows it as it is, as Mailpit's Inbox link (to /) drops
    // the search and its tag: tag:signup and a typed search both go
    await page.getByTestId('search-input').fill('subject:reset');
    await page.getByTestId('search-input').press('Enter');
    await eventually(() => param('q')).toBe('subject:reset');
    await page.getByTestId('tag-filter').selectOption('signup');
    await eventually(() => param('tag')).toBe('signup');
    await page.getByTestId('nav-mailbox-inbox').click();
    await eventually(() => param('mailbox')).toBe('inbox');
    expect(param('q')).toBe(null);
    expect(param('tag')).toBe(null);
    expect(await page.getByTestId('tag-filter').inputValue()).toBe('');
    await eventually(() => page.getByTestId('message-row').count()).toBe(3);
    expect(gui.pageErrors).toEqual([]);
  });

  it('a mailbox picked as a typed search pauses shows the mailbox unsearched (the pause does not bring the words back)', async () => {
    await deleteAll();
    // The search runs 300 ms after typing stops. Those timers are held while `hold` is on and run
    // when the test says: right after the click, before the page draws again, where a busy
    // machine once ran the pause's search (the list came back searched, the address with q=).
    await page.addInitScript(() => {
      const held: (() => void)[] = [];
      const cleared = new Set<number>();
      const real = { set: window.setTimeout.bind(window), clear: window.clearTimeout.bind(window) };
      let nextId = 1_000_000;
      const w = window as unknown as { hold: boolean; runHeld(): number };
      w.hold = false;
      w.runHeld = () => held.splice(0).filter((run) => (run(), true)).length;
      window.setTimeout = ((run: () => void, ms?: number, ...args: unknown[]) => {
        if (!w.hold || ms !== 300) return real.set(run, ms, ...args);
        const id = nextId++;
        held.push(() => {
          if (!cleared.has(id)) run();
        });
        return id;
      }) as typeof window.setTimeout;
      window.clearTimeout = ((id?: number) => {
        if (id !== undefined && id >= 1_000_000) cleared.add(id);
        else real.clear(id);
      }) as typeof window.clearTimeout;
    });
    await gui.send({ from: 'a@example.test', to: 'b@example.test', subject: 'Reset', text: 'x' });
    await gui.send({ from: 'a@example.test', to: 'b@example.test', subject: 'Other', text: 'x' });
    await page.goto(gui.relaydesk.url);
    await waitLive();
    await eventually(() => page.getByTestId('message-row').count()).toBe(2);

    await page.evaluate(() => ((window as unknown as { hold: boolean }).hold = true));
    await page.getByTestId('search-input').fill('subject:reset');
    await page.getByTestId('search-input').press('Enter');
    await eventually(() => param('q')).toBe('subject:reset');
    await eventually(() => page.getByTestId('message-row').count()).toBe(1);
    await page.evaluate(() => {
      document.querySelector<HTMLElement>('[data-testid="nav-mailbox-inbox"]')?.click();
      (window as unknown as { runHeld(): number }).runHeld();
    });
    await eventually(() => param('mailbox')).toBe('inbox');
    await eventually(() => page.getByTestId('message-row').count()).toBe(2);
    expect(param('q')).toBe(null);
    expect(await page.getByTestId('search-input').inputValue()).toBe('');
    expect(gui.pageErrors).toEqual([]);
  });

  it("the list's place is in the address as Mailpit's start=: a reload keeps it, Back steps back a page", async () => {
    await deleteAll();
    const transport = pooledTransport(gui.relaydesk.smtp);
    try {
      const batch = [];
      for (let n = 0; n < 160; n++) {
        const subject = `Paged ${String(n).padStart(3, '0')}`;
        batch.push(
          transport.sendMail({ from: 'load@example.test', to: 'l@example.test', subject }),
        );
      }
      await Promise.all(batch);
    } finally {
      transport.close();
    }
    await eventually(async () => (await listed()).total).toBe(160);
    // the subject at each position, newest first, as the list shows them
    const order = (await gui.relaydesk.api<Listed>('/api/v1/messages?limit=200')).messages.map(
      (m) => m.Subject,
    );
    const list = page.getByTestId('message-list');
    /** The first row wholly in sight. */
    const topRow = () =>
      page.evaluate(() => {
        const scroller = document.querySelector('[data-testid="message-list"]') as HTMLElement;
        const top = scroller.getBoundingClientRect().top;
        const rows = Array.from(scroller.querySelectorAll('[data-testid="message-row"]'));
        const first = rows
          .map((r) => ({ r, at: r.getBoundingClientRect().top }))
          .filter(({ at }) => at >= top - 1)
          .sort((a, b) => a.at - b.at)[0];
        return first?.r.querySelector('[data-testid="message-row-subject"]')?.textContent ?? null;
      });

    await page.goto(gui.relaydesk.url);
    await waitLive();
    await eventually(() => page.getByTestId('message-list').getAttribute('data-total')).toBe('160');
    // scrolled down 120 rows: the address names the row on top
    await list.evaluate((element) => (element.scrollTop = 66 * 120));
    await eventually(() => param('start')).toBe('120');
    // a little further, within the same 50 rows: the same history entry
    await list.evaluate((element) => (element.scrollTop = 66 * 130));
    await eventually(() => param('start')).toBe('130');

    // a reload (or the link shared) shows the list from that row
    await page.reload();
    await waitLive();
    await eventually(topRow).toBe(order[130]);
    expect(param('start')).toBe('130');

    // Back: the page before (the top of the list), Forward: row 130 again
    await page.goBack();
    await eventually(() => param('start')).toBe(null);
    await eventually(topRow).toBe(order[0]);
    await page.goForward();
    await eventually(topRow).toBe(order[130]);
    expect(param('start')).toBe('130');

    // mail arriving on top keeps the rows in sight in place, and the address follows them
    await gui.send({ from: 'app@example.test', to: 'you@example.test', subject: 'Late arrival' });
    await eventually(() => param('start')).toBe('131');
    expect(await topRow()).toBe(order[130]);

    // a new search starts at its top, and leaves start= out
    await page.getByTestId('search-input').fill('subject:paged');
    await page.getByTestId('search-input').press('Enter');
    await eventually(() => param('q')).toBe('subject:paged');
    expect(param('start')).toBe(null);
    await eventually(topRow).toBe(order[0]);
    expect(gui.pageErrors).toEqual([]);
  });

  it('/view/latest (a link a test runner prints) opens the newest message in the UI', async () => {
    await page.goto(`${gui.relaydesk.url}view/latest?query=${encodeURIComponent('subject:paged')}`);
    await waitLive();
    await eventually(() => page.getByTestId('message-subject').innerText()).toBe('Paged 159');
    const newest = (await listed('subject:paged')).messages[0]?.ID;
    expect(param('message')).toBe(newest);
    expect(new URL(page.url()).pathname).toBe('/');
    expect(gui.pageErrors).toEqual([]);
  });
});
