// The Electron entry: the same relay as the headless mode, behind a window. Thin on purpose:
// everything that matters runs and is tested without Electron (see main/headless.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, ipcMain, net, powerMonitor, shell } from 'electron';
import { resolveSettings } from './core/settings/settings-sources.js';
import { forwardEvents, registerIpcHandlers } from './desktop/ipc-handlers.js';
import { createMainWindow, isOwnPage } from './desktop/main-window.js';
import { startRelaydesk, type RunningRelaydesk } from './headless.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const rendererIndex = join(here, '..', 'renderer', 'index.html');
const preloadPath = join(here, '..', 'preload', 'index.cjs');

let running: RunningRelaydesk | null = null;

async function start(): Promise<void> {
  const configFile = join(app.getPath('userData'), 'settings.json');
  const settings = resolveSettings({
    env: process.env,
    configFile: existsSync(configFile) ? configFile : undefined,
  });
  running = await startRelaydesk({ resolved: settings, log: (line) => console.log(line) });
  const service = running.service;
  registerIpcHandlers(ipcMain, service, (url) => isOwnPage(url, rendererIndex));
  const window = createMainWindow({ BrowserWindow, shell }, preloadPath, rendererIndex);
  forwardEvents(service, window.webContents);

  // retry deferred mail at once when the machine wakes or the network comes back
  powerMonitor.on('resume', () => void service.retryDeferred('wake from sleep'));
  let online = net.isOnline();
  setInterval(() => {
    const now = net.isOnline();
    if (now && !online) void service.retryDeferred('network is back');
    online = now;
  }, 15_000).unref();
}

app.on('window-all-closed', () => app.quit());
app.on('will-quit', (event) => {
  if (!running) return;
  event.preventDefault();
  const closing = running;
  running = null;
  void closing.close().finally(() => app.exit(0));
});
app.whenReady().then(start, (err: Error) => {
  console.error(`relaydesk: ${err.message}`);
  app.exit(1);
});
