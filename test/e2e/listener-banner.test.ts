// An SMTP port another program holds: with --listener-failure keep-running (the desktop app's
// way, and `npm start`'s) the relay keeps running without that listener, the API says which
// listener failed, why and the fix, and the UI shows it in a banner that leads to
// Settings → Listener. Against a real occupied port, in Chromium; and `relaydesk serve` itself.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListenersView } from '../../preload/listener-contract.js';
import { startRelaydesk, type RunningRelaydesk } from '../../main/headless.js';
import {
  cleanupCliProcesses,
  relaydeskBin,
  TrackedProcess,
  cliEnv,
} from '../helpers/cli-process.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import {
  eventually,
  type ChromiumSession,
  launchChromium,
  seriousAxeViolations,
} from './browser.js';
import { ensureRendererBuilt, repoRoot } from './renderer-build.js';

const chromiumPath = requireTool(tools.chromium);
const screenshots = join(repoRoot, 'test/e2e/screenshots');

let holder: Server;
let port: number;
let dataDir: string;
let relay: RunningRelaydesk;

beforeAll(async () => {
  holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  port = (holder.address() as AddressInfo).port;
  dataDir = await mkdtemp(join(tmpdir(), 'relaydesk-e2e-listener-'));
  relay = await startRelaydesk({
    smtp: `127.0.0.1:${port}`,
    http: '127.0.0.1:0',
    dataDir,
    settings: { listenerFailure: 'keep-running' },
  });
});

afterAll(async () => {
  await relay?.close();
  await cleanupCliProcesses();
  await new Promise((resolve) => holder?.close(resolve));
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('the API', () => {
  it('says which listener could not start, why, and the fix', async () => {
    const view = (await (await fetch(`${relay.url}api/v1/listeners`)).json()) as ListenersView;
    expect(view.listeners).toEqual([
      {
        listener: 'smtp',
        flag: '--smtp',
        address: `127.0.0.1:${port}`,
        state: 'failed',
        listeningOn: null,
        problem: {
          code: 'EADDRINUSE',
          reason: `127.0.0.1:${port} is already in use by another program`,
          fix: 'stop that program, or choose another port in Settings → Listener and restart Relaydesk',
          at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as string,
        },
      },
    ]);
  });

  it("says a port taken by another of its own listeners is that listener's, not another program's", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const shared = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const both = await startRelaydesk({
      smtp: `127.0.0.1:${shared}`,
      http: '127.0.0.1:0',
      dataDir: await mkdtemp(join(tmpdir(), 'relaydesk-e2e-listener-')),
      settings: { listenerFailure: 'keep-running', pop3: `127.0.0.1:${shared}` },
    });
    try {
      const view = (await (await fetch(`${both.url}api/v1/listeners`)).json()) as ListenersView;
      expect(view.listeners.find((l) => l.listener === 'pop3')?.problem).toMatchObject({
        code: 'EADDRINUSE',
        reason: `127.0.0.1:${shared} is the SMTP listener's address as well (one port, one listener)`,
        fix: 'give POP3 a port of its own in --pop3 (flag, RELAYDESK_POP3 or settings file) and restart Relaydesk',
      });
    } finally {
      await both.close();
      await rm(both.service.settings.dataDir, { recursive: true, force: true });
    }
  });

  it('without keep-running the start still stops, naming the flag and the address', async () => {
    await expect(
      startRelaydesk({ smtp: `127.0.0.1:${port}`, http: '127.0.0.1:0', dataDir }),
    ).rejects.toThrow(`--smtp: 127.0.0.1:${port} is already in use`);
  });

  it('`relaydesk serve --listener-failure keep-running` says so in its log and its ready line', async () => {
    const serve = new TrackedProcess(
      process.execPath,
      [
        relaydeskBin,
        'serve',
        '--listener-failure',
        'keep-running',
        '--smtp',
        `127.0.0.1:${port}`,
        '--http',
        '127.0.0.1:0',
        '--data',
        dataDir + '-cli',
      ],
      { env: cliEnv() },
    );
    const ready = await serve.waitFor(
      /^Relaydesk is ready: SMTP not listening \(127\.0\.0\.1:\d+ could not start\), UI and API on (http:\/\/\S+)\//m,
    );
    await serve.waitFor(
      new RegExp(
        `listener: --smtp 127\\.0\\.0\\.1:${port} could not start: 127\\.0\\.0\\.1:${port} is already in use by another program; stop that program`,
      ),
    );
    const view = (await (await fetch(`${ready[1]}/api/v1/listeners`)).json()) as ListenersView;
    expect(view.listeners[0]?.state).toBe('failed');
    serve.kill('SIGTERM');
    expect((await serve.exited).code).toBe(0);
    await rm(dataDir + '-cli', { recursive: true, force: true });
  });
});

describe.skipIf(!chromiumPath)('the banner', () => {
  let browser: ChromiumSession;
  let page: Page;

  beforeAll(async () => {
    await ensureRendererBuilt();
    browser = await launchChromium(chromiumPath as string);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    page.setDefaultTimeout(10_000);
    await page.goto(relay.url);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('shows the reason and the fix, and leads to Settings → Listener', async () => {
    const banner = page.getByRole('alert', { name: 'SMTP could not start' });
    await eventually(() => banner.innerText()).toContain(
      `SMTP is not receiving: 127.0.0.1:${port} is already in use by another program. Stop that program, or choose another port in Settings → Listener and restart Relaydesk.`,
    );
    // the empty list does not tell to send mail to a port SMTP does not hold
    await eventually(() =>
      page.getByRole('region', { name: 'No messages yet' }).innerText(),
    ).toContain(`Nothing can arrive while SMTP is not listening on 127.0.0.1:${port}`);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(screenshots, 'listener-banner-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'listener-banner-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    await banner.getByRole('button', { name: 'Open Settings → Listener' }).click();
    await eventually(() => page.evaluate(() => window.location.hash)).toBe('#settings');
    // the focus lands in the Listener section, on its first field
    await eventually(() =>
      page.evaluate(() => document.activeElement?.closest('section')?.id ?? null),
    ).toBe('section-listener');
    await page.screenshot({ path: join(screenshots, 'listener-settings-light.png') });
  });
});
