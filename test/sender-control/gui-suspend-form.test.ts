// The Suspend form of the Senders panel as an admin fills it in a hurry (a hacked workstation
// is sending), in Debian's Chromium against the headless server: a box left empty is answered
// with the relay's sentence naming the box and what to give, not the argument check's "Too
// small: expected string to have >=1 characters"; and a refusal does not sit under the last
// success ("… suspended"), which read as if this one had been done too. By keyboard only.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { screenshots, startGui, type Gui } from '../e2e/gui.js';
import { greetedSession } from '../helpers/smtp-wire.js';
import { requireTool, tools } from '../helpers/system-tools.js';

const chromiumPath = requireTool(tools.chromium);
let gui: Gui | undefined;
afterEach(async () => {
  await gui?.close();
  gui = undefined;
});

describe.skipIf(!chromiumPath)('the Suspend form of the Senders panel', () => {
  it('says which box is empty and what to give, and shows a refusal without the last success', async () => {
    gui = await startGui(chromiumPath as string, { viewport: { width: 720, height: 700 } });
    const { page, relaydesk } = gui;
    await gui.openLive();
    await page.getByTestId('more-actions').click();
    await page.getByTestId('show-suspensions').click();
    const kind = page.getByTestId('suspend-kind');
    const value = page.getByTestId('suspend-value');
    const reason = page.getByTestId('suspend-reason');
    const error = page.getByTestId('suspend-error');
    const notice = page.getByTestId('suspend-notice');

    // keyboard only: the kind, the value, the reason, then Enter submits
    await kind.focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.type('infected workstation');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => error.innerText())
      .toBe('Value: "" is empty; give the client\'s IP address to suspend, e.g. "192.0.2.7"');

    await value.focus();
    await page.keyboard.type('127.0.0.1');
    await reason.focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => error.innerText())
      .toBe(
        'Reason: "" is empty; give one line of up to 300 characters saying why (the client is told)',
      );
    await page.screenshot({ path: join(screenshots, 'suspend-form-empty-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'suspend-form-empty-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await relaydesk.api('/api/v1/suspensions')).toEqual([]);

    await page.keyboard.type('infected workstation, ticket 4711');
    await page.keyboard.press('Enter');
    await expect.poll(() => notice.innerText()).toBe('ip 127.0.0.1 suspended');
    await expect.poll(() => error.count()).toBe(0);
    // its buttons stay inside the narrow pane (they ran past its edge, "Lift and release" cut)
    const pane = await page.getByTestId('suspensions').boundingBox();
    const lift = await page.getByTestId('unsuspend-release').boundingBox();
    expect(lift && pane && lift.x + lift.width).toBeLessThanOrEqual(
      (pane?.x ?? 0) + (pane?.width ?? 0),
    );
    expect(await page.getByTestId('unsuspend-release').innerText()).toBe('Lift and release…');
    // it took effect: the workstation is turned away at connect
    await expect(greetedSession(relaydesk.smtp.port)).rejects.toThrow(
      /421 4\.7\.0 Client suspended: infected workstation, ticket 4711/,
    );

    // the next one refused: its reason alone, not under "ip 127.0.0.1 suspended"
    await kind.selectOption('sender');
    await value.fill('@office.example');
    await reason.fill('phished');
    await reason.press('Enter');
    await expect
      .poll(() => error.innerText())
      .toBe(
        'Value: "@office.example" has nothing before the "@", so it matches no sender address; give "*@office.example" for the whole domain',
      );
    expect(await notice.innerText()).toBe('');
    await page.screenshot({ path: join(screenshots, 'suspend-form-refused-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'suspend-form-refused-dark.png') });
    expect(gui.pageErrors).toEqual([]);
  });
});
