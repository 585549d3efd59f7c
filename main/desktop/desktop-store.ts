// The desktop app's store: one JSON file in the app's data folder, kept by electron-store (which
// is `conf` with Electron's paths). It holds the relay settings in the settings-file shape (the
// one settings schema validates them when they are used and saved) and the window's state.
// Nothing here imports Electron: the tests open the same options with `conf` itself.
import type { Options } from 'conf';
import type Conf from 'conf';
import type { SettingsStore } from '../core/settings/settings-store.js';
import type { WindowState } from './window-state.js';

export interface DesktopStoreShape {
  /** The saved settings, in the settings file's shape; secrets are kept elsewhere. */
  settings: Record<string, unknown>;
  window: WindowState;
}

/**
 * The version of the store's shape, which conf records in the file and migrates from. It is
 * not the app's version: the shape changes far less often.
 *  - 1.0.0: the settings-file keys at the top level, with `windowBounds` and `windowMaximized`
 *  - 2.0.0: `settings` and `window` apart; pane widths remembered
 */
export const storeSchemaVersion = '2.0.0';

/** Keys of the top level that belong to the store itself, not to the saved settings. */
const ownKeys = new Set(['settings', 'window', '__internal__']);

function migrateToSeparateWindowState(store: Conf<DesktopStoreShape>): void {
  const old = store.store as unknown as Record<string, unknown>;
  const settings: Record<string, unknown> = {};
  const window: WindowState = {};
  for (const [key, value] of Object.entries(old)) {
    if (ownKeys.has(key)) continue;
    if (key === 'windowBounds') window.bounds = value as WindowState['bounds'];
    else if (key === 'windowMaximized') window.maximized = value === true;
    else settings[key] = value;
  }
  store.store = { settings, window };
}

const bounds = {
  type: 'object',
  properties: {
    x: { type: 'number' },
    y: { type: 'number' },
    width: { type: 'number', minimum: 1 },
    height: { type: 'number', minimum: 1 },
  },
  required: ['x', 'y', 'width', 'height'],
} as const;

export function desktopStoreOptions(): Options<DesktopStoreShape> {
  return {
    projectVersion: storeSchemaVersion,
    defaults: { settings: {}, window: {} },
    schema: {
      settings: { type: 'object' },
      window: {
        type: 'object',
        properties: {
          bounds,
          maximized: { type: 'boolean' },
          panes: { type: 'object', additionalProperties: { type: 'number', minimum: 0 } },
        },
      },
    },
    migrations: { '2.0.0': migrateToSeparateWindowState },
    // the file may name an upstream and its user: only the owner reads it
    configFileMode: 0o600,
    // a broken file is reported, never silently replaced by defaults
    clearInvalidConfig: false,
  };
}

/** The saved settings of the desktop store, behind the interface the service saves through. */
export class DesktopSettingsStore implements SettingsStore {
  constructor(private readonly store: Conf<DesktopStoreShape>) {}

  get path(): string {
    return this.store.path;
  }

  async read(): Promise<Record<string, unknown>> {
    return structuredClone(this.store.get('settings'));
  }

  async write(saved: Record<string, unknown>): Promise<void> {
    this.store.set('settings', structuredClone(saved));
  }

  windowState(): WindowState {
    return this.store.get('window');
  }

  saveWindowState(change: Partial<WindowState>): void {
    this.store.set('window', { ...this.store.get('window'), ...change });
  }
}
