// The spam filter's strip above the quarantine and in Settings, beside clamd's, in Debian's
// Chromium against a real SpamAssassin spamd: with spamAction on, a spamd that stopped passed
// every message on unscored and only the service log said so, once; the scanner strip spoke of
// clamd alone, and said "only the attachment policy quarantines mail" while the spam filter
// quarantined too.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shootLightAndDark, startGui, type Gui } from '../e2e/gui.js';
import { eventually } from '../helpers/eventually.js';
import { startSpamd, type RunningSpamd } from '../helpers/spamd.js';
import { requireTool, tools } from '../helpers/system-tools.js';

const chromiumPath = requireTool(tools.chromium);
const spamdCommand = requireTool(tools.spamd);

describe.skipIf(!chromiumPath || !spamdCommand)('the spam filter’s strip', () => {
  let spamd: RunningSpamd;
  let gui: Gui;
  let page: Page;
  let where: string;

  const strip = () => page.getByTestId('message-list-pane').getByTestId('spamd-state');
  const clamdStrip = () => page.getByTestId('message-list-pane').getByTestId('scanner-state');

  beforeAll(async () => {
    spamd = await startSpamd(spamdCommand as string);
    where = `${spamd.address.host}:${spamd.address.port}`;
    gui = await startGui(chromiumPath as string, {
      settings: { spamassassin: where, spamAction: 'quarantine' },
    });
    ({ page } = gui);
    await gui.openLive();
    await page.getByTestId('more-actions').click();
    await page.getByTestId('show-quarantine').click();
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
    await spamd?.stop();
  });

  it('says spamd answers and what happens to spam, and the clamd strip counts the spam filter among what quarantines', async () => {
    await eventually(() => strip().innerText()).toMatch(
      new RegExp(
        `^spamd answers at ${where.replace(/\./g, '\\.')}: messages are scored for spam, and what it scores as spam is quarantined\\.\\s*Check again$`,
      ),
    );
    expect(await clamdStrip().innerText()).toBe(
      'Virus scanning is off: no clamd is set in Settings → Filtering & senders; only the attachment policy and the spam filter quarantine mail.',
    );
    await shootLightAndDark(page, 'spamd-strip-answers');
  });

  it('says spamd does not answer once it stopped, that mail goes on unscored, and the fix', async () => {
    await spamd.stop();
    await strip().getByTestId('scanner-check').click();
    await eventually(() => strip().innerText()).toMatch(/^spamd does not answer/);
    expect(await strip().getAttribute('role')).toBe('status');
    expect((await strip().innerText()).replace(/\s+/g, ' ')).toBe(
      `spamd does not answer at ${where}. Meanwhile mail is passed on unscored, as amavis passes it when SpamAssassin fails. ` +
        'Fix: start spamd listening at ' +
        `${where}, or fill in “SpamAssassin spamd” under Settings → Checks & POP3. Check again`,
    );
    await shootLightAndDark(page, 'spamd-strip-down');
    expect(gui.pageErrors).toEqual([]);
  });
});
