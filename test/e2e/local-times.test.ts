// Times the relay writes into its words (the warm-up's "goes at 2026-12-07T13:02:11.000Z" in a
// queued message's reason, the pause banner's "it took mail at 2026-12-07 13:02:11 UTC") read on
// screen in the user's time, in the form the GUI gives every other date; the API keeps ISO. In
// Chromium set to Tokyo's time (UTC+9), so UTC and local differ by the hour and the day.
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { settled } from '../helpers/delivery.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';
import { eventually } from './browser.js';
import { startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);
const local = { timezoneId: 'Asia/Tokyo', locale: 'en-US' };

let gui: Gui | undefined;
let server: RunningUpstream | undefined;
afterEach(async () => {
  await gui?.close();
  await server?.close().catch(() => undefined);
  gui = undefined;
  server = undefined;
});

/** How the GUI shows a full date in the page's time zone and locale (formatFullDate). */
const shownInPage = (page: Page, iso: string) =>
  page.evaluate(
    (at) =>
      new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' }).format(
        new Date(at),
      ),
    iso,
  );

const sendFrom = (g: Gui, subject: string, to: string) =>
  g.relaydesk
    .transport()
    .sendMail({ from: 'office@example.com', to, subject, text: '.' })
    .then((info) => /queued as (\S+)/.exec(info.response)?.[1] as string);

describe.skipIf(!chromiumPath)('the relay’s times in its words, on screen', () => {
  it('shows the warm-up’s "goes at" in local time in the Queue view', async () => {
    server = await startUpstreamServer({ tls: 'none' });
    gui = await startGui(chromiumPath as string, {
      ...local,
      settings: {
        mode: 'relay',
        relay: { host: '127.0.0.1', port: server.port, security: 'none' },
        warmup: [{ upstream: '127.0.0.1', start: new Date().toISOString(), caps: [1, 10] }],
      },
    });
    const { page, relaydesk } = gui;
    const first = await sendFrom(gui, 'First of the day', 'a@partner.example');
    await settled(relaydesk, first, (d) => d.recipients[0]?.state === 'relayed');
    const second = await sendFrom(gui, 'Over the cap', 'b@partner.example');
    const waiting = await settled(relaydesk, second, (d) => d.recipients[0]?.state === 'deferred');
    const reason = waiting.recipients[0]?.history.at(-1)?.reason ?? '';
    // the API keeps ISO
    const iso = /goes at (\S+Z)$/.exec(reason)?.[1] as string;
    expect(iso).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

    await gui.openLive('#queue');
    const why = page.getByTestId('queue-why');
    await eventually(() => why.innerText()).toContain('warm-up of 127.0.0.1');
    const text = await why.innerText();
    expect(text).toContain(`goes at ${await shownInPage(page, iso)}`);
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T|UTC|\dZ\b/);

    // the audit line of the delay, in the Logs view: its times local too, the line as logged in
    // its tooltip
    await gui.openLive('#logs');
    const line = page.locator('.log-line code').filter({ hasText: 'warm-up of 127.0.0.1' }).first();
    await eventually(() => line.count()).toBe(1);
    const logged = await line.innerText();
    expect(logged).toContain(`goes at ${await shownInPage(page, iso)}`);
    expect(logged).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    expect(await line.getAttribute('title')).toContain(iso);
    expect(gui.pageErrors).toEqual([]);
  });

  it('shows the pause banner’s "it took mail at" in local time', async () => {
    server = await startUpstreamServer({ tls: 'none' });
    gui = await startGui(chromiumPath as string, {
      ...local,
      settings: {
        mode: 'relay',
        relay: { host: '127.0.0.1', port: server.port, security: 'none' },
      },
    });
    const { page, relaydesk } = gui;
    const first = await sendFrom(gui, 'Went out', 'a@partner.example');
    await settled(relaydesk, first, (d) => d.recipients[0]?.state === 'relayed');
    await server.close();
    server = undefined;
    await sendFrom(gui, 'Waits for the upstream', 'b@partner.example');
    await eventually(
      async () =>
        (await relaydesk.api<{ upstream: { paused: { fix: string } | null } }>('/api/v1/queue'))
          .upstream.paused?.fix ?? '',
      20_000,
    ).toMatch(/took mail at/);
    const paused = await relaydesk.api<{ upstream: { paused: { fix: string } } }>('/api/v1/queue');
    const utc = /took mail at (\S+ \S+) UTC/.exec(paused.upstream.paused.fix)?.[1] as string;
    expect(utc).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

    await gui.openLive();
    const banner = page.getByTestId('paused-banner');
    await eventually(() => banner.innerText()).toContain('took mail at');
    const text = await banner.innerText();
    expect(text).toContain(
      `took mail at ${await shownInPage(page, `${utc.replace(' ', 'T')}Z`)} with these same settings`,
    );
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}[T ]\d{2}|UTC/);
    expect(gui.pageErrors).toEqual([]);
  });
});
