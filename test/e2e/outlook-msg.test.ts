// An Outlook user's message in Analyze headers: classic Outlook saves a message as .msg (Save As,
// or a message dragged out of it), not .eml, and before this such a file was refused as "binary
// data" with the advice to dig the headers out of File → Properties by hand. Real Chromium against
// the real headless server; the .msg files are Compound Files laid out as Outlook writes them.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outlookMsg, wordDocument } from '../helpers/outlook-msg.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

/** Drops a file with these bytes on the window, as a file dragged out of Outlook. */
async function dropFile(page: Page, name: string, bytes: Buffer): Promise<void> {
  const transfer = await page.evaluateHandle(
    ({ name, bytes }) => {
      const data = new DataTransfer();
      data.items.add(
        new File([new Uint8Array(bytes)], name, { type: 'application/vnd.ms-outlook' }),
      );
      return data;
    },
    { name, bytes: [...bytes] },
  );
  await page.dispatchEvent('[data-testid=app]', 'drop', { dataTransfer: transfer });
}

describe.skipIf(!chromiumPath)('an Outlook .msg in Analyze headers', () => {
  let gui: Gui;
  let page: Page;
  let dialog: Locator;
  let header: string;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string, { viewport: { width: 1280, height: 900 } });
    page = gui.page;
    dialog = page.getByRole('dialog', { name: 'Analyze headers' });
    const eml = await readFile(
      join(import.meta.dirname, '..', 'route-analysis', 'corpus', 'microsoft-365.eml'),
      'utf8',
    );
    header = eml.slice(0, eml.search(/\r?\n\r?\n/));
    await gui.openLive();
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  it('reads the route of a .msg dropped on the window from the headers Outlook kept', async () => {
    // a forwarded message attached to it has headers of its own, which are not this route
    const forwarded = 'Received: from x.example by y.example; Fri, 6 Dec 2024 10:00:00 +0000';
    await dropFile(
      page,
      'RE Lunch.msg',
      outlookMsg({ subject: 'RE: Lunch', headers: header, attachedHeaders: forwarded }),
    );
    const hops = dialog.getByTestId('hop');
    await eventually(() => hops.count()).toBe(6);
    expect(await dialog.getByRole('textbox').inputValue()).toBe(header);
    expect(await hops.first().innerText()).toContain('EXCH01.corp.example.org');
    expect(await dialog.getByRole('alert').count()).toBe(0);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(screenshots, `outlook-msg-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.keyboard.press('Escape');
  });

  it('says why a draft .msg or a Word file opened with the button has no route', async () => {
    await page.getByRole('button', { name: 'Analyze headers' }).click();
    const input = dialog.locator('input[type=file]');
    expect(await dialog.locator('label.file-button').innerText()).toBe('Open .eml or .msg file');
    await input.setInputFiles({
      name: 'Draft.msg',
      mimeType: 'application/vnd.ms-outlook',
      buffer: outlookMsg({ subject: 'Draft' }),
    });
    await eventually(() => dialog.getByRole('alert').innerText()).toBe(
      '“Draft.msg” is an Outlook message with no Internet headers: Outlook keeps them only for ' +
        'mail it received, so a draft or a sent message has none. Save a message from the Inbox ' +
        'instead.',
    );
    await input.setInputFiles({
      name: 'Minutes.doc',
      mimeType: 'application/msword',
      buffer: wordDocument(),
    });
    await eventually(() => dialog.getByRole('alert').innerText()).toMatch(
      /^“Minutes\.doc” is not an Outlook message: it is another kind of Office file \(a Word or Excel document is made the same way\)\./,
    );
    expect(await dialog.getByTestId('hop').count()).toBe(0);
    // a message in the code page of its sender (PT_STRING8), picked after them, reads as well
    await input.setInputFiles({
      name: 'Old.msg',
      mimeType: 'application/vnd.ms-outlook',
      buffer: outlookMsg({ subject: 'Old', headers: header, eightBit: true }),
    });
    await eventually(() => dialog.getByTestId('hop').count()).toBe(6);
    expect(await dialog.getByRole('alert').count()).toBe(0);
    await page.keyboard.press('Escape');
    expect(gui.pageErrors).toEqual([]);
  });
});
