// A scan without a From header arriving, as the browser's notification and the screen reader's
// announcer tell it, in Chromium against the real headless server with mail sent over SMTP: the
// list names the envelope's sender (developer-polish); these said "(no sender)" though MAIL FROM
// was known. Only the null sender `<>` has no sender to name.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { startGui, type Gui } from './gui.js';
import { notificationsShown, recordNotifications } from './notifications-shown.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('new mail without a From header, as it is told', () => {
  let gui: Gui;
  let page: Page;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string, { viewport: { width: 1280, height: 800 } });
    page = gui.page;
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  const scan = () =>
    gui.send({
      envelope: { from: 'scan@printer.local', to: ['office@example.test'] },
      raw: 'To: office@example.test\r\nSubject: Scanned document\r\n\r\nscan attached\r\n',
    });
  const bounce = () =>
    gui.send({
      envelope: { from: '', to: ['office@example.test'] },
      raw: 'To: office@example.test\r\nSubject: Bounce without sender\r\n\r\nnothing\r\n',
    });

  it("the browser's notification names the envelope's sender, marked as such", async () => {
    await gui.deleteAll();
    await page.context().grantPermissions(['notifications'], { origin: gui.relaydesk.url });
    await recordNotifications(page);
    await gui.openLive();
    await page.getByRole('button', { name: 'More actions' }).click();
    await page.getByTestId('toggle-notifications').click();
    const shown = () => notificationsShown(page);
    await scan();
    await eventually(shown).toEqual([
      'New mail from scan@printer.local (envelope sender, no From header): Scanned document',
    ]);
    // one notification per 2 s at most: a new page is not held back by the last one's
    await gui.openLive();
    await bounce();
    await eventually(shown).toEqual(['New mail from (no sender): Bounce without sender']);
    expect(gui.pageErrors).toEqual([]);
  });

  it("the screen reader's announcer names the envelope's sender, marked as such", async () => {
    await gui.deleteAll();
    await gui.openLive();
    await page.evaluate(() => {
      const said: string[] = [];
      (window as unknown as { said: string[] }).said = said;
      const element = document.querySelector('[data-testid="arrival-announcer"]') as HTMLElement;
      new MutationObserver(() => {
        if (element.textContent) said.push(element.textContent);
      }).observe(element, { childList: true, characterData: true, subtree: true });
    });
    const said = () => page.evaluate(() => (window as unknown as { said: string[] }).said);
    await scan();
    await eventually(said).toEqual([
      'New message from scan@printer.local (envelope sender, no From header): Scanned document',
    ]);
    await bounce();
    await eventually(async () => (await said()).at(-1), 20_000).toBe(
      'New message from (no sender): Bounce without sender',
    );
    expect(gui.pageErrors).toEqual([]);
  });
});
