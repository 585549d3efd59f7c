// Secrets (the upstream's password or token, later DKIM private keys) live apart from the
// settings, so the settings file can be shown, copied and backed up without them. The desktop
// app encrypts them with the OS keyring (Electron's safeStorage); headless mode keeps them in a
// file only its owner can read, or takes them from the environment or a file named by a flag.

export interface SecretStore {
  /** Where the secrets are kept, in words a user understands (for the settings screen). */
  readonly where: string;
  get(name: string): Promise<string | null>;
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
}

/** A secret store that cannot do its job (a file it cannot read, a keyring that refuses). */
export class SecretStoreError extends Error {
  override name = 'SecretStoreError';
}

/**
 * Keeps secrets for this run only: the user chose not to save passwords where no OS keyring is
 * available, so they are asked for again after a restart.
 */
export class SessionSecretStore implements SecretStore {
  readonly where = 'not saved: kept until Relaydesk quits';
  private readonly values = new Map<string, string>();

  async get(name: string): Promise<string | null> {
    return this.values.get(name) ?? null;
  }

  async set(name: string, value: string): Promise<void> {
    this.values.set(name, value);
  }

  async delete(name: string): Promise<void> {
    this.values.delete(name);
  }
}
