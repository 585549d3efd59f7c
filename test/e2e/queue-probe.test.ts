// The Queue view while relaying is paused because the upstream did not answer: "next probe in
// N" counts down by itself (nothing else draws the view again for minutes), says "probing now"
// while a probe is out and, when it failed, the next one's time. Chromium against the headless
// server, whose clock the test moves; the page's clock is Playwright's, from the same start.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueView } from '../../preload/api-contract.js';
import { manualClock } from '../helpers/manual-clock.js';
import { startSilentHost, type SilentHost } from '../helpers/silent-host.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { closedPort } from '../helpers/upstream-server.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('the Queue view while the upstream does not answer', () => {
  const clock = manualClock(Date.now());
  let gui: Gui;
  let port: number;
  let host: SilentHost | null = null;

  beforeAll(async () => {
    port = await closedPort();
    gui = await startGui(chromiumPath as string, {
      viewport: { width: 1400, height: 700 },
      settings: { mode: 'relay', relay: { host: '127.0.0.1', port, security: 'none' } },
      now: clock.now,
    });
  }, 120_000);

  afterAll(async () => {
    await host?.close();
    await gui?.close();
  });

  it('counts down to the next probe, says when one is out, and when the next is after it failed', async () => {
    const page = gui.page;
    await page.clock.install({ time: clock.start });
    await gui.openLive('#queue');
    await gui.send({
      from: 'app@example.test',
      to: 'customer@example.com',
      subject: 'Order confirmation',
      text: 'Thanks.',
    });
    const entry = (address: string) =>
      page.locator(`[data-testid="queue-entry"][data-address="${address}"]`);
    const next = (address: string) => entry(address).getByTestId('queue-next').innerText();
    const first = 'customer@example.com';
    await eventually(() => next(first)).toMatch(
      /^goes when the upstream answers again — next probe in \d+ s$/,
    );
    const seconds = async () => Number(/in (\d+) s$/.exec(await next(first))?.[1]);
    // the page's timers due soon (a read of the queue after the last event) fire first
    await page.clock.fastForward(5_000);
    const before = await seconds();

    // twenty seconds on the page, and nothing at all from the relay meanwhile
    await page.clock.fastForward(20_000);
    await eventually(seconds).toBeLessThanOrEqual(before - 19);

    // more mail waits for the probe
    await gui.send({
      from: 'app@example.test',
      to: 'second@example.com',
      subject: 'Shipping notice',
      text: 'On its way.',
    });
    await eventually(() => entry('second@example.com').getAttribute('data-state')).toBe('pending');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(screenshots, `queue-probe-waiting-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });

    // the probe's time: something listens again but has not greeted yet
    host = await startSilentHost(port);
    clock.advance(60_000);
    gui.relaydesk.service.kickQueue();
    // (the first message's retry time has come too, and it is the older)
    await eventually(() => next('second@example.com')).toBe(
      'goes when the upstream answers again — probing now',
    );
    expect(await next(first)).toBe('a probe: does the upstream answer again?');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(screenshots, `queue-probe-probing-${scheme}.png`) });
    }

    // it is not taking mail yet: both wait for the next probe, a minute after this one (new
    // mail waits; without it, two)
    host.answer('421 4.3.2 Service not available, try later');
    for (const address of [first, 'second@example.com'])
      await eventually(() => next(address)).toMatch(
        /^goes when the upstream answers again — next probe in \d+ (s|min)$/,
      );
    const queue = await gui.relaydesk.api<QueueView>('/api/v1/queue');
    expect(queue.upstream.paused?.nextProbeAt).toBe(new Date(clock.now() + 60_000).toISOString());
    expect(gui.pageErrors).toEqual([]);
  });

  it("counts down on the message's Delivery tab too", async () => {
    // (after the test above: paused, both messages waiting for the next probe)
    const page = gui.page;
    await page
      .locator('[data-testid="queue-entry"][data-address="second@example.com"]')
      .getByRole('button', { name: 'Shipping notice' })
      .click();
    await page.getByRole('tab', { name: 'Delivery', exact: true }).click();
    // the page's clock to 50 s before the probe, where the text is in seconds
    const queue = await gui.relaydesk.api<QueueView>('/api/v1/queue');
    const probeAt = Date.parse(queue.upstream.paused?.nextProbeAt ?? '');
    const pageNow = await page.evaluate(() => Date.now());
    await page.clock.fastForward(Math.max(0, probeAt - pageNow - 50_000));
    const next = page
      .locator('[data-testid="recipient"][data-address="second@example.com"]')
      .getByTestId('recipient-next');
    await eventually(() => next.innerText()).toMatch(
      /^goes when the upstream answers again — next probe in \d+ s$/,
    );
    const seconds = async () => Number(/in (\d+) s$/.exec(await next.innerText())?.[1]);
    const before = await seconds();
    // twenty seconds on the page, and nothing from the relay meanwhile to draw the tab again
    await page.clock.fastForward(20_000);
    await eventually(seconds).toBeLessThanOrEqual(before - 19);
    expect(gui.pageErrors).toEqual([]);
  });
});
