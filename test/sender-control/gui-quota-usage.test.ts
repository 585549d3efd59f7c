// An office admin puts a quota on the login a spam script uses, then opens Settings → Filtering
// & senders to see it work: the section showed the quota's boxes and nothing of what it had
// counted (only GET /api/v1/quotas and the audit log did). Real renderer in Chromium, real SMTP
// sessions logged in as the user.
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../e2e/browser.js';
import { shootLightAndDark, startGui, type Gui } from '../e2e/gui.js';
import { requireTool, tools } from '../helpers/system-tools.js';

const chromiumPath = requireTool(tools.chromium);
let gui: Gui | undefined;
afterEach(async () => {
  await gui?.close();
  gui = undefined;
});

describe.skipIf(!chromiumPath)('a sending quota in Settings', () => {
  it('shows what it has counted for each user, live, and which limit is reached', async () => {
    gui = await startGui(chromiumPath as string, {
      viewport: { width: 1100, height: 800 },
      settings: { quotas: [{ user: 'alice', perHour: 5, recipientsPerDay: 3 }] },
    });
    const { page, relaydesk } = gui;
    await page.goto(`${relaydesk.url}#settings`);
    const usage = page.locator('#section-filtering').getByTestId('quota-usage');
    await eventually(() => usage.innerText()).toBe(
      'Counted: nothing in the last day (a quota counts the mail accepted before it was saved too).',
    );

    await relaydesk.transport({ user: 'alice', pass: 'any' }).sendMail({
      from: 'alice@office.example',
      to: ['a@far.example', 'b@far.example', 'c@far.example'],
      text: 'cheap pills',
    });
    await eventually(() => usage.innerText()).toBe(
      'Counted for user alice: 1 this minute, 1 this hour, 1 today, 3 recipients today — at the limit of 3 recipients a day',
    );
    await usage.scrollIntoViewIfNeeded();
    await shootLightAndDark(page, 'quota-usage');
    expect(gui.pageErrors).toEqual([]);
  });
});
