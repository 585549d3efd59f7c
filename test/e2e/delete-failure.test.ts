// A Delete all whose files would not all go (a file another program holds, on Windows; a failing
// disk): the messages leave the list, and the page says so, where before the list's toolbar that
// held the sentence went with the last message and the failure showed nowhere.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('a Delete all that could not remove every file', () => {
  let gui: Gui;
  let page: Page;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string);
    page = gui.page;
  }, 60_000);

  afterAll(async () => {
    await gui?.close();
  });

  it('says which outcome the relay answered, above the emptied list', async () => {
    await gui.send({ from: 'app@example.test', to: 'you@example.test', subject: 'Locked' });
    const [stuck] = (await gui.relaydesk.api<{ messages: { ID: string }[] }>('/api/v1/messages'))
      .messages;
    // a folder in the place of its .eml: it cannot be removed
    const eml = join(gui.relaydesk.dataDir, 'spool', `${stuck?.ID}.eml`);
    await rm(eml);
    await mkdir(eml);
    await writeFile(join(eml, 'held'), 'x');

    await gui.openLive();
    await page.getByTestId('delete-all').click();
    await page.getByTestId('confirm-sweep').click();
    const alert = page.getByRole('alert').filter({ hasText: 'could not remove' });
    await eventually(() => alert.innerText()).toMatch(
      /^could not remove the files of 1 message\(s\) \(EISDIR\); they are listed again at the next start \(id [0-9a-f]+\); the server's log has the details$/,
    );
    // and it stays once the list shows it is empty (the toolbar's own alert went with the toolbar)
    await page.getByRole('heading', { name: 'No messages yet' }).waitFor();
    expect(await alert.isVisible()).toBe(true);
    expect(await page.getByTestId('message-row').count()).toBe(0);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(screenshots, `delete-failure-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
    expect(gui.pageErrors).toEqual([]);
  });
});
