// The Logs view misses no line logged while it opens. It asks for live lines, then reads the
// history; a line logged after the history was read but before the relay (or main) began sending
// it lines was shown by neither. Here the page's subscription is held back (the WebSocket frame
// over HTTP, the setLogFollowing call over IPC) until a line is logged: a view that read the
// history meanwhile never shows that line. Once the subscription is through, the history read
// is held while another line is logged, which the page then gets both live and in the history:
// shown once. Over both transports: the browser's WebSocket, and the desktop's IPC wiring (the
// real preload and main handlers with a stand-in `electron`, the page's `window.relaydesk`
// handing each call to the preload's bridge here, as desktop-ipc-burst.test.ts does).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LogLines } from '../../preload/api-contract.js';
import { methodNames, type RelaydeskBridge } from '../../preload/api-methods.js';
import {
  forwardEvents,
  registerIpcHandlers,
  registerLogFollowing,
} from '../../main/desktop/ipc-handlers.js';
import { isOwnPage } from '../../main/desktop/main-window.js';
import { createElectronStandIn } from '../helpers/electron-stand-in.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { startGui, type Gui } from './gui.js';
import { repoRoot } from './renderer-build.js';

const chromiumPath = requireTool(tools.chromium);
const rendererIndex = join(repoRoot, 'out/renderer/index.html');
const standIn = createElectronStandIn(pathToFileURL(rendererIndex).href);
vi.mock('electron', () => standIn);

const historyMethods = new Set(['relayLog', 'auditLog', 'serviceLog']);

/**
 * The page's opening of the Logs view, as this test holds it: its subscription until `release`,
 * and its history reads: answered by the relay at once but handed over only after `release`
 * while the subscription is held; held while a line is logged once it is through.
 */
class HeldOpening {
  /** Subscriptions the page asked for. */
  asked = 0;
  /** History reads the relay answered while the subscription was held. */
  readEarly = 0;
  private released = false;
  private open: () => void = () => undefined;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));
  private heldLine: Promise<void> | null = null;

  constructor(private readonly logLineWhileHeld: () => Promise<void>) {}

  /** Passes the page's subscription on (`pass`) once released. */
  async subscribe(pass: () => void): Promise<void> {
    this.asked += 1;
    await this.gate;
    pass();
  }

  async read<T>(answer: () => Promise<T>): Promise<T> {
    if (!this.released) {
      const answered = await answer();
      this.readEarly += 1;
      await this.gate;
      return answered;
    }
    this.heldLine ??= this.logLineWhileHeld();
    await this.heldLine;
    return answer();
  }

  release(): void {
    this.released = true;
    this.open();
  }
}

