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
      `Mail too large to store is refused: A file in ${serve.dataDir} reached the largest size its disk or this process allows (EFBIG), so mail that would make a file pass that size gets 452 4.3.1 (try again later). Keep messages below that size (--max-size), or raise the limit (the ulimit -f of the process running Relaydesk, or a disk that takes files larger than FAT32’s 4 GB); freeing space does not help; this notice goes when the next message is stored.`,
    );
    // a size limit is no full disk: it said "every new message gets 452" and "free space on
    // that disk", and the audit "disk full", while smaller mail was taken
    const log = serve.stdout + serve.stderr;
    expect(log).toContain(
      `spool: a file in ${serve.dataDir} reached the largest size its disk or this process allows (EFBIG); mail that would make a file pass that size gets 452 4.3.1 (try again later): keep messages below that size (--max-size)`,
    );
    expect(log).toMatch(
      /smtp-audit event=message result=rejected .* reply=452 reason="file too large"/,
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
