// The virus scanner's strip above the quarantine in its other states, in Debian's Chromium
// against the headless server (no clamd set: the attachment policy quarantines): while the relay
// is asked ("Asking clamd…"), when its answer cannot be read, and when scanning is off. Each is
// one line in the narrowest list (240 px), its first words and Details, as the answering and the
// silent clamd's are (quarantine-gui, quarantine-bulk); the whole sentence is behind Details, in
// the strip's title, and shown as it is where the list is wide.
import { join } from 'node:path';
import type { Locator, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshots, startGui, type Gui } from '../e2e/gui.js';
import { eventually } from '../helpers/eventually.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { stripIsOneLine, stripWordsAreWhole, wrappedButtonsAreFlush } from './scanner-strip.js';

const chromiumPath = requireTool(tools.chromium);

const off =
  'Virus scanning is off: no clamd is set in Settings → Filtering & senders; only the attachment policy quarantines mail.';
const notAnswered =
  'Relaydesk did not answer (GET /api/v1/filter): it has stopped or the network is down. This page reconnects by itself once it is back.';

describe.skipIf(!chromiumPath)("the scanner strip's other states in a narrow list", () => {
  let gui: Gui;
  let page: Page;

  const list = () => page.getByTestId('message-list-pane');
  const strip = () => list().getByTestId('scanner-state');
  const showQuarantine = async () => {
    await page.getByTestId('more-actions').click();
    await page.getByTestId('show-quarantine').click();
  };
  /** Both schemes, the part as it is. */
  const shoot = async (name: string, target: Locator) => {
    await target.screenshot({ path: join(screenshots, `${name}-light.png`) });
    await page.emulateMedia({ colorScheme: 'dark' });
    await target.screenshot({ path: join(screenshots, `${name}-dark.png`) });
    await page.emulateMedia({ colorScheme: 'light' });
  };
  /** The strip's text with its toggle set apart, whatever the white space before it. */
  const stripText = async () => (await strip().innerText()).replace(/\s*(Details|Less)$/, ' $1');

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string, {
      settings: { attachments: { types: ['executable'], action: 'quarantine' } },
      // the narrowest window the desktop app allows (window-state.ts): the list at its 240 px
      viewport: { width: 640, height: 560 },
    });
    ({ page } = gui);
    await gui.send({
      from: 'builds@company.example',
      to: 'bench@lab.example',
      subject: 'Firmware flasher',
      text: 'the flasher',
      attachments: [{ filename: 'flasher.exe', content: 'a legitimate program\n' }],
    });
    await gui.openLive();
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  it('says "Asking clamd…" on one line while the relay is asked', async () => {
    // the relay's answer held back until the strip has been looked at
    const held: Route[] = [];
    await page.route('**/api/v1/filter', (route) => {
      held.push(route);
    });
    await showQuarantine();
    await eventually(() => held.length).toBeGreaterThan(0);
    expect(await list().evaluate((el) => el.clientWidth)).toBe(240);
    await eventually(() => strip().innerText()).toBe('Asking clamd…');
    expect(await stripIsOneLine(strip())).toBe(true);
    expect(await stripWordsAreWhole(strip())).toBe(true);
    expect(await strip().getAttribute('title')).toBe('Asking the relay whether clamd answers…');
    await shoot('quarantine-scanner-asking-narrow', list());
    for (const route of held.splice(0)) await route.continue();
    await page.unroute('**/api/v1/filter');
    await eventually(stripText).toBe('Virus scanning is off Details');
  });

  it('keeps "scanning is off" to one line, the sentence behind Details and in its title', async () => {
    await eventually(stripText).toBe('Virus scanning is off Details');
    expect(await stripIsOneLine(strip())).toBe(true);
    expect(await stripWordsAreWhole(strip())).toBe(true);
    expect(await strip().getAttribute('title')).toBe(off);
    await shoot('quarantine-scanner-off-narrow', list());
    await strip().getByTestId('scanner-details').click();
    await eventually(stripText).toBe(`${off} Less`);
    await shoot('quarantine-scanner-off-narrow-open', list());
    await strip().getByTestId('scanner-details').click();
    await eventually(stripText).toBe('Virus scanning is off Details');
    // the whole sentence where there is room, with no Details button
    await page.setViewportSize({ width: 1280, height: 800 });
    await eventually(() => strip().innerText()).toBe(off);
    await shoot('quarantine-scanner-off', list());
    await page.setViewportSize({ width: 640, height: 560 });
  });

  it('keeps an answer that could not be read to one line, the error behind Details', async () => {
    // the relay does not answer, as when it has stopped: the strip is asked again on the view
    await page.route('**/api/v1/filter', (route) => route.abort('connectionrefused'));
    await page.getByTestId('nav-all').click();
    await showQuarantine();
    await eventually(stripText).toBe('Scan state unknown Details');
    expect(await stripIsOneLine(strip())).toBe(true);
    expect(await stripWordsAreWhole(strip())).toBe(true);
    expect(await strip().getAttribute('title')).toBe(
      `The virus scanner’s state could not be read: ${notAnswered}`,
    );
    expect(await strip().getAttribute('role')).toBe('alert');
    await shoot('quarantine-scanner-unknown-narrow', list());
    await strip().getByTestId('scanner-details').click();
    const opened = `Scan state unknown: the virus scanner’s state could not be read. ${notAnswered} Check again`;
    await eventually(stripText).toBe(`${opened} Less`);
    expect(await wrappedButtonsAreFlush(strip())).toBe(true);
    await shoot('quarantine-scanner-unknown-narrow-open', list());
    await page.setViewportSize({ width: 1280, height: 800 });
    await eventually(() => strip().innerText()).toBe(opened);
    await shoot('quarantine-scanner-unknown', list());
    // the relay answers again: Check again reads its state
    await page.unroute('**/api/v1/filter');
    await strip().getByTestId('scanner-check').click();
    await eventually(() => strip().innerText()).toBe(off);
    expect(gui.pageErrors).toEqual([]);
  });

  it('points at the clamd box below it in Settings, not at Settings', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await gui.openLive('#settings');
    const inSettings = page.locator('#section-filtering').getByTestId('scanner-state');
    // it said "no clamd is set in Settings → Filtering & senders" there
    await eventually(() => inSettings.innerText()).toBe(
      'Virus scanning is off: no clamd address is set below; only the attachment policy quarantines mail.',
    );
    await page.setViewportSize({ width: 640, height: 560 });
  });
});
