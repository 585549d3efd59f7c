// The set-up every screen test shares: the built renderer, a real headless server on free ports
// with its own data folder, Debian's Chromium with one page that records its errors, and mail
// sent over real SMTP. Start it in beforeAll, `await gui.close()` in afterAll.
import { join } from 'node:path';
import type { SendMailOptions } from 'nodemailer';
import type { Page } from 'playwright-core';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { eventually, type ChromiumSession, launchChromium } from './browser.js';
import { ensureRendererBuilt, repoRoot } from './renderer-build.js';

/** Where the e2e tests leave their screenshots for a person to look at. */
export const screenshots = join(repoRoot, 'test/e2e/screenshots');

export interface GuiOptions {
  /** The relay's settings, as a settings file would give them. */
  settings?: Record<string, unknown>;
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
  /** The browser's time zone and locale (the machine's if not given), for times shown as local. */
  timezoneId?: string;
  locale?: string;
  /** The relay's clock (the real one if not given). */
  now?: () => number;
}

export interface Gui {
  relaydesk: TestRelaydesk;
  browser: ChromiumSession;
  page: Page;
  /** Uncaught errors of the page, in order: a screen test ends expecting none. */
  pageErrors: string[];
  /** Sends one message over SMTP on a connection of its own. */
  send(message: SendMailOptions): Promise<void>;
  /** Loads the UI (at `hash`, e.g. `#settings`) and waits for its live event stream. */
  openLive(hash?: string): Promise<void>;
  /** Deletes every message, as the API's `DELETE /api/v1/messages`. */
  deleteAll(): Promise<Response>;
  /** How many messages the relay has. */
  total(): Promise<number>;
  /** Opens the listed message with this subject, once the reading pane shows it. */
  openMessage(subject: string): Promise<void>;
  /** Opens the listed message with this subject on one of its tabs (`Route`, `Headers`…). */
  openTab(subject: string, tab: string): Promise<void>;
  close(): Promise<void>;
}

export async function startGui(chromiumPath: string, options: GuiOptions = {}): Promise<Gui> {
  await ensureRendererBuilt();
  const relaydesk = await startTestRelaydesk(
    options.settings ?? {},
    undefined,
    options.now ? { now: options.now } : {},
  );
  let browser: ChromiumSession | undefined;
  try {
    browser = await launchChromium(chromiumPath);
    const page = await browser.newPage({
      viewport: options.viewport ?? { width: 1280, height: 800 },
      colorScheme: options.colorScheme ?? 'light',
      ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}),
      ...(options.locale ? { locale: options.locale } : {}),
    });
    page.setDefaultTimeout(10_000);
    settleResizes(page);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const opened = browser;
    const openMessage = async (subject: string) => {
      await page.getByTestId('message-row').filter({ hasText: subject }).click();
      await eventually(() => page.getByTestId('message-subject').innerText()).toBe(subject);
    };
    return {
      relaydesk,
      browser,
      page,
      pageErrors,
      async send(message) {
        const transport = relaydesk.transport();
        try {
          await transport.sendMail(message);
        } finally {
          transport.close();
        }
      },
      async openLive(hash = '') {
        await page.goto(relaydesk.url + hash);
        // live from here on: anything that arrives now must show up through the event stream
        await page.locator('[data-testid="stream-state"][data-state="open"]').waitFor();
      },
      deleteAll: () => relaydesk.fetch('/api/v1/messages', { method: 'DELETE' }),
      async total() {
        return (await relaydesk.api<{ total: number }>('/api/v1/messages?limit=1')).total;
      },
      openMessage,
      async openTab(subject, tab) {
        await openMessage(subject);
        await page.getByRole('tab', { name: tab, exact: true }).click();
      },
      async close() {
        await opened.close();
        await relaydesk.dispose();
      },
    };
  } catch (err) {
    await browser?.close();
    await relaydesk.dispose();
    throw err;
  }
}

/**
 * The window's width reaches part of the layout through a resize listener's render (the list's
 * width, the narrow layout with Back to the list: App.tsx), one task after the resize: measured
 * before it, a loaded run read the old layout (the Unsubscribe field's link broken after `<` in
 * a side-by-side column 420 px wide). So a resize here returns once two frames have passed, by
 * when that render is done.
 */
function settleResizes(page: Page): void {
  const resize = page.setViewportSize.bind(page);
  page.setViewportSize = async (size) => {
    await resize(size);
    await page
      .evaluate(
        () =>
          new Promise<void>((done) =>
            requestAnimationFrame(() => requestAnimationFrame(() => done())),
          ),
      )
      // a page between documents has no frames to wait for (and no layout to measure)
      .catch(() => undefined);
  };
}

/**
 * The page as it is, light then dark, as `{name}-light.png` and `{name}-dark.png` (emulated: one
 * relay and browser serve both), and back to light.
 */
export async function shootLightAndDark(page: Page, name: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.screenshot({ path: join(screenshots, `${name}-${colorScheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}
