// The Senders panel says what lifting a suspension did, as `relaydesk unsuspend` does: in
// Debian's Chromium against the headless server relaying to a real (test) upstream. Lifting a
// sender's suspension while its workstation's IP is still suspended releases nothing; the
// panel used to just drop the entry, and the admin believed the held mail was on its way.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import type {
  MessageDelivery,
  SuspensionEntry,
  SuspensionLiftPreview,
} from '../../preload/api-contract.js';
import { screenshots, startGui, type Gui } from '../e2e/gui.js';
import { settled } from '../helpers/delivery.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { upstreamsPerTest } from '../helpers/upstream-server.js';

const chromiumPath = requireTool(tools.chromium);
const { upstream } = upstreamsPerTest();
let gui: Gui | undefined;
afterEach(async () => {
  await gui?.close();
  gui = undefined;
});

/** A relay in the window, relaying to an upstream that answers 451 until told otherwise. */
async function busyUpstreamGui() {
  const server = await upstream({
    tls: 'none',
    failures: { mail: { code: 451, text: '4.3.0 busy' } },
  });
  const opened = await startGui(chromiumPath as string, {
    settings: {
      mode: 'relay',
      relay: { host: '127.0.0.1', port: server.port, security: 'none' },
    },
  });
  return { server, opened };
}

/** Sends a message from `from` through the window's relay; its ID once the upstream deferred it. */
async function sentAndDeferred(relaydesk: Gui['relaydesk'], from: string, subject: string) {
  const info = await relaydesk.transport().sendMail({
    from,
    to: 'customer@example.com',
    subject,
    text: 'hi',
  });
  const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
  await settled(relaydesk, id, (d) => d.recipients[0]?.state === 'deferred');
  return id;
}

