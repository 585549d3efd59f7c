// A burst of mail into the desktop window: the real renderer in Chromium talks to the relay over
// the desktop's IPC wiring (the real preload, main's real handlers and event forwarding, with a
// stand-in `electron`), not over HTTP. No Electron runtime can run here, so the page's
// `window.relaydesk` hands each call to the preload's bridge in this process (a Playwright
// binding), and each event the preload gives its listeners to the page, in order, as
// contextBridge would. The window gets its events in batches (forwardEvents) and its list still
// counts and shows every message.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RelaydeskApi } from '../../preload/api-contract.js';
import { eventChannel, methodNames } from '../../preload/api-methods.js';
import { forwardEvents, registerIpcHandlers } from '../../main/desktop/ipc-handlers.js';
import { isOwnPage } from '../../main/desktop/main-window.js';
import { createElectronStandIn } from '../helpers/electron-stand-in.js';
import { sendBurst } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { startGui, type Gui } from './gui.js';
import { repoRoot } from './renderer-build.js';

const chromiumPath = requireTool(tools.chromium);
const rendererIndex = join(repoRoot, 'out/renderer/index.html');
const standIn = createElectronStandIn(pathToFileURL(rendererIndex).href);
vi.mock('electron', () => standIn);
const COUNT = 400;

interface PageStandIn {
  deliver(event: unknown): void;
}

describe.skipIf(!chromiumPath)('a burst of mail into the desktop window, over IPC', () => {
  let gui: Gui;
  let stop: () => void = () => undefined;
  /** Main's sends on the event channel. */
  let sends = 0;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string);
    const { page, relaydesk } = gui;
    const unregister = registerIpcHandlers(standIn.ipcMain, relaydesk.service, (url) =>
      isOwnPage(url, rendererIndex),
    );
    const stopForwarding = forwardEvents(relaydesk.service, {
      isDestroyed: () => false,
      send(channel: string, ...args: unknown[]) {
        if (channel === eventChannel) sends++;
        standIn.webContents.send(channel, ...args);
      },
    });
    await import('../../preload/index.js');
    const bridge = standIn.exposed.relaydesk as RelaydeskApi;
    const stopEvents = bridge.onEvent((event) => {
      // CDP runs these in the order sent, and ahead of a call's answer sent after them
      void page
        .evaluate(
          (e) =>
            (window as unknown as { relaydeskStandIn: PageStandIn }).relaydeskStandIn.deliver(e),
          event,
        )
        .catch(() => undefined);
    });
    stop = () => {
      stopEvents();
      stopForwarding();
      unregister();
    };
    await page.exposeBinding('relaydeskInvoke', (_source, name: string, args: unknown[]) =>
      (bridge[name as keyof RelaydeskApi] as (...a: unknown[]) => Promise<unknown>)(...args),
    );
    await page.addInitScript((names: readonly string[]) => {
      const listeners = new Set<(event: unknown) => void>();
      const invoke = (window as unknown as { relaydeskInvoke(n: string, a: unknown[]): unknown })
        .relaydeskInvoke;
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
    }, methodNames);
    await gui.openLive();
  }, 60_000);

  afterAll(async () => {
    stop();
    await gui?.close();
  });

  it('counts and lists every message of the burst, from a few IPC messages', async () => {
    const { page, relaydesk } = gui;
    // the page runs on IPC, not on the HTTP API and its WebSocket
    const overHttp: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/api/')) overHttp.push(request.url());
    });
    sends = 0;
    await sendBurst(relaydesk.smtp, COUNT, (n) => ({
      from: 'burst@example.test',
      to: 'list@example.test',
      subject: `Burst ${String(n).padStart(3, '0')}`,
      text: `${n}`,
    }));
    const list = page.getByTestId('message-list');
    await eventually(() => list.getAttribute('data-total'), 30_000).toBe(String(COUNT));
    expect(await page.getByTestId('message-row').first().innerText()).toMatch(/Burst \d{3}/);
    // four events a message, one send each before: now far fewer sends than messages
    expect(sends).toBeGreaterThan(0);
    expect(sends).toBeLessThan(COUNT);
    const inbox = page.locator('.nav-count').nth(1);
    await eventually(() => inbox.textContent(), 5_000).toBe(`${COUNT}, ${COUNT} unread`);
    expect(overHttp).toEqual([]);
    expect(gui.pageErrors).toEqual([]);
    // each event reaches the page as a CDP call of its own: slow beside other browser tests
  }, 90_000);
});
