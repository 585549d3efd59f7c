// clamd not answering refuses every new message with 451 (clamdUnavailable defer, the default):
// the main window said nothing of it (only the Settings screen's strip and the Quarantine view,
// each asked when opened, and one line in the Logs view), so an office saw a relay at work while
// its clients' outboxes filled. A real clamd started late on the port the relay was given, real
// SMTP, the real renderer in Chromium.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../e2e/browser.js';
import { screenshots, startGui, type Gui } from '../e2e/gui.js';
import { clamdTool, startClamd, type TestClamd } from '../helpers/clamd.js';
import type { TestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { closedPort } from '../helpers/upstream-server.js';

const chromiumPath = requireTool(tools.chromium);
const clamdPath = requireTool(clamdTool);

/** The scanner banner's tone (its class), its text colour, and that colour's contrast on its background. */
async function look(page: Page): Promise<{ tone: string; colour: string; contrast: number }> {
  return page.getByTestId('scanner-down-banner').evaluate((banner) => {
    const rgb = (css: string) => (css.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
    const luminance = (css: string) => {
      const [r = 0, g = 0, b = 0] = rgb(css).map((v) => {
        const c = v / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const style = getComputedStyle(banner);
    const [a, b] = [luminance(style.color), luminance(style.backgroundColor)].sort((x, y) => y - x);
    return {
      tone: banner.classList.contains('error')
        ? 'error'
        : banner.classList.contains('warning')
          ? 'warning'
          : banner.className,
      colour: style.color,
      contrast: ((a ?? 0) + 0.05) / ((b ?? 0) + 0.05),
    };
  });
}

/** --warning-fg as the page resolves it now (light or dark). */
async function warningColour(page: Page): Promise<string> {
  return page.evaluate(() => {
    const probe = document.createElement('span');
    probe.style.color = 'var(--warning-fg)';
    document.body.append(probe);
    const colour = getComputedStyle(probe).color;
    probe.remove();
    return colour;
  });
}

describe.skipIf(!chromiumPath || !clamdPath)('the main window while clamd does not answer', () => {
  let gui: Gui;
  let relaydesk: TestRelaydesk;
  let page: Page;
  let clamd: TestClamd | undefined;
  let port: number;

  beforeAll(async () => {
    port = await closedPort();
    gui = await startGui(chromiumPath as string, {
      settings: { clamd: `127.0.0.1:${port}` },
    });
    ({ relaydesk, page } = gui);
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
    await clamd?.stop();
  });

  it('says that new mail is refused, and why, until clamd answers', async () => {
    await gui.openLive();
    const banner = page.getByTestId('scanner-down-banner');
    await eventually(() => banner.isVisible()).toBe(true);
    const words = await banner.innerText();
    expect(words).toContain('Every new message gets 451 4.7.0');
    expect(words).toContain(`clamd at 127.0.0.1:${port} does not answer`);
    // mail is turned away: the error red
    expect(await look(page)).toMatchObject({ tone: 'error' });
    expect(words).toContain('Start clamd');
    await expect(
      gui.send({ from: 'a@x.example', to: 'b@y.example', text: 'hi' }),
    ).rejects.toMatchObject({ responseCode: 451 });

    await banner.getByRole('button', { name: 'Open Settings → Filtering & senders' }).click();
    await eventually(() => page.getByTestId('scanner-state').innerText()).toContain(
      'clamd does not answer',
    );
    await page.goto(relaydesk.url);

    clamd = await startClamd(clamdPath as string, Buffer.from('unused'), [], port);
    // the next message is scanned: clamd answers, and the notice goes
    await gui.send({ from: 'a@x.example', to: 'b@y.example', subject: 'scanned', text: 'hi' });
    await eventually(() => banner.count()).toBe(0);

    // and when it stops while running (crashed overnight, stopped by its package's update)
    await clamd.stop();
    clamd = undefined;
    await expect(
      gui.send({ from: 'a@x.example', to: 'b@y.example', text: 'hi' }),
    ).rejects.toMatchObject({ responseCode: 451 });
    await eventually(() => banner.isVisible()).toBe(true);
    expect(gui.pageErrors).toEqual([]);
  });

  it('follows clamdUnavailable changed in Settings while clamd is down', async () => {
    // clamd is still down from the test before: the notice says mail is refused
    await gui.openLive('#settings');
    const banner = page.getByTestId('scanner-down-banner');
    await eventually(() => banner.innerText()).toContain('Every new message gets 451 4.7.0');
    const since = await relaydesk.api<{ scannerDown: { at: string } | null }>('/api/v1/listeners');
    const when = page.getByLabel('When clamd cannot be reached');
    await when.selectOption('accept');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText(/^Saved\./).waitFor();
    // the notice says what happens now, without a reload, and offers the way back
    await eventually(() => banner.innerText()).toContain(
      'New mail is taken unscanned and tagged not-scanned',
    );
    const words = await banner.innerText();
    expect(words).not.toContain('gets 451');
    expect(words).toContain('or choose “Defer (451 4.7.0, the client retries)”');
    // and it is so: the next message is taken
    await gui.send({ from: 'a@x.example', to: 'b@y.example', subject: 'unscanned', text: 'hi' });
    // the time clamd went down is kept, and the notice says that no mail is refused
    expect(
      (await relaydesk.api<{ scannerDown: { at: string } | null }>('/api/v1/listeners'))
        .scannerDown,
    ).toMatchObject({ at: since.scannerDown?.at, clamdUnavailable: 'accept', refusesMail: false });
    // no mail is refused: the app's warning (as the paused banner's), not the error red, and it
    // reads in light and dark
    await eventually(async () => (await look(page)).tone).toBe('warning');
    expect(await look(page)).toMatchObject({ colour: await warningColour(page) });
    // read out when the reader is done, not as an interruption: nothing is refused
    expect(await banner.getAttribute('role')).toBe('status');
    expect((await look(page)).contrast).toBeGreaterThanOrEqual(4.5);
    await page.screenshot({ path: join(screenshots, 'scanner-down-accept-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await look(page)).toMatchObject({ colour: await warningColour(page) });
    expect((await look(page)).contrast).toBeGreaterThanOrEqual(4.5);
    await page.screenshot({ path: join(screenshots, 'scanner-down-accept-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    // and back
    await when.selectOption('defer');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await eventually(() => banner.innerText()).toContain('Every new message gets 451 4.7.0');
    await eventually(async () => (await look(page)).tone).toBe('error');
    expect(await banner.getAttribute('role')).toBe('alert');
    expect((await look(page)).contrast).toBeGreaterThanOrEqual(4.5);
    await page.screenshot({ path: join(screenshots, 'scanner-down-defer-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    expect((await look(page)).contrast).toBeGreaterThanOrEqual(4.5);
    await page.screenshot({ path: join(screenshots, 'scanner-down-defer-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    expect(gui.pageErrors).toEqual([]);
  });
});
