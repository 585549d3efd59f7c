// The window: the built renderer from disk, with the preload bridge and nothing else. Node is
// off, the renderer is sandboxed, it can neither navigate away, open windows, attach webviews
// nor get permissions (camera, notifications, geolocation…); links in mail open in the user's
// browser or mail program after a scheme check. Its size and position are remembered.
import type {
  BrowserWindow as BrowserWindowType,
  BrowserWindowConstructorOptions,
  Shell,
} from 'electron';
import { pathToFileURL } from 'node:url';
import { openExternalSafely } from './external-links.js';
import {
  minimumWindowSize,
  restoredBounds,
  type WindowBounds,
  type WindowState,
} from './window-state.js';

export interface WindowDeps {
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => BrowserWindowType;
  shell: Pick<Shell, 'openExternal'>;
}

export interface WindowOptions {
  preloadPath: string;
  rendererIndex: string;
  /** What was remembered, and the screens' work areas to check it against. */
  saved?: WindowState;
  screens?: readonly WindowBounds[];
  /** Called (debounced) when the size, position or maximized state changes. */
  saveState?: (state: Pick<WindowState, 'bounds' | 'maximized'>) => void;
  /** Asked when the user closes the window: hide it to the tray, or let it close. */
  onClose?: () => 'hide' | 'close';
  icon?: BrowserWindowConstructorOptions['icon'];
}

export function isOwnPage(url: string, rendererIndex: string): boolean {
  const own = pathToFileURL(rendererIndex).href;
  return url === own || url.startsWith(`${own}#`) || url.startsWith(`${own}?`);
}

export function createMainWindow(
  deps: WindowDeps,
  preloadPath: string,
  rendererIndex: string,
  options: Partial<WindowOptions> = {},
): BrowserWindowType {
  const place = restoredBounds(options.saved ?? {}, options.screens ?? []);
  const window = new deps.BrowserWindow({
    ...place,
    minWidth: minimumWindowSize.width,
    minHeight: minimumWindowSize.height,
    title: 'Relaydesk',
    show: false,
    ...(options.icon ? { icon: options.icon } : {}),
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
    },
  });
  const contents = window.webContents;
  contents.setWindowOpenHandler(({ url }) => {
    openExternalSafely(url, deps.shell);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (isOwnPage(url, rendererIndex)) return;
    event.preventDefault();
    // a plain link (target not _blank) to the web: the user meant to follow it, in the browser
    openExternalSafely(url, deps.shell);
  });
  contents.on('will-redirect', (event, url) => {
    if (!isOwnPage(url, rendererIndex)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.session.setPermissionRequestHandler((_contents, _permission, callback) =>
    callback(false),
  );
  contents.session.setPermissionCheckHandler(() => false);
  if (options.saved?.maximized) window.maximize();

  if (options.saveState) {
    const save = options.saveState;
    let timer: NodeJS.Timeout | null = null;
    const saveSoon = (): void => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = null;
        if (!window.isDestroyed())
          save({ bounds: window.getNormalBounds(), maximized: window.isMaximized() });
      }, 500);
    };
    for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const)
      window.on(event as 'resize', saveSoon);
    window.on('close', () => {
      if (timer) clearTimeout(timer);
      save({ bounds: window.getNormalBounds(), maximized: window.isMaximized() });
    });
  }
  if (options.onClose) {
    const decide = options.onClose;
    window.on('close', (event) => {
      if (decide() === 'hide') {
        event.preventDefault();
        window.hide();
      }
    });
  }
  window.once('ready-to-show', () => window.show());
  void window.loadFile(rendererIndex);
  return window;
}
