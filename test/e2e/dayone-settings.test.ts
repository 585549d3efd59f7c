// What a designer's first hour in Settings found, in Chromium against the real headless server:
// a box's "Takes effect after restart." ran on from its hint as one sentence ("1–65535 Takes
// effect after restart.", "…dots and hyphens Takes effect after restart."), and Settings →
// Upstream's "Test connection" touched the label of the box under it. Both come from the shared
// field notes and section styles, so every section is checked through one of them. And in the
// sidebar relayed mail's mailbox read "outbox", lowercase under "Inbox".
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { screenshots, startGui, type Gui } from './gui.js';
import { upstreamSection } from './upstream-form.js';
import { unusedPort } from '../helpers/ports.js';

const chromiumPath = requireTool(tools.chromium);

/** Where the hint's own words and its restart note are laid out, line box by line box. */
async function hintLayout(hint: Locator) {
  return hint.evaluate((element) => {
    const words = document.createRange();
    words.selectNodeContents(element.firstChild as Node); // the hint's text, before the note
    const note = element.querySelector('.restart-note') as HTMLElement;
    const first = (rects: DOMRectList) => {
      const rect = rects[0] as DOMRect;
      return { top: rect.top, bottom: rect.bottom, left: rect.left };
    };
    return { words: first(words.getClientRects()), note: first(note.getClientRects()) };
  });
}

describe.skipIf(!chromiumPath)('Settings notes and spacing, as a designer reads them', () => {
  let gui: Gui;
  let page: Page;

  beforeAll(async () => {
    // an upstream where nothing listens: a fixed 2525 delivered this file's mail to whatever a
    // developer ran there (a capture tool of their own, Relaydesk itself)
    const nowhere = await unusedPort();
    gui = await startGui(chromiumPath as string, {
      settings: { mode: 'relay', relay: { host: '127.0.0.1', port: nowhere, security: 'none' } },
      viewport: { width: 800, height: 600 },
    });
    page = gui.page;
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  it('puts "Takes effect after restart." on a line of its own under the hint', async () => {
    await gui.openLive('#settings');
    const hint = page.locator('#setting-smtp-port-hint');
    await hint.scrollIntoViewIfNeeded();
    const note = hint.locator('.restart-note');
    await expect(note.textContent()).resolves.toContain('Takes effect after restart.');
    // the hint's own words ("1–65535") stand on the first line, the note starts a line of its own
    // at the hint's left edge, below them
    const { words, note: noteBox } = await hintLayout(hint);
    expect(noteBox.top).toBeGreaterThanOrEqual(words.bottom - 1);
    expect(Math.round(noteBox.left)).toBe(Math.round(words.left));
    // and the box's description still reads as two phrases, not "1–65535Takes"
    const description = await page.getByLabel('SMTP port').evaluate((input) =>
      (input.getAttribute('aria-describedby') ?? '')
        .split(' ')
        .map((id) => document.getElementById(id)?.textContent ?? '')
        .join(' '),
    );
    expect(description).toMatch(/1–65535 +Takes effect after restart\./);
    await page.screenshot({ path: join(screenshots, 'dayone-restart-note-small-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'dayone-restart-note-small-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('keeps "Test connection" apart from the box below it, as the grid keeps its rows', async () => {
    await gui.openLive('#settings');
    const section = upstreamSection(page);
    const button = section.getByRole('button', { name: 'Test connection' });
    await button.scrollIntoViewIfNeeded();
    const gaps = await button.evaluate((element) => {
      const panel = element.closest('.connection-test') as HTMLElement;
      const next = panel.nextElementSibling as HTMLElement | null;
      const grid = panel.closest('.settings-section')?.querySelector('.field-grid') as HTMLElement;
      return {
        below: next
          ? next.getBoundingClientRect().top - panel.getBoundingClientRect().bottom
          : null,
        rowGap: parseFloat(getComputedStyle(grid).rowGap),
      };
    });
    // something follows it (the queue's retry boxes) and stands at least a grid row's gap away
    expect(gaps.below).not.toBeNull();
    expect(gaps.below!).toBeGreaterThanOrEqual(gaps.rowGap);
    await page.screenshot({ path: join(screenshots, 'dayone-test-connection-small-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'dayone-test-connection-small-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    expect(gui.pageErrors).toEqual([]);
  });

  it('keeps Save and Discard on one line each beside a long settings file path', async () => {
    await gui.openLive('#settings');
    const footer = page.locator('.settings-footer');
    // the test relay's data folder (/tmp/relaydesk-test-…/settings.json) is as long as a user's
    await expect(footer.locator('.field-hint').innerText()).resolves.toMatch(/^Settings file: \//);
    for (const name of ['Save settings', 'Discard changes']) {
      const lines = await footer.getByRole('button', { name }).evaluate((button) => {
        const words = document.createRange();
        words.selectNodeContents(button);
        return new Set(Array.from(words.getClientRects()).map((rect) => Math.round(rect.top))).size;
      });
      expect({ name, lines }).toEqual({ name, lines: 1 });
    }
    // and the path, wrapped, stays inside the window
    const right = await footer
      .locator('.field-hint')
      .evaluate((hint) => hint.getBoundingClientRect().right);
    expect(right).toBeLessThanOrEqual(800);
    await page.screenshot({ path: join(screenshots, 'dayone-settings-footer-small-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'dayone-settings-footer-small-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('names the relayed mail\'s mailbox "Outbox", as it names "Inbox"', async () => {
    await gui.openLive();
    // relay mode: the message is kept in the outbox while (and after) it is sent
    await gui.send({ from: 'app@example.com', to: 'customer@example.net', subject: 'Relayed' });
    const sidebar = page.getByRole('navigation', { name: 'Views' });
    const outbox = sidebar.locator('.nav-label', { hasText: /^outbox$/i });
    await expect(outbox.innerText()).resolves.toBe('Outbox');
    await outbox.click();
    await expect(page.locator('.nav-item.current .nav-label').innerText()).resolves.toBe('Outbox');
    await page.screenshot({ path: join(screenshots, 'dayone-outbox-small-light.png') });
    expect(gui.pageErrors).toEqual([]);
  });
});
