// The Queue view of mail a suspension holds, as the admin of a hacked workstation reviews it, in
// Debian's Chromium against the headless server relaying to a real (test) upstream: a held
// message is not tried, so its line says it goes only when released. It said "next try due now"
// (the retry time it had before the hold), which read as if the spam were about to go out.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
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

describe.skipIf(!chromiumPath)('held mail in the Queue view', () => {
  it('says it is not sent until released, not when it is tried next', async () => {
    // the upstream is busy, so the message waits in the queue with a retry time
    const server = await upstream({
      tls: 'none',
      failures: { mail: { code: 451, text: '4.3.0 Mail server temporarily busy' } },
    });
    gui = await startGui(chromiumPath as string, {
      viewport: { width: 720, height: 700 },
      settings: {
        mode: 'relay',
        relay: { host: '127.0.0.1', port: server.port, security: 'none' },
        retryMinutes: [1],
      },
    });
    const { relaydesk, page } = gui;
    const info = await relaydesk.transport().sendMail({
      from: 'scanner@office.example',
      to: 'victim@partner.example',
      subject: 'Cheap watches',
      text: 'spam from the hacked workstation',
    });
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    await settled(relaydesk, id, (d) => d.recipients[0]?.state === 'deferred');
    const res = await relaydesk.fetch('/api/v1/suspensions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Kind: 'ip', Value: '127.0.0.1', Reason: 'hacked workstation' }),
    });
    expect(((await res.json()) as { Held: string[] }).Held).toEqual([id]);
    const held = await settled(relaydesk, id, (d) => d.recipients[0]?.state === 'held');
    // it kept the retry time it had, which the view must not show as a next try
    expect(held.recipients[0]?.nextAttemptAt).not.toBeNull();

    await gui.openLive('#queue');
    const entry = page.getByTestId('queue-entry').filter({ hasText: 'Cheap watches' });
    await expect.poll(() => entry.getAttribute('data-state')).toBe('held');
    expect(await entry.getByTestId('queue-why').innerText()).toContain('ip 127.0.0.1 suspended');
    expect(await entry.getByTestId('queue-next').innerText()).toBe('not sent until released');
    expect(await entry.getByTestId('queue-next').getAttribute('title')).toBeNull();
    await page.screenshot({ path: join(screenshots, 'queue-held-suspended-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'queue-held-suspended-dark.png') });
    expect(server.messages).toHaveLength(0);
    expect(gui.pageErrors).toEqual([]);
  });
});
