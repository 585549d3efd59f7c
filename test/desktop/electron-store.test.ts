// electron-store itself, loaded with a stand-in `electron` (the real one cannot be had here):
// it puts the store in the app's data folder, and writes the file format conf reads, so the
// tests of the store that use conf directly test what the app writes.
import Conf from 'conf';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import {
  DesktopSettingsStore,
  desktopStoreOptions,
  type DesktopStoreShape,
} from '../../main/desktop/desktop-store.js';

const userData = await mkdtemp(join(tmpdir(), 'relaydesk-electron-store-'));
const listeners: string[] = [];
vi.mock('electron', () => {
  const electron = {
    app: { getPath: () => userData, getVersion: () => '0.1.0' },
    ipcMain: { on: (channel: string) => listeners.push(channel) },
    shell: { openPath: async () => '' },
  };
  return { default: electron, ...electron };
});

afterAll(async () => {
  await rm(userData, { recursive: true, force: true });
});

it('keeps the settings in config.json in the app data folder, in conf’s format', async () => {
  const { openDesktopStore } = await import('../../main/desktop/electron-store-file.js');
  const store = new DesktopSettingsStore(openDesktopStore());
  expect(store.path).toBe(join(userData, 'config.json'));
  await store.write({ smtp: '127.0.0.1:2525', closeToTray: true });
  store.saveWindowState({ panes: { list: 400 } });
  const onDisk = JSON.parse(await readFile(join(userData, 'config.json'), 'utf8')) as unknown;
  expect(onDisk).toMatchObject({
    settings: { smtp: '127.0.0.1:2525', closeToTray: true },
    window: { panes: { list: 400 } },
    __internal__: { migrations: { version: '2.0.0' } },
  });
  const viaConf = new DesktopSettingsStore(
    new Conf<DesktopStoreShape>({ ...desktopStoreOptions(), cwd: userData }),
  );
  expect(await viaConf.read()).toEqual({ smtp: '127.0.0.1:2525', closeToTray: true });
  // electron-store answers renderer processes' questions about its paths over IPC
  expect(listeners).toContain('electron-store-get-data');
});
