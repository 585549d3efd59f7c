// Secrets apart from the settings: the owner-only file of headless mode, the settings store
// that keeps them out of the saved settings (and moves a plain-text one it finds), and the
// desktop choice between the keyring and, without one, what the user decides.
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecretFile } from '../../main/core/secrets/secret-file.js';
import { SecretKeepingSettingsStore } from '../../main/core/secrets/secret-settings-store.js';
import { SessionSecretStore } from '../../main/core/secrets/secret-store.js';
import type { SettingsStore } from '../../main/core/settings/settings-store.js';
import { desktopSecretStore, keyringProblem } from '../../main/desktop/keyring.js';
import { createDesktopStandIn } from '../helpers/electron-desktop-stand-in.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relaydesk-secrets-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Saved settings in a JSON file, as the headless settings file keeps them. */
function jsonFileStore(path: string): SettingsStore {
  return {
    async read() {
      try {
        return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
      } catch {
        return {};
      }
    },
    async write(saved) {
      await writeFile(path, JSON.stringify(saved));
    },
  };
}

describe('the owner-only secrets file (headless)', () => {
  it('is written with mode 0600 and read back', async () => {
    const secrets = new SecretFile(join(dir, 'secrets.json'));
    await secrets.set('relay.auth.password', 'pw-1');
    expect((await stat(join(dir, 'secrets.json'))).mode & 0o777).toBe(0o600);
    expect(await new SecretFile(join(dir, 'secrets.json')).get('relay.auth.password')).toBe('pw-1');
    await secrets.delete('relay.auth.password');
    expect(await secrets.get('relay.auth.password')).toBeNull();
  });

  it('refuses a file other users can read, saying how to fix it', async () => {
    const path = join(dir, 'secrets.json');
    await new SecretFile(path).set('x', 'y');
    await chmod(path, 0o644);
    await expect(new SecretFile(path).get('x')).rejects.toThrow(
      `secrets file ${path} can be read by other users (mode 644); run chmod 600 "${path}"`,
    );
  });

  it('refuses a file the desktop app encrypted, instead of reading garbage', async () => {
    const path = join(dir, 'secrets.json');
    await writeFile(path, JSON.stringify({ encoding: 'safeStorage', secrets: { x: 'AAAA' } }), {
      mode: 0o600,
    });
    await expect(new SecretFile(path).get('x')).rejects.toThrow(
      /holds "safeStorage" secrets, not "owner-only" ones; give the password through RELAYDESK_RELAY_PASSWORD/,
    );
  });

  it('two saves at once keep both secrets', async () => {
    const secrets = new SecretFile(join(dir, 'secrets.json'));
    await Promise.all([secrets.set('a', '1'), secrets.set('b', '2')]);
    expect([await secrets.get('a'), await secrets.get('b')]).toEqual(['1', '2']);
  });
});

describe('settings with their secrets kept apart', () => {
  const relay = (auth: Record<string, unknown> | undefined) => ({
    relay: { host: 'smtp.example.com', port: 587, ...(auth ? { auth } : {}) },
    maxMessages: 9,
  });

  it('saves the settings without the password, and reads them back with it', async () => {
    const settingsPath = join(dir, 'settings.json');
    const store = new SecretKeepingSettingsStore(
      jsonFileStore(settingsPath),
      new SecretFile(join(dir, 'secrets.json')),
    );
    await store.write(relay({ user: 'apikey', password: 'SG.secret' }));
    expect(await readFile(settingsPath, 'utf8')).not.toContain('SG.secret');
    expect(JSON.parse(await readFile(settingsPath, 'utf8'))).toEqual(relay({ user: 'apikey' }));
    expect(await store.read()).toEqual(relay({ user: 'apikey', password: 'SG.secret' }));
  });

  it('an auth object without the secret keeps the saved one; no auth forgets it; a token replaces a password', async () => {
    const secrets = new SessionSecretStore();
    const store = new SecretKeepingSettingsStore(jsonFileStore(join(dir, 's.json')), secrets);
    await store.write(relay({ user: 'u', password: 'one' }));
    await store.write(relay({ user: 'u' }));
    expect(await store.read()).toEqual(relay({ user: 'u', password: 'one' }));
    await store.write(relay({ user: 'u', accessToken: 'tok' }));
    expect(await store.read()).toEqual(relay({ user: 'u', accessToken: 'tok' }));
    await store.write(relay(undefined));
    expect(await secrets.get('relay.auth.accessToken')).toBeNull();
    expect(await store.read()).toEqual(relay(undefined));
  });

  it('moves a plain-text password found in the saved settings into the secret store', async () => {
    const settingsPath = join(dir, 'settings.json');
    await writeFile(settingsPath, JSON.stringify(relay({ user: 'u', password: 'old-plain' })));
    const secrets = new SecretFile(join(dir, 'secrets.json'));
    const store = new SecretKeepingSettingsStore(jsonFileStore(settingsPath), secrets);
    expect(await store.read()).toEqual(relay({ user: 'u', password: 'old-plain' }));
    expect(await readFile(settingsPath, 'utf8')).not.toContain('old-plain');
    expect(await secrets.get('relay.auth.password')).toBe('old-plain');
  });
});

describe('the desktop secret store', () => {
  const never = async (): Promise<never> => {
    throw new Error('asked');
  };

  it('encrypts with the keyring: the file holds ciphertext only', async () => {
    const { safeStorage } = createDesktopStandIn({ pageUrl: '', userData: dir });
    const { store, remember } = await desktopSecretStore({
      safeStorage,
      platform: 'linux',
      folder: dir,
      saved: 'ask',
      ask: never,
    });
    await store.set('relay.auth.password', 'hunter2-secret');
    const text = await readFile(join(dir, 'secrets.safe-storage.json'), 'utf8');
    expect(text).not.toContain('hunter2-secret');
    expect(JSON.parse(text)).toMatchObject({ encoding: 'safeStorage' });
    expect(await store.get('relay.auth.password')).toBe('hunter2-secret');
    expect(remember).toBeUndefined();
  });

  it('names the problem when encryption is unavailable, or only the hard-coded-key backend', () => {
    const unavailable = createDesktopStandIn({
      pageUrl: '',
      userData: dir,
      keyring: 'unavailable',
    });
    const basic = createDesktopStandIn({ pageUrl: '', userData: dir, keyring: 'basic_text' });
    expect(keyringProblem(unavailable.safeStorage, 'darwin')).toMatch(/keyring is not available/);
    expect(keyringProblem(basic.safeStorage, 'linux')).toMatch(/No system keyring/);
    expect(keyringProblem(basic.safeStorage, 'win32')).toBeNull();
  });

  it('without a keyring asks, and "do not save" keeps secrets for this run only', async () => {
    const { safeStorage } = createDesktopStandIn({
      pageUrl: '',
      userData: dir,
      keyring: 'basic_text',
    });
    const questions: string[] = [];
    const { store, remember } = await desktopSecretStore({
      safeStorage,
      platform: 'linux',
      folder: dir,
      saved: 'ask',
      ask: async (problem) => {
        questions.push(problem);
        return 'do-not-save';
      },
    });
    expect(questions).toHaveLength(1);
    expect(remember).toBe('do-not-save');
    await store.set('relay.auth.password', 'pw');
    expect(await store.get('relay.auth.password')).toBe('pw');
    expect(store.where).toMatch(/not saved/);
    const again = await desktopSecretStore({
      safeStorage,
      platform: 'linux',
      folder: dir,
      saved: 'do-not-save',
      ask: never,
    });
    expect(await again.store.get('relay.auth.password')).toBeNull();
  });
});
