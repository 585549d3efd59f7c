// The desktop app, composed: one instance, the saved settings (flags and environment still
// win), secrets through the keyring, the relay, the window, the menu, the tray, notifications
// and a clean quit. Electron comes in as a parameter: main/index.ts passes the real module, the
// tests a stand-in, so every piece of wiring here runs in the tests.
import type Conf from 'conf';
import type { MessageBoxOptions } from 'electron';
import { SecretKeepingSettingsStore } from '../core/secrets/secret-settings-store.js';
import { pinnedSettings, resolveSettings } from '../core/settings/settings-sources.js';
import {
  fieldByKey,
  parseSettingValue,
  SettingsError,
  type SecretsWithoutKeyring,
  type Settings,
} from '../core/settings/settings-schema.js';
import type { SettingsStore } from '../core/settings/settings-store.js';
import { startRelaydesk, type RunningRelaydesk } from '../headless.js';
import { ListenFailure } from '../core/listener/listen-address.js';
import { hostPort } from '../core/net/ip-address.js';
import type { DesktopView } from '../../preload/desktop-contract.js';
import { applicationMenuTemplate, type MenuAction } from './app-menu.js';
import { settingFlags } from './desktop-arguments.js';
import { openView, registerDesktopHandlers } from './desktop-bridge.js';
import { DesktopSettingsStore, type DesktopStoreShape } from './desktop-store.js';
import { createRelayTray, type RelayTray } from './desktop-tray.js';
import { forwardEvents, registerIpcHandlers, registerLogFollowing } from './ipc-handlers.js';
import { desktopSecretStore, withoutKeyringChoices } from './keyring.js';
import { manageQuit } from './lifecycle.js';
import { createMainWindow, isOwnPage } from './main-window.js';
import { DesktopNotifier, type DesktopNotice } from './notification-batcher.js';
import { emlArgument, readEmlForAnalysis } from './open-file.js';
import { relayIconPng } from './relay-icon.js';
import type { TrayAction } from './tray-state.js';
import { closeAction } from './window-state.js';

export type ElectronModule = typeof import('electron');

const relayingPausedByHand = 'relaying paused by hand';

export interface DesktopAppOptions {
  electron: ElectronModule;
  argv: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  preloadPath: string;
  rendererIndex: string;
  /** Opens the desktop store in the app's data folder: electron-store in the app. */
  openStore(folder: string): Conf<DesktopStoreShape>;
  log(line: string): void;
  /** The relay's clock (tests move it by hours); the real one when not given. */
  now?: () => number;
  /** How often `net.isOnline()` is read to notice the network coming back; 15 s when not given. */
  networkPollMs?: number;
}

export interface DesktopApp {
  running: RunningRelaydesk;
  settings: Settings;
  /** The settings store the service saves through (secrets kept apart). */
  settingsStore: SettingsStore;
  window(): import('electron').BrowserWindow;
  tray: RelayTray | null;
  notifier: DesktopNotifier;
  /** The menu and tray actions, as a click runs them. */
  runMenuAction(action: MenuAction): void;
  runTrayAction(action: TrayAction): void;
}

function savedChoice(
  flags: Record<string, string>,
  env: NodeJS.ProcessEnv,
  saved: Record<string, unknown>,
): SecretsWithoutKeyring {
  const spec = fieldByKey('secretsWithoutKeyring');
  if (!spec) return 'ask';
  if (flags[spec.flag] !== undefined)
    return parseSettingValue(spec, flags[spec.flag], 'flag') as SecretsWithoutKeyring;
  if (env[spec.env]) return parseSettingValue(spec, env[spec.env], 'env') as SecretsWithoutKeyring;
  if (saved.secretsWithoutKeyring !== undefined)
    return parseSettingValue(spec, saved.secretsWithoutKeyring, 'file') as SecretsWithoutKeyring;
  return 'ask';
}

/**
 * Starts the desktop app, or returns null when another instance runs (it is told to come
 * forward, with the file to open).
 */
