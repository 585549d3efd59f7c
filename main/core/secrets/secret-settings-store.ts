// A SettingsStore that keeps the secrets of the settings out of the saved settings: the
// upstream's password or token go to a SecretStore, and the saved object holds the rest. Reads
// put them back, so the service sees complete settings. A plain-text secret found in saved
// settings (written before secrets had a store of their own) is moved on the first read.
import type { SettingsStore } from '../settings/settings-store.js';
import type { SecretStore } from './secret-store.js';

/** The auth objects of the settings-file shape; each holds one secret: a password or a token. */
const authPaths = ['relay.auth', 'relay.fallback.auth'] as const;
const secretKeys = ['password', 'accessToken'] as const;

/** The names secrets are stored under, e.g. `relay.auth.password`. */
export const settingsSecretNames = authPaths.flatMap((auth) =>
  secretKeys.map((key) => `${auth}.${key}`),
);

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectAt(root: Json, path: string): Json | null {
  let node: unknown = root;
  for (const step of path.split('.')) {
    if (!isObject(node)) return null;
    node = node[step];
  }
  return isObject(node) ? node : null;
}

export class SecretKeepingSettingsStore implements SettingsStore {
  constructor(
    private readonly inner: SettingsStore,
    readonly secrets: SecretStore,
  ) {}

  async read(): Promise<Json> {
    const saved = structuredClone(await this.inner.read());
    let strayed = false;
    for (const authPath of authPaths) {
      const auth = objectAt(saved, authPath);
      if (!auth) continue;
      for (const key of secretKeys) {
        const name = `${authPath}.${key}`;
        if (typeof auth[key] === 'string') {
          await this.secrets.set(name, auth[key]);
          strayed = true;
          continue;
        }
        const secret = await this.secrets.get(name);
        if (secret !== null) auth[key] = secret;
      }
    }
    if (strayed) await this.inner.write(withoutSecrets(saved));
    return saved;
  }

  async write(saved: Json): Promise<void> {
    for (const authPath of authPaths) {
      const auth = objectAt(saved, authPath);
      const given = secretKeys.find((key) => typeof auth?.[key] === 'string');
      // An auth object without its secret keeps the stored one (a form that never echoes it);
      // no auth object (no upstream, or no AUTH) forgets it; a new secret replaces the other kind.
      if (auth && !given) continue;
      for (const key of secretKeys) {
        const name = `${authPath}.${key}`;
        if (auth && key === given) await this.secrets.set(name, auth[key] as string);
        else await this.secrets.delete(name);
      }
    }
    await this.inner.write(withoutSecrets(saved));
  }
}

function withoutSecrets(saved: Json): Json {
  const stripped = structuredClone(saved);
  for (const authPath of authPaths) {
    const auth = objectAt(stripped, authPath);
    for (const key of secretKeys) delete auth?.[key];
  }
  return stripped;
}
