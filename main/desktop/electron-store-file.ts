// Opens the desktop store with electron-store, in the app's data folder. electron-store imports
// `electron` when it loads, so only the Electron entry imports this module (never the headless
// mode or a test that runs without the stand-in).
import type Conf from 'conf';
import ElectronStore from 'electron-store';
import { desktopStoreOptions, type DesktopStoreShape } from './desktop-store.js';

export function openDesktopStore(cwd?: string): Conf<DesktopStoreShape> {
  return new ElectronStore<DesktopStoreShape>({
    ...desktopStoreOptions(),
    ...(cwd ? { cwd } : {}),
  });
}
