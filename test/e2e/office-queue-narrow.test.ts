// The Queue view in a narrow browser window (420 px; the desktop window stops at 640): with the
// buttons' column beside the words, a deferred message's words ran a few characters a line and
// Retry/Hold/Cancel wrapped over them. The entry stacks: words full width, buttons under them.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unusedPort } from '../helpers/ports.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

const overlaps = (a: Box, b: Box): boolean =>
  a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

describe.skipIf(!chromiumPath)('the Queue view at 420 px', () => {
  let gui: Gui;
  let page: Page;

  beforeAll(async () => {
    // an upstream where nothing listens: the message stays deferred
    gui = await startGui(chromiumPath as string, {
      settings: {
        mode: 'relay',
        relay: { host: '127.0.0.1', port: await unusedPort(), security: 'none' },
      },
      viewport: { width: 420, height: 800 },
    });
    ({ page } = gui);
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  it('stacks a deferred message: its words keep the width, its buttons go under them', async () => {
    await gui.send({
      from: 'office@example.com',
      to: 'client@customer.example',
      subject: 'Quote 121 for the new office',
      text: 'Attached.',
    });
    await gui.openLive('#queue');
    const entry = page.getByTestId('queue-entry').first();
    await eventually(() => entry.getAttribute('data-state')).toBe('deferred');

    const boxes = await entry.evaluate((li) => {
      const box = (node: Element): Box => {
        const r = node.getBoundingClientRect();
        return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
      };
      return {
        entry: box(li),
        words: Array.from(
          li.querySelectorAll('.link-button, .queue-recipient, .queue-why, .queue-next'),
        )
          .filter((node) => !node.closest('.queue-actions'))
          .map(box),
        buttons: Array.from(li.querySelectorAll('.queue-actions button')).map(box),
      };
    });
    const width = boxes.entry.right - boxes.entry.left;
    // the reason reads in lines of words, not a few characters each
    const why = boxes.words[2] as Box;
    expect(why.right - why.left).toBeGreaterThan(width * 0.9);
    expect(boxes.buttons).toHaveLength(3);
    for (const button of boxes.buttons) {
      for (const words of boxes.words) expect(overlaps(button, words)).toBe(false);
      expect(button.top).toBeGreaterThanOrEqual(Math.max(...boxes.words.map((w) => w.bottom)));
    }

    await entry.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'queue-narrow-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'queue-narrow-dark.png') });
    // at the normal width the buttons stay beside the words
    await page.setViewportSize({ width: 1280, height: 800 });
    const wide = await entry.evaluate((li) => {
      const words = li.querySelector('.queue-why')?.getBoundingClientRect();
      const buttons = li.querySelector('.queue-actions')?.getBoundingClientRect();
      return { wordsRight: words?.right ?? 0, buttonsLeft: buttons?.left ?? 0 };
    });
    expect(wide.buttonsLeft).toBeGreaterThan(wide.wordsRight);
    await page.screenshot({ path: join(screenshots, 'queue-normal-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.screenshot({ path: join(screenshots, 'queue-normal-light.png') });
    expect(gui.pageErrors).toEqual([]);
  });

  it('breaks a subject with a long unbroken word inside its column, clear of the buttons', async () => {
    const subject = `Report ${'x'.repeat(70)}`;
    await gui.send({ from: 'office@example.com', to: 'long@customer.example', subject, text: '.' });
    await gui.openLive('#queue');
    const entry = page.locator('[data-testid="queue-entry"][data-address="long@customer.example"]');
    await entry.waitFor();
    // stacked at 420 px, beside the buttons at 700 px: the x's ran past the subject's column,
    // under Retry now at 700 px
    for (const width of [420, 700]) {
      await page.setViewportSize({ width, height: 600 });
      const room = await entry.evaluate((li) => {
        const subjectButton = li.querySelector('.link-button') as HTMLElement;
        const range = document.createRange();
        range.selectNodeContents(subjectButton);
        const words = Array.from(range.getClientRects());
        const actions = li.querySelector('.queue-actions')!.getBoundingClientRect();
        return {
          overflow:
            Math.max(...words.map((r) => r.right)) - subjectButton.getBoundingClientRect().right,
          intoButtons: words.some(
            (r) => r.right > actions.left && r.bottom > actions.top && r.top < actions.bottom,
          ),
        };
      });
      expect(room.overflow, `at ${width} px`).toBeLessThanOrEqual(1);
      expect(room.intoButtons, `at ${width} px`).toBe(false);
    }
    await page.setViewportSize({ width: 420, height: 800 });
    expect(gui.pageErrors).toEqual([]);
  });
});