async function suspend(gui: Gui, body: Record<string, string>): Promise<SuspensionEntry> {
  const res = await gui.relaydesk.fetch('/api/v1/suspensions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as SuspensionEntry;
}

function entry(page: Page, value: string) {
  return page.getByTestId('suspension').filter({ hasText: value });
}

describe.skipIf(!chromiumPath)('lifting a suspension in the Senders panel', () => {
  it('says what was released and what another suspension still holds', async () => {
    const { server, opened } = await busyUpstreamGui();
    gui = opened;
    const { relaydesk, page } = gui;
    const id = await sentAndDeferred(
      relaydesk,
      'hans@office.example',
      'sent with a phished password',
    );
    await suspend(gui, { Kind: 'sender', Value: 'hans@office.example', Reason: 'phished' });
    await suspend(gui, { Kind: 'ip', Value: '127.0.0.1', Reason: 'infected workstation' });

    await gui.openLive();
    await page.getByTestId('more-actions').click();
    await page.getByTestId('show-suspensions').click();
    await entry(page, 'hans@office.example').getByTestId('unsuspend-release').click();
    // it held the message, but the IP's suspension still covers it: the lift sends nothing, so
    // there is no confirm to count a message it would not send
    await expect.poll(() => entry(page, 'hans@office.example').count()).toBe(0);
    expect(await page.getByTestId('lift-release-dialog').count()).toBe(0);
    const notice = page.getByTestId('suspend-notice');
    expect(await notice.innerText()).toBe(
      'sender hans@office.example is no longer suspended; 0 held messages released; 1 held message stays held: another suspension still covers it',
    );
    await page.screenshot({ path: join(screenshots, 'suspension-still-held-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'suspension-still-held-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    server.setFailures({});
    await entry(page, '127.0.0.1').getByTestId('unsuspend-release').click();
    await page.getByTestId('lift-release-dialog-confirm').click();
    await expect
      .poll(() => notice.innerText())
      .toBe('ip 127.0.0.1 is no longer suspended; 1 held message released');
    await settled(relaydesk, id, (d) => d.recipients[0]?.state === 'relayed');
    expect(gui.pageErrors).toEqual([]);
  }, 60_000);

  it('counts in the confirm only the mail the lift sends, and says how much another suspension keeps held', async () => {
    const { server, opened } = await busyUpstreamGui();
    gui = opened;
    const { relaydesk, page } = gui;
    const send = (from: string) => sentAndDeferred(relaydesk, from, `from ${from}`);
    const hans = await send('hans@office.example');
    const eva = await send('eva@office.example');
    // the whole domain first (it holds both), then hans alone, whose password was phished
    const domain = await suspend(gui, {
      Kind: 'sender',
      Value: '*@office.example',
      Reason: 'spam run',
    });
    await suspend(gui, { Kind: 'sender', Value: 'hans@office.example', Reason: 'phished' });
    expect(
      await relaydesk.api<SuspensionLiftPreview>(`/api/v1/suspensions/${domain.ID}/lift`),
    ).toEqual({ ID: domain.ID, Releases: [eva], StillHeld: [hans] });

    await gui.openLive();
    await page.getByTestId('more-actions').click();
    await page.getByTestId('show-suspensions').click();
    await entry(page, '*@office.example').getByTestId('unsuspend-release').click();
    const dialog = page.getByTestId('lift-release-dialog');
    await expect.poll(() => dialog.count()).toBe(1);
    expect(await dialog.getByRole('heading').innerText()).toBe(
      'Lift the suspension and send 1 message?',
    );
    expect(await page.getByTestId('lift-release-dialog-whose').innerText()).toBe(
      '1 message held, from eva@office.example.',
    );
    expect(await page.getByTestId('lift-release-dialog-still-held').innerText()).toBe(
      '1 message held for it stays held: another suspension still covers it (lift that one too to send it).',
    );
    expect(await page.getByTestId('lift-release-dialog-confirm').innerText()).toBe(
      'Lift and send 1 message',
    );
    await page.screenshot({ path: join(screenshots, 'lift-confirm-still-held-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'lift-confirm-still-held-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    server.setFailures({});
    await page.getByTestId('lift-release-dialog-confirm').click();
    await expect
      .poll(() => page.getByTestId('suspend-notice').innerText())
      .toBe(
        'sender *@office.example is no longer suspended; 1 held message released; 1 held message stays held: another suspension still covers it',
      );
    await settled(relaydesk, eva, (d) => d.recipients[0]?.state === 'relayed');
    expect(
      (await relaydesk.api<MessageDelivery>(`/api/v1/message/${hans}/delivery`)).recipients[0]
        ?.state,
    ).toBe('held');
    expect(gui.pageErrors).toEqual([]);
  }, 60_000);

  it('says, while relaying is paused, that the released mail waits for the pause to end', async () => {
    // the confirm said the mail went "at once" while the relay was paused and nothing was sent
    const { server, opened } = await busyUpstreamGui();
    gui = opened;
    const { relaydesk, page } = gui;
    await sentAndDeferred(relaydesk, 'hans@office.example', 'held while relaying is paused');
    await suspend(gui, { Kind: 'sender', Value: 'hans@office.example', Reason: 'phished' });
    const paused = await relaydesk.fetch('/api/v1/relay/pause', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'maintenance' }),
    });
    expect(paused.status).toBe(200);
    server.setFailures({});

    await gui.openLive();
    await page.getByTestId('more-actions').click();
    await page.getByTestId('show-suspensions').click();
    const button = entry(page, 'hans@office.example').getByTestId('unsuspend-release');
    await expect
      .poll(() => button.getAttribute('title'))
      .toBe('Lift, and release the mail it held to wait for relaying to resume');
    await button.click();
    const dialog = page.getByTestId('lift-release-dialog');
    await expect.poll(() => dialog.count()).toBe(1);
    const words = await dialog.innerText();
    expect(words).toContain(
      'was suspended: phished. Lifting it releases these messages, but relaying is paused: they wait in the queue and go to their recipients when relaying resumes. If the sender was hacked, cancel them instead.',
    );
    expect(words).not.toContain('at once');
    // the title and the button too: nothing is sent until relaying resumes
    expect(await dialog.getByRole('heading').innerText()).toBe(
      'Lift the suspension and release 1 message?',
    );
    expect(await page.getByTestId('lift-release-dialog-confirm').innerText()).toBe(
      'Lift and release 1 message',
    );
    expect(words).not.toMatch(/\bsend\b/i);
    await page.screenshot({ path: join(screenshots, 'lift-confirm-relay-paused-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'lift-confirm-relay-paused-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByTestId('lift-release-dialog-confirm').click();
    await expect
      .poll(() => page.getByTestId('suspend-notice').innerText())
      .toBe(
        'sender hans@office.example is no longer suspended; 1 held message released (relaying is paused: released mail goes when it resumes)',
      );
    expect(server.messages).toHaveLength(0);
    expect(gui.pageErrors).toEqual([]);
  }, 60_000);
});
