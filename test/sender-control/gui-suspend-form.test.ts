// The Suspend form of the Senders panel as an admin fills it in a hurry (a hacked workstation
// is sending), in Debian's Chromium against the headless server: a box left empty is answered
// with the relay's sentence naming the box and what to give, not the argument check's "Too
// small: expected string to have >=1 characters"; and a refusal does not sit under the last
// success ("… suspended"), which read as if this one had been done too. By keyboard only.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { screenshots, startGui, type Gui } from '../e2e/gui.js';
import { greetedSession } from '../helpers/smtp-wire.js';
import { stallingUpstream } from '../helpers/stalling-upstream.js';
import { requireTool, tools } from '../helpers/system-tools.js';

const chromiumPath = requireTool(tools.chromium);
let gui: Gui | undefined;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await gui?.close();
  gui = undefined;
  for (const cleanup of cleanups.splice(0)) await cleanup();
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
    // its button stays inside the narrow pane (they ran past its edge, "Lift and release" cut)
    const pane = await page.getByTestId('suspensions').boundingBox();
    const lift = await page.getByTestId('unsuspend').boundingBox();
    expect(lift && pane && lift.x + lift.width).toBeLessThanOrEqual(
      (pane?.x ?? 0) + (pane?.width ?? 0),
    );
    // it holds nothing: just Lift (sending or cancelling its held mail could only say none is)
    await expect
      .poll(() => page.getByTestId('suspension-holds').innerText())
      .toBe(' · holds no mail');
    expect(await page.getByTestId('suspension').getByRole('button').allInnerTexts()).toEqual([
      'Lift',
    ]);
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

  // the admin must not read "suspended" as "none of its mail goes out" when one is on the wire
  it('says when a message of the sender is in an attempt now, and holds it once that attempt defers it', async () => {
    const upstream = await stallingUpstream();
    cleanups.push(() => upstream.close());
    gui = await startGui(chromiumPath as string, {
      settings: {
        mode: 'relay',
        relay: { host: '127.0.0.1', port: upstream.port, security: 'none' },
      },
    });
    const { page, relaydesk } = gui;
    await gui.send({ from: 'app@example.test', to: 'boss@example.net', text: 'report' });
    // on the wire: the upstream took the connection and says nothing yet
    await expect
      .poll(async () => {
        const view = await relaydesk.api<{
          messages: Array<{ recipients: Array<{ state: string }> }>;
        }>('/api/v1/queue');
        return view.messages.flatMap((m) => m.recipients.map((r) => r.state));
      })
      .toEqual(['sending']);
    await gui.openLive();
    await page.getByTestId('more-actions').click();
    await page.getByTestId('show-suspensions').click();
    await page.getByTestId('suspend-kind').selectOption('sender');
    await page.getByTestId('suspend-value').fill('app@example.test');
    await page.getByTestId('suspend-reason').fill('hacked workstation');
    await page.getByTestId('suspend-reason').press('Enter');
    await expect
      .poll(() => page.getByTestId('suspend-notice').innerText())
      .toBe(
        'sender app@example.test suspended; 1 in an attempt now, held if that attempt defers it',
      );
    // the message is on the wire, not held: nothing to send on or cancel yet, so just Lift
    const entry = page.getByTestId('suspension');
    await expect
      .poll(() => entry.getByTestId('suspension-holds').innerText())
      .toBe(' · holds no mail');
    expect(await entry.getByRole('button').allInnerTexts()).toEqual(['Lift']);
    await page.screenshot({ path: join(screenshots, 'suspend-in-attempt-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'suspend-in-attempt-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    upstream.answer();
    // the attempt deferred and the suspension held it: the panel follows, with the held mail's
    // buttons
    await expect
      .poll(() => entry.getByTestId('suspension-holds').innerText())
      .toBe(' · holds 1 message');
    expect(await entry.getByRole('button').allInnerTexts()).toEqual([
      'Lift',
      'Lift and release…',
      'Cancel held…',
    ]);
    await gui.openLive('#queue');
    await expect
      .poll(() => page.getByTestId('queue-entry').first().innerText())
      .toMatch(/held: sender app@example\.test suspended \(\S+\): hacked workstation/);
    expect(gui.pageErrors).toEqual([]);
  });
});
