// A stand-in for the parts of the `electron` module the desktop app's main process uses beyond
// IPC (app, BrowserWindow, Menu, Tray, Notification, dialog, shell, safeStorage, screen…). It
// keeps the contracts the wiring relies on: the single-instance lock and `second-instance`,
// quit's order of events (before-quit, each window's cancellable close, will-quit, which can be
// held back), a window's cancellable close, menus built from templates whose items can be
// clicked, and safeStorage encrypting for real (AES-GCM with a key of this process).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { MenuItemConstructorOptions } from 'electron';
import { createElectronStandIn, type StandIn } from './electron-stand-in.js';

type Bounds = { x: number; y: number; width: number; height: number };

class Cancellable {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export interface DesktopStandInOptions {
  pageUrl: string;
  userData: string;
  /** false: another instance holds the lock. */
  lockAvailable?: boolean;
  keyring?: 'available' | 'unavailable' | 'basic_text';
  /** Answers to showMessageBox, in order (button indexes). */
  dialogAnswers?: number[];
}

export function createDesktopStandIn(options: DesktopStandInOptions) {
  const ipc: StandIn = createElectronStandIn(options.pageUrl);
  const windows: StandInWindow[] = [];
  const key = randomBytes(32);
  const answers = [...(options.dialogAnswers ?? [])];

  class StandInApp extends EventEmitter {
    exitCode: number | null = null;
    lockData: unknown = null;
    quitCalls = 0;
    requestSingleInstanceLock(data?: unknown): boolean {
      this.lockData = data ?? null;
      return options.lockAvailable !== false;
    }
    whenReady(): Promise<void> {
      return Promise.resolve();
    }
    getPath(name: string): string {
      if (name !== 'userData') throw new Error(`stand-in: no path ${name}`);
      return options.userData;
    }
    getVersion(): string {
      return '0.1.0';
    }
    /** app.relaunch() calls: Electron starts the app again once this one has exited. */
    relaunchCalls = 0;
    relaunch(): void {
      this.relaunchCalls++;
    }
    quit(): void {
      this.quitCalls++;
      const before = new Cancellable();
      this.emit('before-quit', before);
      if (before.defaultPrevented) return;
      for (const window of windows.filter((w) => !w.destroyed)) {
        if (!window.close()) return;
      }
      const willQuit = new Cancellable();
      this.emit('will-quit', willQuit);
      if (!willQuit.defaultPrevented) this.exit(0);
    }
    exit(code = 0): void {
      this.exitCode = code;
      this.emit('stand-in:exit', code);
    }
    /** Resolves with the exit code once the app has exited. */
    exited(): Promise<number> {
      if (this.exitCode !== null) return Promise.resolve(this.exitCode);
      return new Promise((resolve) => this.once('stand-in:exit', resolve));
    }
  }
  const app = new StandInApp();

  class StandInWebContents extends EventEmitter {
    sent: Array<{ channel: string; args: unknown[] }> = [];
    windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
    permissionHandler: ((c: unknown, p: string, cb: (ok: boolean) => void) => void) | null = null;
    permissionCheck: ((c: unknown, p: string) => boolean) | null = null;
    loading = true;
    destroyed = false;
    session = {
      setPermissionRequestHandler: (
        handler: (c: unknown, p: string, cb: (ok: boolean) => void) => void,
      ) => {
        this.permissionHandler = handler;
      },
      setPermissionCheckHandler: (check: (c: unknown, p: string) => boolean) => {
        this.permissionCheck = check;
      },
    };
    send(channel: string, ...args: unknown[]): void {
      this.sent.push({ channel, args });
      ipc.webContents.send(channel, ...args);
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }
    isLoading(): boolean {
      return this.loading;
    }
    setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
      this.windowOpenHandler = handler;
    }
    /** Plays a navigation; returns whether the app let it happen. */
    navigate(event: 'will-navigate' | 'will-redirect', url: string): boolean {
      const e = new Cancellable();
      this.emit(event, e, url);
      return !e.defaultPrevented;
    }
  }

