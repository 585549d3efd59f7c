// The clamd strip in Settings → Filtering & senders after a new clamd address is saved there: the
// relay scans at the new address at once, but the strip was read once when the page opened and
// kept saying that the old address does not answer, beside the new one in the box. A real clamd,
// the real renderer in Chromium.
import { afterEach, describe, it } from 'vitest';
import { eventually } from '../e2e/browser.js';
import { shootLightAndDark, startGui, type Gui } from '../e2e/gui.js';
import { clamdTool, startClamd, type TestClamd } from '../helpers/clamd.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { closedPort } from '../helpers/upstream-server.js';

const chromiumPath = requireTool(tools.chromium);
const clamdPath = requireTool(clamdTool);
let gui: Gui | undefined;
let clamd: TestClamd | undefined;
afterEach(async () => {
  await gui?.close();
  gui = undefined;
  await clamd?.stop();
  clamd = undefined;
});

describe.skipIf(!chromiumPath || !clamdPath)('the scanner strip in Settings', () => {
  it('names the clamd address just saved, and whether it answers', async () => {
    clamd = await startClamd(clamdPath as string, Buffer.from('unused'));
    const wrong = `127.0.0.1:${await closedPort()}`;
    gui = await startGui(chromiumPath as string, {
      viewport: { width: 1100, height: 800 },
      settings: { clamd: wrong, clamdUnavailable: 'defer' },
    });
    const { page, relaydesk } = gui;
    await page.goto(`${relaydesk.url}#settings`);
    const strip = page.locator('#section-filtering').getByTestId('scanner-state');
    await eventually(() => strip.innerText()).toContain(`at ${wrong}`);

    await page.getByLabel('clamd address (HOST:PORT or Unix socket)').fill(clamd.address);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await eventually(() => strip.innerText()).toContain(`clamd answers at ${clamd.address}`);
    await strip.scrollIntoViewIfNeeded();
    await shootLightAndDark(page, 'scanner-strip-address-saved');
  }, 120_000);
});
