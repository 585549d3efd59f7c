// The focus-ring audit, in Chromium against the real headless server: Tab through the mail list
// with a message open (its header, envelope and body tabs), the queue, settings and the logs, in
// light and dark, and every control the focus lands on shows a ring (outline or box-shadow) that
// is whole (no side cut off by a scrolling parent) and stands out 3:1 from what is behind it
// (WCAG 2.2 SC 1.4.11 and 2.4.7).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

/** What is wrong with the focused control's ring, or null when it is visible. */
interface RingReport {
  name: string;
  problem: string | null;
}

/**
 * Reads the ring of what has the focus (for a listbox with an active row, the row's: that is
 * where its ring is drawn). Runs in the page.
 */
function readRing(): RingReport | null {
  let element = document.activeElement as HTMLElement | null;
  if (!element || element === document.body || element.tagName === 'IFRAME') return null;
  const descendant = element.getAttribute('aria-activedescendant');
  if (descendant) element = document.getElementById(descendant) ?? element;
  const name =
    element.getAttribute('data-testid') ??
    element.getAttribute('aria-label') ??
    ((element.textContent ?? '').trim().slice(0, 40) ||
      `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}` +
        `${element.getAttribute('name') ? `[name=${element.getAttribute('name')}]` : ''}`);
  const style = getComputedStyle(element);

  const channels = (colour: string): number[] | null => {
    const match = /rgba?\(([^)]+)\)/.exec(colour);
    if (!match) return null;
    const parts = (match[1] as string)
      .split(/[ ,/]+/)
      .filter(Boolean)
      .map(Number);
    return parts.length >= 3 ? parts : null;
  };
  const luminance = ([r, g, b]: number[]): number => {
    const linear = (c: number) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return (
      0.2126 * linear(r as number) + 0.7152 * linear(g as number) + 0.0722 * linear(b as number)
    );
  };
  const contrast = (a: number[], b: number[]): number => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
    return (hi + 0.05) / (lo + 0.05);
  };
  /** The first opaque background at or above `from`. */
  const backgroundBehind = (from: HTMLElement | null): number[] => {
    for (let at = from; at; at = at.parentElement) {
      const colour = channels(getComputedStyle(at).backgroundColor);
      if (colour && (colour[3] ?? 1) > 0.5) return colour;
    }
    return channels(getComputedStyle(document.documentElement).backgroundColor) ?? [255, 255, 255];
  };

  let ringColour: number[] | null = null;
  let reach = 0; // how far outside the element's border box the ring goes
  let inside = false;
  if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1) {
    ringColour = channels(style.outlineColor);
    reach = parseFloat(style.outlineOffset) + parseFloat(style.outlineWidth);
    inside = parseFloat(style.outlineOffset) < 0;
  } else if (style.boxShadow !== 'none') {
    ringColour = channels(style.boxShadow);
    const spread = /(-?[\d.]+)px(?!.*px)/.exec(style.boxShadow.replace(/rgba?\([^)]*\)/, ''));
    inside = style.boxShadow.includes('inset');
    reach = inside ? 0 : Number(spread?.[1] ?? 0);
  }
  if (!ringColour) return { name, problem: 'no outline or box-shadow' };

  const behind = backgroundBehind(inside ? element : element.parentElement);
  const ratio = contrast(ringColour, behind);
  if (ratio < 3) {
    return { name, problem: `ring contrast ${ratio.toFixed(2)}:1 against the background` };
  }

  // a scrolling (or clipping) parent cuts off whatever of the ring lies outside its box
  const box = element.getBoundingClientRect();
  const ring = {
    top: box.top - Math.max(0, reach),
    bottom: box.bottom + Math.max(0, reach),
    left: box.left - Math.max(0, reach),
    right: box.right + Math.max(0, reach),
  };
  const edge = Math.max(1, reach); // the ring's own thickness beyond the box
  for (let at = element.parentElement; at; at = at.parentElement) {
    const clip = getComputedStyle(at);
    if (clip.overflowX === 'visible' && clip.overflowY === 'visible') continue;
    const outer = at.getBoundingClientRect();
    const view = {
      top: outer.top + at.clientTop,
      left: outer.left + at.clientLeft,
      bottom: outer.top + at.clientTop + at.clientHeight,
      right: outer.left + at.clientLeft + at.clientWidth,
    };
    const cut = [
      ring.top < view.top - 0.5 && ring.top + edge <= view.top + 0.5 ? 'top' : '',
      ring.bottom > view.bottom + 0.5 && ring.bottom - edge >= view.bottom - 0.5 ? 'bottom' : '',
      ring.left < view.left - 0.5 && ring.left + edge <= view.left + 0.5 ? 'left' : '',
      ring.right > view.right + 0.5 && ring.right - edge >= view.right - 0.5 ? 'right' : '',
    ].filter(Boolean);
    if (cut.length > 0) {
      const parent = at.getAttribute('data-testid') ?? at.className ?? at.tagName;
      return { name, problem: `ring cut off (${cut.join(', ')}) by ${parent}` };
    }
  }
  // nothing drawn over it (a sticky bar the page scrolled it under)
  const middle = document.elementFromPoint((box.left + box.right) / 2, (box.top + box.bottom) / 2);
  if (middle && middle !== element && !element.contains(middle)) {
    const over = middle.getAttribute('data-testid') ?? middle.className ?? middle.tagName;
    return { name, problem: `covered by ${over}` };
  }
  return { name, problem: null };
}

