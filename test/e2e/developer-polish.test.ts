// What the developer audit (session 48) found and left, checked in Chromium against the real
// headless server with mail sent over SMTP during the test: the message view's tabs at 1280 px,
// the narrow layout, the envelope sender of a message without From, the tag editor's cleaning,
// and a list's two List-Unsubscribe headers.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('the developer audit leftovers in Chromium', () => {
  let gui: Gui;
  let page: Page;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string, { viewport: { width: 1280, height: 800 } });
    page = gui.page;
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  async function shoot(name: string): Promise<void> {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(screenshots, `${name}-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
  }

  /** The tabs whose box lies wholly inside the tab row's visible box. */
  async function tabsInSight(): Promise<string[]> {
    return page.getByRole('tablist', { name: 'Message body' }).evaluate((list) => {
      const row = list.getBoundingClientRect();
      return Array.from(list.querySelectorAll<HTMLElement>('[role=tab]'))
        .filter((tab) => {
          const box = tab.getBoundingClientRect();
          return box.left >= row.left - 0.5 && box.right <= row.right + 0.5;
        })
        .map((tab) => tab.dataset.testid ?? '');
    });
  }

  it('shows every tab of the message view at 1280 px; narrower, the row says more are there', async () => {
    await gui.send({
      from: 'app@example.test',
      to: 'dev@example.test',
      subject: 'Welcome aboard',
      text: 'Welcome',
      html: '<p>Welcome</p>',
    });
    await gui.openLive();
    await gui.openMessage('Welcome aboard');
    // the HTML check's badge in the row as well (Mailpit's tabs carry theirs)
    await page.getByTestId('tab-html-check').getByTestId('tab-badge').waitFor();
    const labels = await page
      .getByRole('tab')
      .evaluateAll((tabs) => tabs.map((tab) => (tab as HTMLElement).dataset.testid ?? ''));
    expect(labels).toContain('tab-spam');
    // "HTML check", "Links" and "Spam" sat past the right edge until the row was scrolled
    await eventually(tabsInSight).toEqual(labels);
    await shoot('message-tabs-1280');

    await page.setViewportSize({ width: 900, height: 800 });
    try {
      const row = page.getByRole('tablist', { name: 'Message body' });
      await eventually(() => row.getAttribute('data-more-after')).toBe('true');
      expect((await tabsInSight()).length).toBeLessThan(labels.length);
      await shoot('message-tabs-900');
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    expect(gui.pageErrors).toEqual([]);
  });

  it('shows one pane at a time below 640 px: the list, or the message with a Back to it', async () => {
    await gui.send({
      from: 'app@example.test',
      to: 'dev@example.test',
      subject: 'Your receipt',
      text: 'Thanks for your order',
    });
    await page.setViewportSize({ width: 420, height: 800 });
    try {
      await gui.openLive();
      const width = (testId: string) =>
        page.getByTestId(testId).evaluate((el) => el.getBoundingClientRect().width);
      const list = page.getByTestId('message-list-pane');
      const message = page.getByRole('region', { name: 'Opened message' });
      await eventually(() => width('message-list-pane')).toBeGreaterThan(400);
      expect(await message.isVisible()).toBe(false);
      await shoot('narrow-list');

      // only a sliver of the message showed beside the sidebar and the list
      await gui.openMessage('Your receipt');
      expect(await list.isVisible()).toBe(false);
      expect(await message.evaluate((el) => el.getBoundingClientRect().width)).toBeGreaterThan(400);
      await eventually(() => page.getByTestId('tab-panel').innerText()).toContain(
        'Thanks for your order',
      );
      await shoot('narrow-message');

      await page.getByRole('button', { name: 'Back to the list' }).click();
      await eventually(() => list.isVisible()).toBe(true);
      expect(await message.isVisible()).toBe(false);
      // the message read is still the list's chosen row
      await eventually(() =>
        page.getByTestId('message-row').filter({ hasText: 'Your receipt' }).getAttribute('class'),
      ).toContain('active');
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    expect(gui.pageErrors).toEqual([]);
  });

  it("names the envelope's sender, marked as such, for a scan without a From header", async () => {
    // a scanner's mail: MAIL FROM given, no From header written
    await gui.send({
      envelope: { from: 'scan@printer.local', to: ['office@example.test'] },
      raw: 'To: office@example.test\r\nSubject: Scanned document\r\n\r\nscan attached\r\n',
    });
    await gui.send({
      envelope: { from: '', to: ['office@example.test'] },
      raw: 'To: office@example.test\r\nSubject: Bounce without sender\r\n\r\nnothing\r\n',
    });
    await gui.openLive();
    const sender = (subject: string) =>
      page.getByTestId('message-row').filter({ hasText: subject }).getByTestId('message-row-from');
    // it said "(no sender)" though MAIL FROM was known: now the address, after a mark that
    // says whose it is (and a screen reader hears why)
    await eventually(() => sender('Scanned document').textContent()).toBe(
      'Unread, MAIL FROMNo From header; envelope sender scan@printer.local',
    );
    expect(
      await sender('Scanned document').getByText('MAIL FROM', { exact: true }).isVisible(),
    ).toBe(true);
    expect(await sender('Scanned document').getAttribute('title')).toBe(
      "No From header: scan@printer.local is the envelope's sender (MAIL FROM)",
    );
    // the null sender has nothing to name
    expect(await sender('Bounce without sender').textContent()).toBe('Unread, (no sender)');
    const api = await gui.relaydesk.api<{ messages: Array<{ Subject: string; MailFrom: string }> }>(
      '/api/v1/messages',
    );
    expect(api.messages.find((m) => m.Subject === 'Scanned document')?.MailFrom).toBe(
      'scan@printer.local',
    );
    await page
      .getByTestId('message-row')
      .filter({ hasText: 'Scanned document' })
      .scrollIntoViewIfNeeded();
    await shoot('envelope-sender');
    expect(gui.pageErrors).toEqual([]);
  });

  it('tells why a typed tag would not be saved as typed, and saves the cleaned name on request', async () => {
    await gui.send({
      from: 'app@example.test',
      to: 'dev@example.test',
      subject: 'Tag me',
      text: 'tag this one',
    });
    await gui.openLive();
    await gui.openMessage('Tag me');
    const tagsOf = async () => {
      const list = await gui.relaydesk.api<{
        messages: Array<{ Subject: string; Tags: string[] }>;
      }>('/api/v1/messages');
      return list.messages.find((m) => m.Subject === 'Tag me')?.Tags;
    };
    const input = page.getByTestId('tag-input');
    await input.fill('bad,tag!');
    await input.press('Enter');
    // it was saved as "bad tag" without a word
    const problem = page.getByTestId('tag-problem');
    await eventually(() => problem.innerText()).toContain(
      'Tag: "bad,tag!" has "," and "!", which a tag cannot hold',
    );
    expect(await problem.innerText()).toContain('save it as "bad tag"');
    expect(await input.inputValue()).toBe('bad,tag!');
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    expect(await tagsOf()).toEqual([]);
    await shoot('tag-refused');

    await problem.getByRole('button', { name: 'Save as “bad tag”' }).click();
    await eventually(tagsOf).toEqual(['bad tag']);
    await eventually(() => page.getByTestId('tag-name').allInnerTexts()).toEqual(['bad tag']);
    expect(await problem.count()).toBe(0);
    expect(await input.inputValue()).toBe('');

    // a name the rule keeps is saved as typed, as before
    await input.fill('needs-review');
    await input.press('Enter');
    await eventually(tagsOf).toEqual(['bad tag', 'needs-review']);
    expect(gui.pageErrors).toEqual([]);
  });

  it("shows both links of a list's two List-Unsubscribe headers in the Unsubscribe field", async () => {
    // nodemailer's list.unsubscribe with a URL and a mailto writes two headers
    await gui.send({
      from: 'news@example.test',
      to: 'carol@example.test',
      subject: 'Weekly digest',
      text: 'digest',
      list: {
        unsubscribe: [{ url: 'https://app.example.test/unsub?u=7' }, 'unsub@app.example.test'],
      },
      headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    });
    await gui.openLive();
    await gui.openMessage('Weekly digest');
    // only the first showed: '<https://app.example.test/unsub?u=7> one-click'
    await eventually(() => page.getByTestId('message-unsubscribe').innerText()).toBe(
      '<https://app.example.test/unsub?u=7>, <mailto:unsub@app.example.test> one-click',
    );
    expect(await page.getByTestId('unsubscribe-error').count()).toBe(0);
    await shoot('unsubscribe-two-headers');
    expect(gui.pageErrors).toEqual([]);
  });
});
