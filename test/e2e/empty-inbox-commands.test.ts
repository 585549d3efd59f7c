// The empty list shows commands to send a first test message: copied into a shell as they are
// shown, each must bring a message the list shows with its sender and subject (the curl one sent
// no From header, so its message was listed with no sender).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);
const curlPath = requireTool(tools.curl);
const swaksPath = requireTool(tools.swaks);

describe.skipIf(!chromiumPath)('the empty list’s commands, run as shown', () => {
  let gui: Gui;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string, { viewport: { width: 1280, height: 900 } });
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  // each test starts from the empty list
  afterEach(async () => {
    await gui.relaydesk.fetch('/api/v1/messages', { method: 'DELETE' });
  });

  /** Runs the command under the heading `name` of the empty list, in a shell, as a user would. */
  async function runShown(name: string): Promise<void> {
    const { page } = gui;
    await gui.openLive();
    const empty = page.getByTestId('list-empty');
    await empty.waitFor();
    const command = await empty
      .getByRole('heading', { name, exact: true })
      .locator('xpath=following-sibling::pre[1]')
      .innerText();
    // (not spawnSync: the relay answering it runs in this process)
    await promisify(execFile)('sh', ['-c', command], { timeout: 20_000 });
  }

  it.skipIf(!curlPath)(
    'curl: the message is listed from me@example.com, subject Hello',
    async () => {
      await runShown('curl');
      const row = gui.page.getByTestId('message-row').first();
      await eventually(() => row.innerText()).toContain('Hello');
      expect(await row.innerText()).toContain('me@example.com');
      await gui.relaydesk.fetch('/api/v1/messages', { method: 'DELETE' });
    },
  );

  it.skipIf(!swaksPath)('swaks: the message is listed from me@example.com', async () => {
    await runShown('swaks');
    const row = gui.page.getByTestId('message-row').first();
    await eventually(() => row.innerText()).toContain('me@example.com');
    expect(gui.pageErrors).toEqual([]);
  });
});