export async function runDesktopApp(options: DesktopAppOptions): Promise<DesktopApp | null> {
  const { electron, log } = options;
  const { app, BrowserWindow, Menu, Notification, dialog, shell, ipcMain, safeStorage } = electron;
  const file = emlArgument(options.argv, options.cwd);
  if (!app.requestSingleInstanceLock({ file })) {
    app.quit();
    return null;
  }
  await app.whenReady();
  const folder = app.getPath('userData');
  const flags = settingFlags(options.argv);

  const store = new DesktopSettingsStore(options.openStore(folder));
  const plainSaved = await store.read();
  const secrets = await desktopSecretStore({
    safeStorage,
    platform: options.platform,
    folder,
    saved: savedChoice(flags, options.env, plainSaved),
    ask: async (problem) => {
      const buttons = [...withoutKeyringChoices.map((c) => c.label), 'Quit'];
      const box: MessageBoxOptions = {
        type: 'warning',
        title: 'Relaydesk: no keyring',
        message: problem,
        detail:
          'Secrets are the upstream password or token and, later, DKIM keys. Relaydesk never keeps them in plain text without asking. You can change this in Settings.',
        buttons,
        defaultId: 0,
        cancelId: buttons.length - 1,
        noLink: true,
      };
      const { response } = await dialog.showMessageBox(box);
      const chosen = withoutKeyringChoices[response];
      if (!chosen) {
        app.exit(0);
        throw new Error('quit at the keyring question');
      }
      return chosen.choice;
    },
  });
  if (secrets.remember)
    await store.write({ ...plainSaved, secretsWithoutKeyring: secrets.remember });
  const settingsStore = new SecretKeepingSettingsStore(store, secrets.store);

  // read once through the secret-keeping store: a plain-text secret still in the file moves out
  const saved = await settingsStore.read();
  let settings: Settings;
  try {
    settings = resolveSettings({ env: options.env, flags, saved, savedFrom: store.path });
  } catch (err) {
    if (!(err instanceof SettingsError)) throw err;
    // one clear message naming the setting and the file; never a half-configured relay
    dialog.showErrorBox('Relaydesk cannot start', `${err.message}\n\nSettings file: ${store.path}`);
    app.exit(1);
    throw err;
  }
  // a taken port must not end the app: the window shows why and where to change it
  if (flags['--listener-failure'] === undefined && !options.env.RELAYDESK_LISTENER_FAILURE)
    settings.listenerFailure = 'keep-running';
  // the Settings view saves through the service into this store, as headless mode into its file
  const pinned = pinnedSettings({ env: options.env, flags });
  const start = (resolved: Settings, savedTarget?: Settings) =>
    startRelaydesk({
      resolved,
      saved: {
        store: settingsStore,
        saved,
        pinned,
        savedIn: `${store.path} (secrets ${secrets.store.where})`,
      },
      ...(savedTarget ? { savedTarget } : {}),
      log,
      ...(options.now ? { now: options.now } : {}),
    });
  let running: RunningRelaydesk;
  /** Why the web UI and API listen elsewhere than their settings say, to be told once. */
  let httpElsewhere: string | null = null;
  try {
    running = await start(settings);
  } catch (err) {
    // the window talks to the relay over IPC, not HTTP: a UI/API port another program holds
    // (Mailpit's 8025, beside which many first try Relaydesk) must not end the app. The API
    // takes a free port until the setting is changed; the saved address still waits.
    const httpTaken =
      err instanceof ListenFailure &&
      err.flag === '--http' &&
      settings.listenerFailure === 'keep-running';
    if (!httpTaken) throw err;
    running = await start({ ...settings, http: { host: settings.http.host, port: 0 } }, settings);
    httpElsewhere = `${err.message.replace(/^--http: /, '')}. Until then the API listens on ${hostPort(running.http)}.`;
    log(`listener: web UI and API: ${httpElsewhere}`);
  }
  const service = running.service;

  const ownPage = (url: string): boolean => isOwnPage(url, options.rendererIndex);
  registerIpcHandlers(ipcMain, service, ownPage);
  registerLogFollowing(ipcMain, ownPage);
  registerDesktopHandlers(ipcMain, ownPage, {
    get: () => store.windowState().panes ?? {},
    set: (panes) => store.saveWindowState({ panes }),
  });

  let tray: RelayTray | null = null;
  const quit = manageQuit(app, {
    stop: async () => {
      notifier.dispose();
      tray?.destroy();
      await running.close();
    },
    // macOS apps stay in the Dock with no window (a click on the icon brings it back)
    staysInTray: () =>
      options.platform === 'darwin' || (service.settings.closeToTray && tray !== null),
    log,
  });
  // the Settings view's "Restart now": Electron starts the app again once this one has quit,
  // and the quit stops the relay as any quit does (see lifecycle.ts)
  service.offerRestart(() => {
    log('restarting the app to apply the saved settings');
    app.relaunch();
    app.quit();
  });

  const icon = electron.nativeImage.createFromBuffer(relayIconPng(256));
  let window = openWindow();
  let stopForwarding = forwardEvents(service, window.webContents);
  function openWindow(): import('electron').BrowserWindow {
    const made = createMainWindow(
      { BrowserWindow, shell },
      options.preloadPath,
      options.rendererIndex,
      {
        saved: store.windowState(),
        screens: electron.screen.getAllDisplays().map((d) => d.workArea),
        saveState: (state) => store.saveWindowState(state),
        onClose: () =>
          closeAction({
            closeToTray: service.settings.closeToTray,
            quitting: quit.quitting,
            trayShown: tray !== null,
          }),
        icon,
      },
    );
    made.on('closed', () => stopForwarding());
    return made;
  }
  /** The window, brought forward (made again if it was closed while the tray kept us). */
  const showWindow = (): import('electron').BrowserWindow => {
    if (window.isDestroyed()) {
      window = openWindow();
      stopForwarding = forwardEvents(service, window.webContents);
    }
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
    return window;
  };
  const show = (view: DesktopView): void => openView(showWindow().webContents, view);

  const openFile = (path: string): void => {
    readEmlForAnalysis(path).then(
      (eml) => show({ view: 'analyze', file: eml }),
      (err: Error) => {
        showWindow();
        dialog.showErrorBox('Relaydesk cannot open the file', err.message);
      },
    );
  };

  const drawMenu = (): void => {
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        applicationMenuTemplate(
          options.platform,
          {
            receivingPaused: service.receivingPaused,
            relayingPaused: service.relayPause !== null,
            upstreamConfigured: service.settings.relay !== null,
          },
          runMenuAction,
        ),
      ),
    );
  };
  function runMenuAction(action: MenuAction): void {
    switch (action) {
      case 'toggle-receiving':
        if (service.receivingPaused) service.resumeReceiving();
        else service.pauseReceiving();
        break;
      case 'toggle-relaying':
        if (service.relayPause === null) service.pauseUpstream(relayingPausedByHand);
        else service.resumeUpstream();
        break;
      case 'analyze-headers':
        show({ view: 'analyze' });
        break;
      case 'open-data-folder':
        void shell.openPath(service.settings.dataDir);
        break;
      case 'settings':
        show({ view: 'settings' });
        break;
      case 'show-queue':
        show({ view: 'queue' });
        break;
      case 'show-sessions':
        show({ view: 'sessions' });
        break;
    }
  }
  function runTrayAction(action: TrayAction): void {
    switch (action) {
      case 'open':
        showWindow();
        break;
      case 'show-queue':
        show({ view: 'queue' });
        break;
      case 'pause-receiving':
        service.pauseReceiving();
        break;
      case 'resume-receiving':
        service.resumeReceiving();
        break;
      case 'pause-relaying':
        service.pauseUpstream(relayingPausedByHand);
        break;
      case 'resume-relaying':
        service.resumeUpstream();
        break;
      case 'quit':
        app.quit();
        break;
    }
  }
  drawMenu();
  service.on('event', (event) => {
    if (event.Type === 'receiving' || event.Type === 'upstream') drawMenu();
  });

  try {
    tray = createRelayTray(electron, service, runTrayAction);
  } catch (err) {
    // some Linux desktops have no tray; the app works without it (closing the window quits)
    log(`tray: not available (${(err as Error).message})`);
  }

  const shown = new Set<InstanceType<typeof Notification>>();
  const showNotice = (notice: DesktopNotice): void => {
    if (!Notification.isSupported()) return;
    const note = new Notification({ title: notice.title, body: notice.body, icon });
    // a notification nobody holds on to can be collected before it is clicked
    shown.add(note);
    note.on('click', () => show(notice.open));
    note.on('close', () => shown.delete(note));
    note.show();
  };
  const notifier = new DesktopNotifier(service, { pinned, show: showNotice });
  if (httpElsewhere)
    showNotice({
      kind: 'listener-failed',
      title: 'Web UI and API could not start',
      body: `${httpElsewhere} Change its port in Settings → Listener and restart.`,
      open: { view: 'settings', section: 'listener' },
    });

  app.on('second-instance', (_event, argv, cwd, data) => {
    const fromData = (data as { file?: unknown } | undefined)?.file;
    const path = typeof fromData === 'string' ? fromData : emlArgument(argv, cwd);
    if (path) openFile(path);
    else showWindow();
  });
  // macOS: a click on the Dock icon with no window open
  app.on('activate', () => showWindow());
  // macOS: a file dropped on the Dock icon or opened with the app
  app.on('open-file', (event, path) => {
    event.preventDefault();
    openFile(path);
  });
  if (file) openFile(file);

  // retry deferred mail at once when the machine wakes or the network comes back
  electron.powerMonitor.on('resume', () => void service.retryDeferred('wake from sleep'));
  let online = electron.net.isOnline();
  setInterval(() => {
    const now = electron.net.isOnline();
    if (now && !online) void service.retryDeferred('network is back');
    online = now;
  }, options.networkPollMs ?? 15_000).unref();

  return {
    running,
    settings,
    settingsStore,
    window: () => window,
    tray,
    notifier,
    runMenuAction,
    runTrayAction,
  };
}
