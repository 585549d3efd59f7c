// Secrets in the desktop app are encrypted with Electron's safeStorage (macOS Keychain, Windows
// DPAPI, libsecret/KWallet on Linux). Where no keyring is available, safeStorage either refuses
// or (Linux "basic_text") encrypts with a key written in Chromium's source, which protects
// nothing: then the user is told once, in plain words, and chooses; there is no silent fallback.
import { join } from 'node:path';
import { SecretFile, ownerOnlyCodec, type SecretCodec } from '../core/secrets/secret-file.js';
import { SessionSecretStore, type SecretStore } from '../core/secrets/secret-store.js';
import type { SecretsWithoutKeyring } from '../core/settings/settings-schema.js';

/** The part of Electron's safeStorage this uses. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only. */
  getSelectedStorageBackend?(): string;
}

export function keyringProblem(
  safeStorage: SafeStorageLike,
  platform: NodeJS.Platform,
): string | null {
  if (!safeStorage.isEncryptionAvailable()) {
    return 'The system keyring is not available, so Relaydesk cannot encrypt the upstream password and other secrets.';
  }
  if (platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text') {
    return 'No system keyring (GNOME Keyring, KWallet) was found, so Relaydesk cannot encrypt the upstream password and other secrets.';
  }
  return null;
}

export function safeStorageCodec(safeStorage: SafeStorageLike): SecretCodec {
  return {
    encoding: 'safeStorage',
    where: 'encrypted with the system keyring',
    encode: (value) => safeStorage.encryptString(value).toString('base64'),
    decode: (stored) => safeStorage.decryptString(Buffer.from(stored, 'base64')),
  };
}

/** The choice offered when there is no keyring, as dialog buttons in this order. */
export const withoutKeyringChoices: ReadonlyArray<{
  choice: Exclude<SecretsWithoutKeyring, 'ask'>;
  label: string;
}> = [
  { choice: 'owner-only-file', label: 'Keep them in a file only I can read' },
  { choice: 'do-not-save', label: 'Do not save them (ask after each restart)' },
];

export interface SecretStoreChoice {
  store: SecretStore;
  /** The choice to remember when the user was asked, so they are asked once. */
  remember?: Exclude<SecretsWithoutKeyring, 'ask'>;
}

/**
 * The secret store of the desktop app. With a keyring: encrypted in `secrets.safe-storage.json`.
 * Without: what the user chose before, or what they choose now.
 */
export async function desktopSecretStore(input: {
  safeStorage: SafeStorageLike;
  platform: NodeJS.Platform;
  folder: string;
  saved: SecretsWithoutKeyring;
  ask(problem: string): Promise<Exclude<SecretsWithoutKeyring, 'ask'>>;
}): Promise<SecretStoreChoice> {
  const problem = keyringProblem(input.safeStorage, input.platform);
  if (!problem) {
    return {
      store: new SecretFile(
        join(input.folder, 'secrets.safe-storage.json'),
        safeStorageCodec(input.safeStorage),
      ),
    };
  }
  const asked = input.saved === 'ask';
  const choice = input.saved === 'ask' ? await input.ask(problem) : input.saved;
  const store =
    choice === 'owner-only-file'
      ? new SecretFile(join(input.folder, 'secrets.json'), ownerOnlyCodec)
      : new SessionSecretStore();
  return asked ? { store, remember: choice } : { store };
}