  class StandInWindow extends EventEmitter {
    readonly webContents = new StandInWebContents();
    visible = false;
    minimized = false;
    maximized = false;
    focused = false;
    destroyed = false;
    bounds: Bounds;
    loadedFile: string | null = null;
    constructor(readonly options: Record<string, unknown>) {
      super();
      this.bounds = {
        x: (options.x as number | undefined) ?? 100,
        y: (options.y as number | undefined) ?? 100,
        width: options.width as number,
        height: options.height as number,
      };
      windows.push(this);
    }
    async loadFile(path: string): Promise<void> {
      this.loadedFile = path;
      this.webContents.loading = false;
      this.webContents.emit('did-finish-load');
      this.emit('ready-to-show');
    }
    show(): void {
      this.visible = true;
    }
    hide(): void {
      this.visible = false;
    }
    focus(): void {
      this.focused = true;
    }
    restore(): void {
      this.minimized = false;
    }
    minimize(): void {
      this.minimized = true;
    }
    isMinimized(): boolean {
      return this.minimized;
    }
    isVisible(): boolean {
      return this.visible;
    }
    maximize(): void {
      this.maximized = true;
    }
    isMaximized(): boolean {
      return this.maximized;
    }
    getNormalBounds(): Bounds {
      return { ...this.bounds };
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }
    /** The user moves or resizes the window. */
    setBounds(bounds: Bounds): void {
      this.bounds = bounds;
      this.emit('resize');
    }
    /** The user (or quit) closes the window; returns whether it closed. */
    close(): boolean {
      const e = new Cancellable();
      this.emit('close', e);
      if (e.defaultPrevented) return false;
      this.destroyed = true;
      this.webContents.destroyed = true;
      this.emit('closed');
      if (windows.every((w) => w.destroyed)) app.emit('window-all-closed');
      return true;
    }
  }

  class StandInMenu {
    constructor(readonly template: MenuItemConstructorOptions[]) {}
    /** The item with this id, searched through submenus. */
    item(id: string): MenuItemConstructorOptions {
      const find = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions | null => {
        for (const item of items) {
          if (item.id === id) return item;
          if (Array.isArray(item.submenu)) {
            const found = find(item.submenu as MenuItemConstructorOptions[]);
            if (found) return found;
          }
        }
        return null;
      };
      const found = find(this.template);
      if (!found) throw new Error(`stand-in: no menu item ${id}`);
      return found;
    }
    click(id: string): void {
      const item = this.item(id);
      (item.click as unknown as () => void)();
    }
  }
  const Menu = {
    application: null as StandInMenu | null,
    buildFromTemplate: (template: MenuItemConstructorOptions[]) => new StandInMenu(template),
    setApplicationMenu(menu: StandInMenu | null) {
      Menu.application = menu;
    },
  };

  class StandInTray extends EventEmitter {
    static instances: StandInTray[] = [];
    image: unknown;
    tooltip = '';
    menu: StandInMenu | null = null;
    destroyed = false;
    constructor(image: unknown) {
      super();
      this.image = image;
      StandInTray.instances.push(this);
    }
    setImage(image: unknown): void {
      this.image = image;
    }
    setToolTip(text: string): void {
      this.tooltip = text;
    }
    setContextMenu(menu: StandInMenu): void {
      this.menu = menu;
    }
    destroy(): void {
      this.destroyed = true;
    }
  }

  class StandInNotification extends EventEmitter {
    static shown: StandInNotification[] = [];
    static isSupported(): boolean {
      return true;
    }
    constructor(readonly options: { title: string; body: string }) {
      super();
    }
    show(): void {
      StandInNotification.shown.push(this);
    }
    click(): void {
      this.emit('click');
    }
  }

  const dialog = {
    asked: [] as Array<Record<string, unknown>>,
    errors: [] as Array<{ title: string; content: string }>,
    async showMessageBox(box: Record<string, unknown>) {
      dialog.asked.push(box);
      const response = answers.shift();
      if (response === undefined) throw new Error('stand-in: a dialog nobody answers');
      return { response, checkboxChecked: false };
    },
    showErrorBox(title: string, content: string) {
      dialog.errors.push({ title, content });
    },
  };

  const shell = {
    opened: [] as string[],
    paths: [] as string[],
    async openExternal(url: string) {
      shell.opened.push(url);
    },
    async openPath(path: string) {
      shell.paths.push(path);
      return '';
    },
  };

  const keyring = options.keyring ?? 'available';
  const safeStorage = {
    isEncryptionAvailable: () => keyring !== 'unavailable',
    getSelectedStorageBackend: () => (keyring === 'basic_text' ? 'basic_text' : 'gnome_libsecret'),
    encryptString(text: string): Buffer {
      if (keyring === 'unavailable') throw new Error('Encryption is not available.');
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decryptString(data: Buffer): string {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString();
    },
  };

  // the network as the app polls it: a test takes it away and brings it back
  const net = {
    online: true,
    polls: 0,
    isOnline(): boolean {
      net.polls++;
      return net.online;
    },
  };

  return {
    ipc,
    app,
    windows,
    BrowserWindow: StandInWindow,
    Menu,
    Tray: StandInTray,
    Notification: StandInNotification,
    nativeImage: { createFromBuffer: (buffer: Buffer) => ({ png: buffer }) },
    dialog,
    shell,
    safeStorage,
    screen: {
      getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
    },
    powerMonitor: new EventEmitter(),
    net,
    ipcMain: ipc.ipcMain,
    ipcRenderer: ipc.ipcRenderer,
    contextBridge: ipc.contextBridge,
  };
}

export type DesktopStandIn = ReturnType<typeof createDesktopStandIn>;
