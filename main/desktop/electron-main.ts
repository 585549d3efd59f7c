// The Electron main process (loaded by main/index.ts): the same relay as the headless mode,
// behind a window, a tray and a menu. Thin on purpose: the composition is desktop-app.ts, which
// the tests run with a stand-in for Electron; everything that matters runs and is tested
// without Electron.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as electron from 'electron';
import { runDesktopApp } from './desktop-app.js';
import { openDesktopStore } from './electron-store-file.js';

const here = fileURLToPath(new URL('.', import.meta.url));

runDesktopApp({
  electron,
  argv: process.argv,
  cwd: process.cwd(),
  env: process.env,
  platform: process.platform,
  preloadPath: join(here, '..', '..', 'preload', 'index.cjs'),
  rendererIndex: join(here, '..', '..', 'renderer', 'index.html'),
  openStore: (folder) => openDesktopStore(folder),
  log: (line) => console.log(line),
}).catch((err: Error) => {
  console.error(`relaydesk: ${err.message}`);
  electron.app.exit(1);
});