/**
 * Tabs from the first control (the search box: a click leaves Tab's starting point where it
 * was, and a blur does not move it) until the focus leaves the page or comes round again: what
 * each stop showed.
 */
async function tabThrough(page: Page, stops = 150): Promise<RingReport[]> {
  await page.getByTestId('search-input').focus();
  const seen = new Set<string>();
  const reports: RingReport[] = [];
  for (let n = 0; n < stops; n++) {
    if (n > 0) await page.keyboard.press('Tab');
    const key = await page.evaluate(() => {
      const element = document.activeElement;
      if (!element || element === document.body) return 'body';
      // the element itself, named by where it sits in the document
      const path: number[] = [];
      for (let at: Element | null = element; at?.parentElement; at = at.parentElement) {
        path.push(Array.prototype.indexOf.call(at.parentElement.children, at));
      }
      return `${element.tagName}:${path.join('.')}`;
    });
    if (key === 'body') break;
    if (seen.has(key)) break;
    seen.add(key);
    const report = await page.evaluate(readRing);
    if (report) reports.push(report);
  }
  return reports;
}

describe.skipIf(!chromiumPath)('focus rings on every screen, light and dark', () => {
  let gui: Gui;
  let page: Page;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string, { viewport: { width: 1280, height: 800 } });
    page = gui.page;
    await gui.send({
      from: 'Ada <ada@example.test>',
      to: 'bob@example.test',
      subject: 'Plain note',
      text: 'Only text.',
      headers: { 'X-Tags': 'notes' },
    });
    await gui.send({
      from: 'Shop <shop@example.test>',
      to: 'bob@example.test',
      subject: 'Receipt',
      text: 'Your receipt.',
      html: '<p>Your <b>receipt</b>.</p>',
      attachments: [{ filename: 'receipt.txt', content: 'paid' }],
    });
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  const screens: { name: string; open(): Promise<void> }[] = [
    {
      name: 'mail list and message',
      async open() {
        await gui.openLive();
        await eventually(() => page.getByTestId('message-row').count()).toBe(2);
        await page.getByTestId('message-row').first().click();
        await page.getByTestId('message-subject').waitFor();
      },
    },
    {
      name: 'message on its Headers tab',
      async open() {
        await gui.openLive();
        await page.getByTestId('message-row').first().click();
        await page.getByTestId('tab-headers').click();
        await page.getByTestId('tab-panel').waitFor();
      },
    },
    {
      name: 'queue',
      async open() {
        await gui.openLive('#queue');
        await page.getByRole('heading', { name: 'Queue' }).first().waitFor();
      },
    },
    {
      name: 'settings',
      async open() {
        await gui.openLive('#settings');
        await page.getByRole('heading', { name: 'Settings' }).first().waitFor();
      },
    },
    {
      name: 'logs',
      async open() {
        await gui.openLive('#logs');
        await page.getByRole('heading', { name: 'Logs' }).first().waitFor();
      },
    },
  ];

  for (const scheme of ['light', 'dark'] as const) {
    for (const screen of screens) {
      it(`${screen.name}, ${scheme}: every stop of Tab shows a whole ring that stands out`, async () => {
        await page.emulateMedia({ colorScheme: scheme });
        await screen.open();
        const reports = await tabThrough(page);
        // the audit reached the screen's controls, not just the toolbar
        expect(reports.length).toBeGreaterThan(8);
        expect(reports.filter((report) => report.problem !== null)).toEqual([]);
        expect(gui.pageErrors).toEqual([]);
      });
    }
  }
});
