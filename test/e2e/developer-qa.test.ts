// What a developer coming from Mailpit hit in the GUI (session 41 QA), checked in Chromium
// against the real headless server with mail sent over SMTP during the test.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('the developer QA findings in Chromium', () => {
  let gui: Gui;
  let page: Page;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string, { viewport: { width: 1280, height: 800 } });
    page = gui.page;
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  it('typing a quoted phrase shows no error while the quote is still open', async () => {
    await gui.send({ from: 'app@example.test', to: 'a@example.test', subject: 'Weekly report' });
    await gui.send({ from: 'app@example.test', to: 'b@example.test', subject: 'Daily digest' });
    await gui.openLive();
    const rows = page.getByTestId('message-row');
    await eventually(() => rows.count()).toBe(2);
    const searched: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname === '/api/v1/search') searched.push(url.searchParams.get('query') ?? '');
    });
    // the page's clock under the test's hand: "a pause in typing" is then exact, not a sleep.
    // Installed, it still runs with real time until paused: on a loaded machine two keystrokes
    // came more than the typing pause apart, and the page searched for "su"
    await page.clock.install();
    await page.clock.pauseAt(Date.now() + 1_000);
    const box = page.getByTestId('search-input');
    // as a person types it, pausing after the opening quote and the first word
    await box.pressSequentially('subject:"weekly');
    await page.clock.runFor(2000);
    await box.pressSequentially(' report"');
    await page.clock.runFor(2000);
    await eventually(() => rows.allInnerTexts()).toEqual([
      expect.stringContaining('Weekly report'),
    ]);
    expect(searched).toEqual(['subject:"weekly report"']);
    expect(await page.getByTestId('list-error').count()).toBe(0);
    // (the clock is the page's for the file's later tests too)
    await page.clock.resume();
    // Enter on an open quote runs it as typed, and the error says what to do,
    await box.fill('subject:"weekly');
    await box.press('Enter');
    // as a sentence naming the phrase as typed, without the request line or JSON's escapes
    await eventually(() => page.getByTestId('list-error').innerText()).toBe(
      'This search cannot be run: the quoted phrase "weekly is never closed: close it with a second " (e.g. subject:"weekly report")',
    );
    expect(gui.pageErrors).toEqual([]);
  });

  it('the envelope fills its line when it wraps under the header, and stays beside it when wide', async () => {
    await gui.send({
      from: 'app@example.test',
      to: 'c@example.test',
      bcc: 'hidden@example.test',
      subject: 'Envelope width',
    });
    const edges = () =>
      page.evaluate(() => {
        const box = (selector: string) => document.querySelector(selector)?.getBoundingClientRect();
        const top = box('.message-top');
        const header = box('.message-top .message-header');
        const envelope = box('[data-testid="envelope"]');
        if (!top || !header || !envelope) return null;
        return {
          wrapped: envelope.top >= header.bottom - 1,
          gapRight: Math.round(top.right - envelope.right),
          envelopeWidth: Math.round(envelope.width),
          headerWidth: Math.round(header.width),
        };
      });
    // 1280 px: the message pane is too narrow for both side by side
    await gui.openLive();
    await page.getByTestId('message-row').filter({ hasText: 'Envelope width' }).click();
    await eventually(edges).toMatchObject({ wrapped: true, gapRight: 0 });
    // a wide window: beside the header, at its own width, the header taking the rest
    await page.setViewportSize({ width: 2200, height: 800 });
    await eventually(edges).toMatchObject({ wrapped: false, gapRight: 0 });
    const sideBySide = await edges();
    expect(sideBySide?.envelopeWidth).toBeLessThan(400);
    expect(sideBySide?.headerWidth).toBeGreaterThan(sideBySide?.envelopeWidth ?? 0);
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(gui.pageErrors).toEqual([]);
  });
});
