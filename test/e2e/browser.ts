// One Chromium per test process, the flags TOOLCHAIN.md lists, and what every screen test needs:
// waiting for the UI, axe-core, and a record of the requests the page let through.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Locator,
  type Page,
} from 'playwright-core';
import { chromiumLaunchOptions } from '../../scripts/chromium-launch.js';

/** What a test file gets of the browser: pages of its own, each in a context of its own. */
export interface ChromiumSession {
  newPage(options?: BrowserContextOptions): Promise<Page>;
  /** Closes this session's pages and contexts; the browser stays for the next file. */
  close(): Promise<void>;
}

let running: Promise<Browser> | null = null;

/**
 * A session on this process's Chromium, launched on first use. A vitest fork runs one file after
 * another, and launching Chromium for each (~2.5 s of CPU and a second or two to close on the
 * 2-core machine, 43 files) was a tenth of the suite's time; a context of its own for every page
 * keeps files and tests apart as separate browsers did (cookies, storage, permissions, cache).
 * Playwright kills the browser when the process exits.
 */
export async function launchChromium(executablePath: string): Promise<ChromiumSession> {
  let browser = await (running ??= chromium.launch(chromiumLaunchOptions(executablePath)));
  if (!browser.isConnected()) {
    // it crashed or a test closed it: the next file gets a new one
    running = chromium.launch(chromiumLaunchOptions(executablePath));
    browser = await running;
  }
  const open = browser;
  const contexts: BrowserContext[] = [];
  return {
    async newPage(options) {
      const context = await open.newContext(options);
      contexts.push(context);
      return context.newPage();
    },
    async close() {
      await Promise.all(contexts.splice(0).map((context) => context.close()));
    },
  };
}

// vitest's expect does not wait like @playwright/test's: poll until the UI catches up, with the
// one waiting helper every test uses
export { eventually, waitFor } from '../helpers/eventually.js';

/**
 * Every text a live region is handed from now on, as a screen reader would be handed it (a
 * region emptied and filled with the same words again is two entries); read them with `said()`.
 */
export async function recordSaid(region: Locator): Promise<{ said(): Promise<string[]> }> {
  const key = `said-${Math.random().toString(36).slice(2)}`;
  await region.evaluate((element, name) => {
    const said: string[] = [];
    (window as unknown as Record<string, string[]>)[name] = said;
    new MutationObserver(() => {
      if (element.textContent) said.push(element.textContent);
    }).observe(element, { childList: true, characterData: true, subtree: true });
  }, key);
  const page = region.page();
  return {
    said: () =>
      page.evaluate((name) => (window as unknown as Record<string, string[]>)[name] ?? [], key),
  };
}

const require = createRequire(import.meta.url);

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/**
 * Runs axe-core in the page. Evaluated over the DevTools protocol, which the page's CSP does not
 * govern, so the app's strict policy stays on while it is checked.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  const source = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: unknown[] }> };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations as AxeViolation[];
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ ...v, nodes: v.nodes.slice(0, 3).map((n) => ({ target: n.target })) }));
}

/** Stands in for a sender's tracking server: any hit means remote content was loaded. */
export async function startTracker(): Promise<{
  server: Server;
  origin: string;
  hits: string[];
  close(): Promise<void>;
}> {
  const hits: string[] = [];
  const server = createServer((request, response) => {
    hits.push(request.url ?? '');
    if (request.url?.endsWith('.png')) {
      // a 1×1 transparent PNG, so the image really loads once allowed
      response.setHeader('Content-Type', 'image/png');
      response.end(
        Buffer.from(
          'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
          'base64',
        ),
      );
      return;
    }
    if (request.url?.endsWith('.css')) response.setHeader('Content-Type', 'text/css');
    response.end('');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    origin: `http://127.0.0.1:${port}`,
    hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
