// Where the focus goes after what a keyboard user does, in Chromium against the real headless
// server with mail sent over SMTP: a deleted message hands it to the list's next one, a closed
// dialog or menu to what opened it, a search keeps it in the box; letters typed in a field are
// text, not shortcuts; the open message's tags filter the list from the keyboard; and every
// control shows a whole focus ring, light and dark.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

/** What has the focus, as a test can name it. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return 'body';
    return (
      element.getAttribute('data-testid') ??
      element.getAttribute('aria-label') ??
      element.textContent?.trim() ??
      element.tagName
    );
  });
}

/** The focused control's name as a screen reader gives it (its aria-label, else its text). */
function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return 'body';
    return element.getAttribute('aria-label') ?? element.textContent?.trim() ?? element.tagName;
  });
}

describe.skipIf(!chromiumPath)('the focus after keyboard actions', () => {
  let gui: Gui;
  let page: Page;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string, { viewport: { width: 1280, height: 800 } });
    page = gui.page;
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  const deleteAll = () => gui.deleteAll();
  const total = () => gui.total();
  const param = (name: string) => new URL(page.url()).searchParams.get(name);
  const openedSubject = () => page.getByTestId('message-subject').textContent();
  /** The list's row the keyboard is on (aria-activedescendant), by its subject. */
  const activeRow = () =>
    page.evaluate(() => {
      const list = document.querySelector('[data-testid="message-list"]');
      const id = list?.getAttribute('aria-activedescendant');
      const row = id ? document.getElementById(id) : null;
      return row?.querySelector('[data-testid="message-row-subject"]')?.textContent ?? null;
    });

  async function sendNumbered(count: number, extra: Record<string, unknown> = {}): Promise<void> {
    // one at a time, so the list's order (newest first) is the order sent
    for (let n = 1; n <= count; n++) {
      await gui.send({
        from: 'ada@example.test',
        to: 'bob@example.test',
        subject: `Note ${n}`,
        text: 'x',
        ...extra,
      });
    }
  }

  it("the header's Delete button hands the focus to the list's next message, where j and Delete go on", async () => {
    await deleteAll();
    await sendNumbered(4);
    await eventually(total).toBe(4);
    await gui.openLive();
    await page.getByTestId('message-list').focus();
    await page.keyboard.press('Enter');
    await eventually(openedSubject).toBe('Note 4');

    // Tab to the header's Delete and press it: the button goes with its message
    await page.getByTestId('delete-message').focus();
    await page.keyboard.press('Enter');
    await eventually(openedSubject).toBe('Note 3');
    await eventually(() => focused(page)).toBe('message-list');
    expect(await activeRow()).toBe('Note 3');

    // the keys go on from there: Delete takes the open one, j moves past the next
    await page.keyboard.press('Delete');
    await eventually(openedSubject).toBe('Note 2');
    expect(await focused(page)).toBe('message-list');
    await eventually(activeRow).toBe('Note 2');
    await page.keyboard.press('j');
    await eventually(activeRow).toBe('Note 1');
    await page.keyboard.press('Enter');
    await eventually(openedSubject).toBe('Note 1');
    expect(gui.pageErrors).toEqual([]);
  });

  it("r, h, s and d show the open message's route, headers, source and delivery; the next message opens on its content", async () => {
    await deleteAll();
    await sendNumbered(2);
    await eventually(total).toBe(2);
    await gui.openLive();
    await page.getByTestId('message-row').first().click();
    await eventually(openedSubject).toBe('Note 2');
    const chosenTab = () =>
      page
        .getByRole('tablist', { name: 'Message body' })
        .locator('[aria-selected="true"]')
        .textContent();
    await eventually(chosenTab).toBe('Text');
    for (const [key, tab] of [
      ['r', 'Route'],
      ['h', 'Headers'],
      ['s', 'Source'],
      ['d', 'Delivery'],
      ['r', 'Route'],
    ] as const) {
      await page.keyboard.press(key);
      await eventually(chosenTab).toBe(tab);
    }
    // the focus stays in the list, so the reader goes on with j; each message opens on its
    // content, and one key shows its route again
    expect(await focused(page)).toBe('message-list');
    await page.keyboard.press('j');
    await eventually(openedSubject).toBe('Note 1');
    await eventually(chosenTab).toBe('Text');
    await page.keyboard.press('r');
    await eventually(chosenTab).toBe('Route');
    await eventually(async () =>
      (await page.getByRole('tabpanel').textContent())?.includes('127.0.0.1'),
    ).toBe(true);
    // typed into the search box they are letters
    await page.getByRole('searchbox').first().focus();
    await page.keyboard.type('rhsd');
    expect(await chosenTab()).toBe('Route');
    await page.getByRole('searchbox').first().fill('');
    expect(gui.pageErrors).toEqual([]);
  });

  it('the Delete key with nothing focused also leaves the focus on the next message', async () => {
    await deleteAll();
    await sendNumbered(3);
    await eventually(total).toBe(3);
    await gui.openLive();
    await page.getByTestId('message-row').first().click();
    await eventually(openedSubject).toBe('Note 3');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    expect(await focused(page)).toBe('body');
    await page.keyboard.press('Delete');
    await eventually(openedSubject).toBe('Note 2');
    await eventually(() => focused(page)).toBe('message-list');
    expect(await activeRow()).toBe('Note 2');
    expect(gui.pageErrors).toEqual([]);
  });

  it('a dialog or the menu closed with Escape gives the focus back to what opened it', async () => {
    await gui.openLive();
    // "?" from the list
    await page.getByTestId('message-list').focus();
    await page.keyboard.press('?');
    await page.getByTestId('shortcuts-dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('shortcuts-dialog').waitFor({ state: 'detached' });
    expect(await focused(page)).toBe('message-list');

    // the header analyzer, from its toolbar button
    await page.getByRole('button', { name: 'Analyze headers' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    expect(await focused(page)).toBe('Analyze headers');

    // More actions → Keyboard shortcuts: the menu is gone, so its button takes the focus back
    await page.getByTestId('more-actions').focus();
    await page.keyboard.press('Enter');
    await page.getByRole('menu').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('menu').waitFor({ state: 'detached' });
    expect(await focused(page)).toBe('more-actions');
    await page.keyboard.press('ArrowDown');
    await page.getByTestId('show-shortcuts').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('shortcuts-dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('shortcuts-dialog').waitFor({ state: 'detached' });
    expect(await focused(page)).toBe('more-actions');
    expect(gui.pageErrors).toEqual([]);
  });

  it('letters typed in the search box are text, in light and dark; Enter and Escape keep the focus there', async () => {
    await deleteAll();
    await sendNumbered(2);
    await gui.send({
      from: 'ada@example.test',
      to: 'bob@example.test',
      subject: 'jakarta trip',
      text: 'x',
    });
    await eventually(total).toBe(3);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await gui.openLive();
      await page.getByTestId('message-list').focus();
      await page.keyboard.press('/');
      expect(await focused(page)).toBe('search-input');
      await page.keyboard.type('jakarta');
      expect(await page.getByTestId('search-input').inputValue()).toBe('jakarta');
      // no shortcut fired: no message opened, no dialog
      expect(await page.getByTestId('message-subject').count()).toBe(0);
      expect(await page.locator('dialog[open]').count()).toBe(0);
      // Enter runs the search, as Mailpit's form does, and the box keeps the focus to refine it
      await page.keyboard.press('Enter');
      await eventually(() => param('q')).toBe('jakarta');
      await eventually(() => page.getByTestId('message-list').getAttribute('data-total')).toBe('1');
      expect(await focused(page)).toBe('search-input');
      // the down arrow goes to what it found, the search kept, and moves on from there as in
      // the list (before, it did nothing: only Escape, which cleared the search, or Tabs)
      await page.keyboard.press('ArrowDown');
      expect(await focused(page)).toBe('message-list');
      expect(param('q')).toBe('jakarta');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await eventually(() => page.getByTestId('message-subject').textContent()).toBe(
        'jakarta trip',
      );
      await page.keyboard.press('/');
      expect(await focused(page)).toBe('search-input');
      // Escape clears it and stays; a second Escape goes to the list
      await page.keyboard.press('Escape');
      await eventually(() => param('q')).toBe(null);
      expect(await focused(page)).toBe('search-input');
      await page.keyboard.press('Escape');
      expect(await focused(page)).toBe('message-list');
    }
    await page.emulateMedia({ colorScheme: 'light' });
    expect(gui.pageErrors).toEqual([]);
  });

  it("Tab and Enter on the open message's tag filters the list by it, as the shortcut help says", async () => {
    await deleteAll();
    await gui.send({
      from: 'ada@example.test',
      to: 'bob@example.test',
      subject: 'Invoice',
      text: 'x',
      headers: { 'X-Tags': 'billing' },
    });
    await sendNumbered(2);
    await eventually(total).toBe(3);
    await gui.openLive();
    await page.getByTestId('message-list').focus();
    // the newest two are untagged; the last is the invoice
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await eventually(openedSubject).toBe('Invoice');
    await page.getByTestId('delete-message').focus();
    // Tab on from the header's buttons reaches the tag
    for (let n = 0; n < 10 && (await focused(page)) !== 'tag-name'; n++)
      await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('tag-name');
    await page.keyboard.press('Enter');
    await eventually(() => param('tag')).toBe('billing');
    await eventually(() => page.getByTestId('message-list').getAttribute('data-total')).toBe('1');

    await page.keyboard.press('?');
    const help = page.getByTestId('shortcuts-dialog');
    await help.waitFor();
    expect(await help.textContent()).toContain('Show the messages with a tag of the open message');
    // in a 700x600 window the keys' column is squeezed by the long last line: each key cap stays
    // whole on one line (the "↑/↓" of Shift ↑/↓ broke after its slash, half a cap a line)
    await page.setViewportSize({ width: 700, height: 600 });
    try {
      const capLines = await help
        .locator('kbd')
        .evaluateAll((caps) =>
          caps.map((cap) => `${cap.textContent}: ${cap.getClientRects().length}`),
        );
      expect(capLines.filter((line) => !line.endsWith(': 1'))).toEqual([]);
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    await page.keyboard.press('Escape');
    expect(gui.pageErrors).toEqual([]);
  });

  /** The only message, tagged alpha, beta and gamma, opened from the list by the keyboard. */
  async function openTagged(subject: string) {
    await deleteAll();
    await gui.send({
      from: 'ada@example.test',
      to: 'bob@example.test',
      subject,
      text: 'x',
      headers: { 'X-Tags': 'alpha, beta, gamma' },
    });
    await eventually(total).toBe(1);
    await gui.openLive();
    await page.getByTestId('message-list').focus();
    await page.keyboard.press('j');
    await eventually(openedSubject).toBe(subject);
    return page.getByTestId('tag-editor').getByTestId('tag-chip');
  }

  it("a tag's × and Edit tags' Save, Delete and Cancel leave the focus beside what they did", async () => {
    const chips = await openTagged('Tagged');
    // × on a middle tag: the next one's ×; on the last: the one before; on the only: the field
    await page.getByRole('button', { name: 'Remove the tag beta' }).focus();
    await page.keyboard.press('Enter');
    await eventually(() => chips.count()).toBe(2);
    expect(await focusedName(page)).toBe('Remove the tag gamma');
    await page.keyboard.press('Enter');
    await eventually(() => chips.count()).toBe(1);
    expect(await focusedName(page)).toBe('Remove the tag alpha');
    await page.keyboard.press('Enter');
    await eventually(() => chips.count()).toBe(0);
    expect(await focused(page)).toBe('tag-input');
    // a name refused for its characters offers "Save as" what it would be; that goes, the field
    // takes the focus
    await page.keyboard.type('bad,tag!');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect(await focusedName(page)).toBe('Save as “bad tag”');
    await page.keyboard.press('Enter');
    await eventually(() => chips.count()).toBe(1);
    expect(await focused(page)).toBe('tag-input');
    await page.getByRole('button', { name: 'Remove the tag bad tag' }).focus();
    await page.keyboard.press('Enter');
    await eventually(() => chips.count()).toBe(0);

    await page.keyboard.type('north');
    await page.keyboard.press('Enter');
    await page.keyboard.type('south');
    await page.keyboard.press('Enter');
    await eventually(() => chips.count()).toBe(2);
    await page.getByTestId('more-actions').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('edit-tags').focus();
    await page.keyboard.press('Enter');
    const rows = page.getByTestId('tag-row');
    await eventually(() => rows.count()).toBe(2);
    // Save (Enter in the field): the renamed tag's field, a new row once the list reloads
    await page.getByRole('textbox', { name: 'Rename the tag north' }).focus();
    await page.keyboard.press('End');
    await page.keyboard.type('west');
    await page.keyboard.press('Enter');
    await page.locator('[data-tag="northwest"]').waitFor();
    await eventually(() => focusedName(page)).toBe('Rename the tag northwest');
    // Delete asks, with the focus on the question's Cancel; Cancel gives it back to Delete
    await page.getByRole('button', { name: 'Delete the tag south' }).focus();
    await page.keyboard.press('Enter');
    await eventually(() => focusedName(page)).toBe('Cancel');
    await page.keyboard.press('Enter');
    await eventually(() => focusedName(page)).toBe('Delete the tag south');
    // Delete tag: the row before takes the focus, then the dialog's Close when none is left
    await page.keyboard.press('Enter');
    await page.getByTestId('tag-delete-confirm').focus();
    await page.keyboard.press('Enter');
    await eventually(() => rows.count()).toBe(1);
    await eventually(() => focusedName(page)).toBe('Rename the tag northwest');
    await page.getByRole('button', { name: 'Delete the tag northwest' }).focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('tag-delete-confirm').focus();
    await page.keyboard.press('Enter');
    await eventually(() => rows.count()).toBe(0);
    await eventually(() => focusedName(page)).toBe('Close');
    await page.keyboard.press('Escape');
    expect(gui.pageErrors).toEqual([]);
  });

  it('Delete or Backspace on a tag takes the tag off, never the message', async () => {
    const chips = await openTagged('Tagged to keep');
    await eventually(() => chips.count()).toBe(3);
    // on the tag's name (the button that shows its messages), as a user tabbing along the tags is
    await page.getByTestId('tag-editor').getByRole('button', { name: 'beta', exact: true }).focus();
    await page.keyboard.press('Delete');
    await eventually(() => chips.count()).toBe(2);
    expect(await focusedName(page)).toBe('Remove the tag gamma');
    await page.keyboard.press('Backspace');
    await eventually(() => chips.count()).toBe(1);
    expect(await chips.innerText()).toContain('alpha');
    // the message is still there, open, and so on the server
    expect(await total()).toBe(1);
    expect(await openedSubject()).toBe('Tagged to keep');
    // the chips change at once; the server has the save once it is answered
    const tagsOnServer = async () =>
      (await gui.relaydesk.api<{ messages: { Tags: string[] }[] }>('/api/v1/messages')).messages[0]
        ?.Tags;
    await eventually(tagsOnServer).toEqual(['alpha']);
    expect(gui.pageErrors).toEqual([]);
  });
});