describe.skipIf(!chromiumPath)('the Logs view opening', () => {
  let gui: Gui;
  let stopIpc: () => void = () => undefined;
  let bridge: RelaydeskBridge;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string);
    const { relaydesk } = gui;
    const unregister = registerIpcHandlers(standIn.ipcMain, relaydesk.service, (url) =>
      isOwnPage(url, rendererIndex),
    );
    const unregisterLogs = registerLogFollowing(standIn.ipcMain, (url) =>
      isOwnPage(url, rendererIndex),
    );
    const stopForwarding = forwardEvents(relaydesk.service, standIn.webContents);
    stopIpc = () => {
      stopForwarding();
      unregisterLogs();
      unregister();
    };
    await import('../../preload/index.js');
    bridge = standIn.exposed.relaydesk as RelaydeskBridge;
  }, 120_000);

  afterAll(async () => {
    stopIpc();
    await gui?.close();
  });

  /** Sends a message from `from` and waits until the relay has logged its acceptance. */
  const logLine = async (from: string): Promise<void> => {
    await gui.send({ from, to: 'qa@project.example', subject: from, text: 'x' });
    const logged = async () =>
      (await gui.relaydesk.api<LogLines>('/api/v1/audit/log?limit=1000')).lines.filter(
        (line) => line.includes('result=accepted') && line.includes(`from=<${from}>`),
      ).length;
    await eventually(logged).toBe(1);
  };

  const shown = (page: Page, from: string) =>
    page
      .getByRole('list', { name: 'Log lines' })
      .locator('li', { hasText: 'result=accepted' })
      .filter({ hasText: `from=<${from}>` })
      .count();

  /** Opens the Logs view with its subscription held, and checks that each line shows once. */
  async function openAndCheck(page: Page, opening: HeldOpening, name: string): Promise<void> {
    await page.goto(`${gui.relaydesk.url}#logs`);
    await eventually(() => opening.asked).toBe(1);
    // the history read: at once (the relay answers three, held here), or after the relay's word
    // that it follows, which cannot come while the subscription is held (the view says it is busy)
    await eventually(
      async () =>
        opening.readEarly === 3 ||
        (await page.locator('.logs-view[aria-busy="true"]').count()) === 1,
    ).toBe(true);
    await logLine(`${name}-gap@sender.example`);
    opening.release();
    await eventually(() => shown(page, `${name}-gap@sender.example`)).toBe(1);
    await eventually(() => shown(page, `${name}-held@sender.example`)).toBe(1);
    // a line logged after comes live, after any frame that could repeat one of those two
    await logLine(`${name}-after@sender.example`);
    await eventually(() => shown(page, `${name}-after@sender.example`)).toBe(1);
    expect(await shown(page, `${name}-gap@sender.example`)).toBe(1);
    expect(await shown(page, `${name}-held@sender.example`)).toBe(1);
    expect(await page.locator('.logs-view').getAttribute('aria-busy')).toBe('false');
  }

  it('in a browser: shows the line logged before the subscription took effect, and each line once', async () => {
    const page = await gui.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const opening = new HeldOpening(() => logLine('http-held@sender.example'));
    await page.routeWebSocket(/\/api\/events\b/, (socket) => {
      const server = socket.connectToServer();
      socket.onMessage((frame) => {
        if (String(frame).includes('"Type":"subscribe"'))
          void opening.subscribe(() => server.send(frame));
        else server.send(frame);
      });
    });
    await page.route(/\/api\/v1\/(relay|audit|service)\/log\b/, async (route) => {
      const response = await opening.read(() => route.fetch());
      await route.fulfill({ response });
    });
    await openAndCheck(page, opening, 'http');
    expect(errors).toEqual([]);
  });

  it('in a browser: shows a line logged while the live feed was down once it is back, and once', async () => {
    const page = await gui.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    let down = false;
    let refused = 0;
    const open: WebSocketRoute[] = [];
    await page.routeWebSocket(/\/api\/events\b/, (socket) => {
      if (down) {
        refused += 1;
        void socket.close();
        return;
      }
      socket.connectToServer();
      open.push(socket);
    });
    try {
      await page.goto(`${gui.relaydesk.url}#logs`);
      await page.locator('.logs-view[aria-busy="false"]').waitFor();
      await logLine('drop-before@sender.example');
      await eventually(() => shown(page, 'drop-before@sender.example')).toBe(1);
      // the feed drops, and the page's next try is refused: a line logged now reaches no page
      down = true;
      for (const socket of open.splice(0)) await socket.close();
      await eventually(() => refused).toBeGreaterThan(0);
      await logLine('drop-while@sender.example');
      down = false;
      await eventually(() => shown(page, 'drop-while@sender.example')).toBe(1);
      await logLine('drop-after@sender.example');
      await eventually(() => shown(page, 'drop-after@sender.example')).toBe(1);
      expect(await shown(page, 'drop-before@sender.example')).toBe(1);
      expect(await shown(page, 'drop-while@sender.example')).toBe(1);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('in the desktop window: the same over IPC', async () => {
    const { page } = gui;
    const opening = new HeldOpening(() => logLine('ipc-held@sender.example'));
    const stopEvents = bridge.onEvent((event) => {
      // CDP runs these in the order sent, and ahead of a call's answer sent after them
      void page
        .evaluate(
          (e) =>
            (
              window as unknown as { relaydeskStandIn: { deliver(e: unknown): void } }
            ).relaydeskStandIn.deliver(e),
          event,
        )
        .catch(() => undefined);
    });
    try {
      await page.exposeBinding('relaydeskInvoke', (_source, name: string, args: unknown[]) => {
        const call = () =>
          (bridge[name as keyof RelaydeskBridge] as (...a: unknown[]) => Promise<unknown>)(...args);
        if (name === 'setLogFollowing' && args[0] === true)
          return new Promise((resolve, reject) => {
            void opening.subscribe(() => call().then(resolve, reject));
          });
        if (historyMethods.has(name)) return opening.read(call);
        return call();
      });
      await page.addInitScript(
        (names: readonly string[]) => {
          const listeners = new Set<(event: unknown) => void>();
          const invoke = (
            window as unknown as { relaydeskInvoke(n: string, a: unknown[]): Promise<unknown> }
          ).relaydeskInvoke;
          const api: Record<string, unknown> = Object.fromEntries(
            names.map((name) => [name, (...args: unknown[]) => invoke(name, args)]),
          );
          api.onEvent = (listener: (event: unknown) => void) => {
            listeners.add(listener);
            return () => listeners.delete(listener);
          };
          Object.assign(window, {
            relaydesk: api,
            relaydeskStandIn: {
              deliver: (event: unknown) => [...listeners].forEach((listener) => listener(event)),
            },
          });
        },
        [...methodNames, 'setLogFollowing'],
      );
      // the page reads the log over IPC, not over the HTTP API and its WebSocket (its first page
      // of mail may come over HTTP: index.html asks for it before the script runs)
      const overHttp: string[] = [];
      page.on('request', (request) => {
        const { pathname } = new URL(request.url());
        if (/^\/api\/(events|v1\/(relay|audit|service)\/log)\b/.test(pathname))
          overHttp.push(request.url());
      });
      await openAndCheck(page, opening, 'ipc');
      expect(overHttp).toEqual([]);
      expect(gui.pageErrors).toEqual([]);
    } finally {
      stopEvents();
    }
  });
});
