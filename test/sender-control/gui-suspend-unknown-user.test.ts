// An admin suspends the stolen login in a hurry and mistypes it (`alicee` for `alice`): the
// suspension is saved, but it stops nobody. The Senders panel said only "user alicee suspended"
// in grey and `relaydesk suspend` the same, so the admin went on believing the spam had stopped
// while alice kept sending. Now both say in the warning's words that no SMTP user has that
// name, and the name meant.
import { afterEach, describe, expect, it } from 'vitest';
import { shootLightAndDark, startGui, type Gui } from '../e2e/gui.js';
import { eventually } from '../e2e/browser.js';
import { runCli, cleanupCliProcesses } from '../helpers/cli-process.js';
import { requireTool, tools } from '../helpers/system-tools.js';

const chromiumPath = requireTool(tools.chromium);
let gui: Gui | undefined;
afterEach(async () => {
  await cleanupCliProcesses();
  await gui?.close();
  gui = undefined;
});

describe.skipIf(!chromiumPath)('suspending an SMTP user name nobody has', () => {
  it('warns that it stops nobody and names the user meant, in the panel and the CLI', async () => {
    gui = await startGui(chromiumPath as string, { viewport: { width: 900, height: 700 } });
    const { page, relaydesk } = gui;
    await relaydesk.service.addUser('alice', 'alice-secret-1');
    await relaydesk.service.addUser('bob', 'bob-secret-22');
    await gui.openLive();
    await page.getByTestId('more-actions').click();
    await page.getByTestId('show-suspensions').click();
    const warning = page.getByTestId('suspend-warning');

    await page.getByTestId('suspend-kind').selectOption('user');
    await page.getByTestId('suspend-value').fill('alicee');
    await page.getByTestId('suspend-reason').fill('password leaked');
    await page.getByTestId('suspend-submit').click();
    await eventually(() => page.getByTestId('suspend-notice').innerText()).toBe(
      'user alicee suspended',
    );
    const said =
      'no SMTP user is named "alicee", so this suspension stops nobody now; did you mean "alice"? Lift this one and suspend that name';
    await eventually(() => warning.innerText()).toBe(said);
    expect(await warning.getAttribute('role')).toBe('alert');
    await shootLightAndDark(page, 'suspend-unknown-user');

    // the right name: no warning, and the last one's is gone
    await page.getByTestId('suspend-value').fill('alice');
    await page.getByTestId('suspend-reason').fill('password leaked');
    await page.getByTestId('suspend-submit').click();
    await eventually(() => page.getByTestId('suspend-notice').innerText()).toBe(
      'user alice suspended',
    );
    expect(await warning.count()).toBe(0);

    const env = { RELAYDESK_HTTP: `127.0.0.1:${relaydesk.http.port}` };
    const typo = await runCli(['suspend', 'user', 'bobb', '--reason', 'leaked'], { env });
    expect(typo.code, typo.stderr).toBe(0);
    expect(typo.stderr).toMatch(/^suspended user bobb \(ID \w+\)\n/);
    expect(typo.stderr).toContain(
      'relaydesk suspend: warning: no SMTP user is named "bobb", so this suspension stops nobody now; did you mean "bob"?',
    );
    const glob = await runCli(['suspend', 'user', 'b*', '--reason', 'leaked'], { env });
    expect(glob.code, glob.stderr).toBe(0);
    expect(glob.stderr).not.toContain('warning');
    expect(gui.pageErrors).toEqual([]);
  });
});
