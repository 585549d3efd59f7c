// The toolkit in the GUI, in Debian's Chromium against the headless server: tag chips on rows
// and in the message, the tag filter, and the chaos switch that is visibly on while it fails
// SMTP on purpose.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { tagColour } from '../../renderer/src/tags/tag-colours.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('tags and chaos in the GUI', () => {
  let gui: Gui;
  let relaydesk: TestRelaydesk;
  let page: Page;
  let pageErrors: string[];
  const send: Gui['send'] = (message) => gui.send(message);
  const rows = () => page.getByTestId('message-row');
  const row = (subject: string) => rows().filter({ hasText: subject });

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string, { settings: { enableChaos: true } });
    ({ relaydesk, page, pageErrors } = gui);
    await gui.openLive();
  }, 120_000);

  afterAll(async () => gui?.close());

  it('shows tag chips and filters the list by tag', async () => {
    await send({
      from: 'app@sender.example',
      to: 'jane+signup@rcpt.example',
      subject: 'Welcome Jane',
      text: 'hi',
      headers: { 'X-Tags': 'Campaign 7' },
    });
    await send({ from: 'app@sender.example', to: 'bob@rcpt.example', subject: 'Plain', text: 'x' });
    await eventually(() => rows().count()).toBe(2);
    expect(await row('Welcome Jane').getByTestId('tag-chip').allInnerTexts()).toEqual([
      'Campaign 7',
      'signup',
    ]);
    expect(await row('Plain').getByTestId('tag-chip').count()).toBe(0);

    const filter = page.getByTestId('tag-filter');
    await eventually(() => filter.locator('option').allInnerTexts()).toEqual([
      'All tags',
      'Campaign 7',
      'signup',
    ]);
    await filter.selectOption('Campaign 7');
    await eventually(() => rows().count()).toBe(1);
    await row('Welcome Jane').click();
    await eventually(() =>
      page.locator('.message-header').getByTestId('tag-name').allInnerTexts(),
    ).toEqual(['Campaign 7', 'signup']);
    await page.screenshot({ path: join(screenshots, 'tags.png') });
    await filter.selectOption('');
    await eventually(() => rows().count()).toBe(2);
  });

  it('colours each tag from its name, as Mailpit does, until Settings → Appearance turns it off', async () => {
    const rgb = (hex: string) =>
      `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;
    const chipColours = (scope: ReturnType<Page['getByTestId']>) =>
      scope
        .getByTestId('tag-chip')
        .evaluateAll((chips) =>
          chips.map((chip) => [
            chip.textContent?.replace('×', ''),
            getComputedStyle(chip).backgroundColor,
          ]),
        );
    await eventually(() => chipColours(row('Welcome Jane'))).toEqual([
      ['Campaign 7', rgb(tagColour('Campaign 7'))],
      ['signup', rgb(tagColour('signup'))],
    ]);
    expect(tagColour('Campaign 7')).not.toBe(tagColour('signup'));
    // the open message's chips in the same colours
    await row('Welcome Jane').click();
    const header = page.getByTestId('tag-editor');
    await eventually(() => chipColours(header)).toEqual([
      ['Campaign 7', rgb(tagColour('Campaign 7'))],
      ['signup', rgb(tagColour('signup'))],
    ]);
    await page.screenshot({ path: join(screenshots, 'tags-coloured-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'tags-coloured-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    await page.getByTestId('nav-settings').click();
    await page.getByRole('link', { name: 'Appearance', exact: true }).click();
    const colouring = page.getByRole('checkbox', { name: /Colour each tag/ });
    expect(await colouring.isChecked()).toBe(true);
    await colouring.uncheck();
    await page.getByTestId('nav-all').click();
    const plain = await page.evaluate(() => {
      const chip = document.createElement('span');
      chip.className = 'tag-chip';
      document.body.append(chip);
      const colour = getComputedStyle(chip).backgroundColor;
      chip.remove();
      return colour;
    });
    await eventually(() => chipColours(row('Welcome Jane'))).toEqual([
      ['Campaign 7', plain],
      ['signup', plain],
    ]);
    // kept for the next session
    await page.reload();
    await eventually(() => chipColours(row('Welcome Jane'))).toEqual([
      ['Campaign 7', plain],
      ['signup', plain],
    ]);
    await page.getByTestId('nav-settings').click();
    await page.getByRole('link', { name: 'Appearance', exact: true }).click();
    await page.getByRole('checkbox', { name: /Colour each tag/ }).check();
    await page.getByTestId('nav-all').click();
    await eventually(() => chipColours(row('Welcome Jane'))).toEqual([
      ['Campaign 7', rgb(tagColour('Campaign 7'))],
      ['signup', rgb(tagColour('signup'))],
    ]);
    expect(pageErrors).toEqual([]);
  });

  // in a narrow list the last chip that fit was cut mid-letter at the row's edge ("eur")
  it('shows only whole tag chips where a narrow row has no room for them all', async () => {
    const tags = ['billing', 'customer-success', 'europe-west', 'newsletter', 'urgent-review'];
    await send({
      from: 'shop@sender.example',
      to: 'you@rcpt.example',
      subject: 'Many tags on one row',
      text: 'x',
      headers: { 'X-Tags': tags.join(', ') },
    });
    // 1000 px: a list of 360 px, with room for some of the chips (at 800 px its 320 px show
    // "5 tags" instead: e2e/row-snippet-900)
    const narrow = await gui.browser.newPage({ viewport: { width: 1000, height: 600 } });
    try {
      await narrow.goto(relaydesk.url);
      const chips = narrow
        .getByTestId('message-row')
        .filter({ hasText: 'Many tags on one row' })
        .getByTestId('tag-chip');
      await eventually(() => chips.count()).toBe(tags.length);
      // each chip's box against the part of the row that shows them: whole, or not drawn at all
      const placed = await chips.evaluateAll((elements) =>
        elements.map((chip) => {
          const room = (chip.closest('.row-attachments') as HTMLElement).getBoundingClientRect();
          const box = chip.getBoundingClientRect();
          const inside = box.left >= room.left - 0.5 && box.right <= room.right + 0.5;
          const below = box.top >= room.bottom - 0.5;
          const apart = box.left >= room.right - 0.5 || box.right <= room.left + 0.5;
          return inside && box.bottom <= room.bottom + 0.5
            ? 'whole'
            : below || apart
              ? 'hidden'
              : 'cut';
        }),
      );
      expect(placed).not.toContain('cut');
      expect(placed[0]).toBe('whole');
      expect(placed).toContain('hidden');
      // every tag is still there for a screen reader, and in the open message
      expect(await chips.allTextContents()).toEqual(tags);
      await narrow.screenshot({ path: join(screenshots, 'tags-narrow-row.png') });
    } finally {
      await narrow.close();
    }
  });

  it('turns chaos on from the GUI, shows it, and turns it off', async () => {
    await expect(page.getByTestId('chaos-badge').count()).resolves.toBe(0);
    await page.getByTestId('chaos-toggle').click();
    await page.getByTestId('chaos-Sender-code').fill('421');
    await page.getByTestId('chaos-Sender-probability').fill('100');
    await page.getByTestId('chaos-apply').click();
    const badge = page.getByTestId('chaos-badge');
    await eventually(() => badge.innerText()).toBe('Chaos on: MAIL FROM 421 at 100%');
    await page.screenshot({ path: join(screenshots, 'chaos-on.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'chaos-on-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    await expect(
      send({ from: 'app@sender.example', to: 'bob@rcpt.example', subject: 'No', text: 'x' }),
    ).rejects.toMatchObject({ responseCode: 421 });

    await page.getByTestId('chaos-toggle').click();
    await eventually(() => badge.count()).toBe(0);
    const info = (await (await fetch(`${relaydesk.url}api/v1/info`)).json()) as {
      Chaos: { Active: boolean };
    };
    expect(info.Chaos.Active).toBe(false);
    expect(pageErrors).toEqual([]);
  });
});
