// What a developer coming from Mailpit hit on the daily path (session 48 audit: a web app's mail
// sent with nodemailer, swaks and smtplib, then read in the GUI), checked in Chromium against the
// real headless server with mail sent over SMTP during the test.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('the developer audit findings in Chromium', () => {
  let gui: Gui;
  let page: Page;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string, { viewport: { width: 1280, height: 800 } });
    page = gui.page;
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  async function open(subject: string): Promise<void> {
    await page.getByTestId('message-row').filter({ hasText: subject }).click();
    await eventually(() => page.getByTestId('message-subject').innerText()).toBe(subject);
  }

  it('downloads an attachment whose name is not ASCII under that name', async () => {
    const name = 'Überweisung März – 日本.txt';
    await gui.send({
      from: 'shop@example.test',
      to: 'alice@example.test',
      subject: 'Transfer slip',
      text: 'attached',
      attachments: [{ filename: name, content: 'transfer slip\n' }],
    });
    await gui.openLive();
    await open('Transfer slip');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('attachment').getByRole('link', { name }).click(),
    ]);
    // it was a failed download ("canceled"): the server answered 500 for the header
    expect(await download.failure()).toBeNull();
    expect(download.suggestedFilename()).toBe(name);
    expect(await readFile(await download.path(), 'utf8')).toBe('transfer slip\n');
    expect(gui.pageErrors).toEqual([]);
  });
});
