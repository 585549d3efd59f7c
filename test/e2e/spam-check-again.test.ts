// The Spam tab when spamd did not answer as the message opened (not started yet, busy, or given
// a wrong address): the tab kept that "not available" until another message was opened and this
// one again. Asked again by hand once a real spamd answers, in Debian's Chromium against the
// headless server.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startSpamd, type RunningSpamd } from '../helpers/spamd.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { shootLightAndDark, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);
const spamdCommand = requireTool(tools.spamd);

describe.skipIf(!chromiumPath || !spamdCommand)('the Spam tab asked again', () => {
  let gui: Gui;
  let page: Page;
  let spamd: RunningSpamd | undefined;
  let nobody: number;

  beforeAll(async () => {
    nobody = await freePort();
    gui = await startGui(chromiumPath as string, {
      settings: { spamassassin: `127.0.0.1:${nobody}` },
    });
    page = gui.page;
    await gui.send({
      from: 'newsletter@shop.example',
      to: 'office@example.test',
      subject: 'Spring offers',
      text: 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X',
    });
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
    await spamd?.stop();
  });

  it('says why in a sentence, and scores the message once spamd answers', async () => {
    await gui.openLive();
    await gui.openTab('Spring offers', 'Spam');
    const notice = page.getByTestId('spam-check-notice');
    expect(await notice.innerText()).toBe(
      `SpamAssassin is not available: spamd at 127.0.0.1:${nobody}: connection refused; is spamd running?`,
    );
    await shootLightAndDark(page, 'spam-check-again-unavailable');

    // the admin starts spamd and puts its address in Settings → Checks & POP3
    spamd = await startSpamd(spamdCommand as string);
    const saved = await gui.relaydesk.fetch('/api/v1/settings', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        spamassassin: `${spamd.address.host}:${spamd.address.port}`,
      }),
    });
    expect(saved.status).toBe(200);

    await page.getByRole('button', { name: 'Ask SpamAssassin again' }).click();
    await eventually(() => page.getByTestId('spam-check-score').count()).toBe(1);
    expect(await page.getByTestId('spam-check-score').innerText()).toMatch(
      /^Score \d+(\.\d+)? of 5(\.0)? needed to be spam: spam$/,
    );
    expect(await page.getByTestId('spam-check-again').count()).toBe(0);
    expect(gui.pageErrors).toEqual([]);
  });
});
