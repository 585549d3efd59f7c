// A full disk turns every client away with 452 4.3.1, and the window showed nothing of it: the
// relay read "Live" while no mail came in. In Chromium against a real `relaydesk serve` run under
// a file size limit (util-linux's prlimit --fsize: a file that reaches it cannot grow, as on a full
// disk, and the write fails with EFBIG): a message too large to store brings up a banner that says
// why mail is refused and what to do, and the next message stored takes it away. Screenshots light
// and dark for a person to look at.
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { cleanupCliProcesses, sendOfSize, startServe } from '../helpers/cli-process.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually, launchChromium, type ChromiumSession } from './browser.js';
import { screenshots } from './gui.js';
import { ensureRendererBuilt } from './renderer-build.js';

const chromiumPath = requireTool(tools.chromium);
const prlimit = requireTool(tools.prlimit);

afterEach(cleanupCliProcesses);

describe.skipIf(!chromiumPath || !prlimit)('mail refused for want of room', () => {
  let browser: ChromiumSession | undefined;
  afterAll(async () => browser?.close());

  it('says so in a banner with what to do, and takes it away once mail is stored again', async () => {
    await ensureRendererBuilt();
    const serve = await startServe({
      fileSizeLimit: { prlimit: prlimit as string, bytes: 400 * 1024 },
    });
    browser = await launchChromium(chromiumPath as string);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(serve.url);
    await page.locator('[data-testid="stream-state"][data-state="open"]').waitFor();
    expect(await page.getByTestId('disk-full-banner').count()).toBe(0);

    expect(await sendOfSize(serve.smtp.port, 'too large to store', 600 * 1024)).toBe(452);
    const banner = page.getByTestId('disk-full-banner');
    await eventually(() => banner.innerText()).toBe(
      `New mail is refused: A file in ${serve.dataDir} reached the largest size its disk or this process allows (EFBIG), so every new message gets 452 4.3.1 (try again later). Delete messages here or free space on that disk: mail is taken again by itself once there is room, and this notice goes when the next message is stored.`,
    );
    expect(await banner.getAttribute('role')).toBe('alert');
    // a window opened now reads it too, not only one that saw the event
    const again = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await again.goto(serve.url);
    await eventually(() => again.getByTestId('disk-full-banner').count()).toBe(1);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(screenshots, `disk-full-${scheme}.png`) });
    }

    expect(await sendOfSize(serve.smtp.port, 'small enough', 20 * 1024)).toBe(250);
    await eventually(() => page.getByTestId('disk-full-banner').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
