// The window: the built renderer from disk, with the preload bridge and nothing else. Node is
// off, the renderer is sandboxed, and it can neither navigate away nor open windows; links in
// mail open in the user's browser.
import type {
  BrowserWindow as BrowserWindowType,
  BrowserWindowConstructorOptions,
  Shell,
} from 'electron';
import { pathToFileURL } from 'node:url';

export interface WindowDeps {
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => BrowserWindowType;
  shell: Pick<Shell, 'openExternal'>;
}

export function isOwnPage(url: string, rendererIndex: string): boolean {
  const own = pathToFileURL(rendererIndex).href;
  return url === own || url.startsWith(`${own}#`) || url.startsWith(`${own}?`);
}

export function createMainWindow(
  deps: WindowDeps,
  preloadPath: string,
  rendererIndex: string,
): BrowserWindowType {
  const window = new deps.BrowserWindow({
    width: 1200,
    height: 800,
    title: 'Relaydesk',
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void deps.shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event, url) => {
    if (!isOwnPage(url, rendererIndex)) event.preventDefault();
  });
  window.once('ready-to-show', () => window.show());
  void window.loadFile(rendererIndex);
  return window;
}
