// A Mailpit user's last surprises, in Chromium against the real headless server with mail sent
// over SMTP: the icon at the fixed paths a browser and Mailpit's bookmarks ask for, and, with
// --use-message-dates, the list in the order of the Date headers, as Mailpit's.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)("Mailpit's fixed paths and message dates in the GUI", () => {
  let gui: Gui;
  let page: Page;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string, { settings: { useMessageDates: true } });
    page = gui.page;
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  it('serves the app icon at /favicon.ico and at the icon paths Mailpit and Safari ask for', async () => {
    await gui.openLive();
    const favicon = await gui.relaydesk.fetch('/favicon.ico');
    expect(favicon.status).toBe(200);
    expect(favicon.headers.get('content-type')).toBe('image/x-icon');
    // the browser decodes each as an image of the app's icon (512 px; an .ico says 256 at most)
    const sizes = await page.evaluate(async () => {
      const paths = [
        '/favicon.ico',
        '/favicon.svg',
        '/mailpit.svg',
        '/notification.png',
        '/apple-touch-icon.png',
      ];
      return Promise.all(
        paths.map(async (path) => {
          const image = new Image();
          image.src = path;
          await image.decode();
          return `${path} ${image.naturalWidth}x${image.naturalHeight}`;
        }),
      );
    });
    expect(sizes).toEqual([
      '/favicon.ico 256x256',
      '/favicon.svg 512x512',
      '/mailpit.svg 512x512',
      '/notification.png 512x512',
      '/apple-touch-icon.png 512x512',
    ]);
  });

  it('lists by the Date header with message dates on, an arrival dated in the past in its place', async () => {
    await gui.deleteAll();
    const send = (subject: string, date: string) =>
      gui.send({ from: 'app@example.test', to: 'user@example.test', subject, text: 'hi', date });
    await send('dated March', 'Tue, 03 Mar 2026 09:00:00 +0000');
    await send('dated January', 'Thu, 01 Jan 2026 09:00:00 +0000');
    await send('dated May', 'Fri, 01 May 2026 09:00:00 +0000');
    await gui.openLive();
    const rows = page.getByTestId('message-row');
    const subjects = async () =>
      (await rows.allInnerTexts()).map((text) => /dated \w+/.exec(text)?.[0] ?? text);
    await eventually(subjects).toEqual(['dated May', 'dated March', 'dated January']);
    // live: one from the past goes between, not on top; one from now goes on top
    await send('dated February', 'Sun, 01 Feb 2026 09:00:00 +0000');
    await eventually(subjects).toEqual([
      'dated May',
      'dated March',
      'dated February',
      'dated January',
    ]);
    await send('dated today', new Date().toUTCString());
    await eventually(subjects).toEqual([
      'dated today',
      'dated May',
      'dated March',
      'dated February',
      'dated January',
    ]);
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      await page.screenshot({ path: join(screenshots, `message-dates-list-${colorScheme}.png`) });
    }
    expect(gui.pageErrors).toEqual([]);
  });
});
