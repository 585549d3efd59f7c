// The desktop store in conf's real file format (electron-store is conf with Electron's paths):
// schema defaults and validation, the migration from the previous shape, the file's mode, and
// the saved settings going through the one settings schema with flags and environment on top.
import Conf from 'conf';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DesktopSettingsStore,
  desktopStoreOptions,
  storeSchemaVersion,
  type DesktopStoreShape,
} from '../../main/desktop/desktop-store.js';
import { resolveSettings } from '../../main/core/settings/settings-sources.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relaydesk-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const open = () => new Conf<DesktopStoreShape>({ ...desktopStoreOptions(), cwd: dir });
const file = () => join(dir, 'config.json');

describe('the desktop store file', () => {
  it('starts empty at the current schema version, readable by its owner only', async () => {
    const store = new DesktopSettingsStore(open());
    expect(await store.read()).toEqual({});
    await store.write({ maxMessages: 500 });
    const onDisk = JSON.parse(await readFile(file(), 'utf8')) as Record<string, unknown>;
    expect(onDisk).toMatchObject({
      settings: { maxMessages: 500 },
      window: {},
      __internal__: { migrations: { version: storeSchemaVersion } },
    });
    expect((await stat(file())).mode & 0o777).toBe(0o600);
    expect(await new DesktopSettingsStore(open()).read()).toEqual({ maxMessages: 500 });
  });

  it('migrates a file of the previous shape (1.0.0: everything at the top level)', async () => {
    await writeFile(
      file(),
      JSON.stringify({
        smtp: '127.0.0.1:2525',
        maxMessages: 300,
        relay: { host: 'smtp.example.com', port: 587 },
        windowBounds: { x: 10, y: 20, width: 900, height: 600 },
        windowMaximized: true,
        __internal__: { migrations: { version: '1.0.0' } },
      }),
    );
    const conf = open();
    const store = new DesktopSettingsStore(conf);
    expect(await store.read()).toEqual({
      smtp: '127.0.0.1:2525',
      maxMessages: 300,
      relay: { host: 'smtp.example.com', port: 587 },
    });
    expect(store.windowState()).toEqual({
      bounds: { x: 10, y: 20, width: 900, height: 600 },
      maximized: true,
    });
    const onDisk = JSON.parse(await readFile(file(), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(onDisk).sort()).toEqual(['__internal__', 'settings', 'window']);
    expect(onDisk.__internal__).toMatchObject({ migrations: { version: '2.0.0' } });
    // and the migrated settings are valid settings
    expect(resolveSettings({ env: {}, saved: await store.read() }).smtp).toEqual({
      host: '127.0.0.1',
      port: 2525,
    });
  });

  it('refuses a window state of the wrong shape, and keeps a broken file rather than wiping it', async () => {
    const store = new DesktopSettingsStore(open());
    expect(() => store.saveWindowState({ bounds: { x: 0, y: 0, width: -1, height: 10 } })).toThrow(
      /Config schema violation: `window\/bounds\/width` must be >= 1/,
    );
    await writeFile(file(), '{"settings": {"maxMessages": 5}, oops');
    expect(() => open()).toThrow(/JSON/);
    expect(await readFile(file(), 'utf8')).toContain('oops');
  });
});

describe('saved settings under the one schema', () => {
  it('flags and environment override saved values; the rest keep theirs', async () => {
    const store = new DesktopSettingsStore(open());
    await store.write({ maxMessages: 300, maxRecipients: 7, notifyNewMail: false });
    const settings = resolveSettings({
      saved: await store.read(),
      env: { RELAYDESK_MAX_RECIPIENTS: '9' },
      flags: { '--max-messages': '50' },
    });
    expect(settings.maxMessages).toBe(50);
    expect(settings.maxRecipients).toBe(9);
    expect(settings.notifyNewMail).toBe(false);
    expect(settings.notifyBounced).toBe(true);
    expect(settings.closeToTray).toBe(false);
  });

  it('a bad saved value is named with the value and what is allowed', async () => {
    const store = new DesktopSettingsStore(open());
    await store.write({ notifyDelayedAfterMinutes: 'soon' });
    const saved = await new DesktopSettingsStore(open()).read();
    expect(() => resolveSettings({ env: {}, saved: saved })).toThrow(
      '"notifyDelayedAfterMinutes" in the settings file: "soon" is not valid; use a whole number of minutes from 1 to 10080',
    );
  });
});
