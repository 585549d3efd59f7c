// One file of secrets, `{"encoding": "...", "secrets": {name: text}}`, written durably with mode
// 0600. Headless mode stores the text as is (the file's mode is the protection, as with
// ~/.netrc or Postfix's sasl_passwd); the desktop app stores safeStorage ciphertext in base64.
// The encoding is recorded so a file the other mode wrote is refused with a clear message
// instead of being read as garbage.
import { readFile, stat } from 'node:fs/promises';
import { writeFilesDurably } from '../spool/durable-file.js';
import { SecretStoreError, type SecretStore } from './secret-store.js';

/** How a secret is turned into the text kept in the file, and back. */
export interface SecretCodec {
  /** Recorded in the file: `owner-only` (text as is) or `safeStorage` (OS keyring). */
  readonly encoding: string;
  readonly where: string;
  encode(value: string): string;
  decode(stored: string): string;
}

export const ownerOnlyCodec: SecretCodec = {
  encoding: 'owner-only',
  where: 'a file only your user can read (mode 0600)',
  encode: (value) => value,
  decode: (stored) => stored,
};

interface SecretFileContent {
  encoding: string;
  secrets: Record<string, string>;
}

export class SecretFile implements SecretStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly codec: SecretCodec = ownerOnlyCodec,
  ) {}

  get where(): string {
    return `${this.codec.where}: ${this.path}`;
  }

  private async load(): Promise<Record<string, string>> {
    let text: string;
    try {
      const info = await stat(this.path);
      // like ssh with a private key: a secrets file others can read is refused, not used
      if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
        throw new SecretStoreError(
          `secrets file ${this.path} can be read by other users (mode ${(info.mode & 0o777).toString(8)}); run chmod 600 ${JSON.stringify(this.path)}`,
        );
      }
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
    let content: Partial<SecretFileContent>;
    try {
      content = JSON.parse(text) as Partial<SecretFileContent>;
    } catch {
      throw new SecretStoreError(
        `secrets file ${this.path} is not valid JSON; remove it and enter the passwords again`,
      );
    }
    if (content.encoding !== this.codec.encoding) {
      throw new SecretStoreError(
        `secrets file ${this.path} holds ${JSON.stringify(content.encoding)} secrets, not ${JSON.stringify(this.codec.encoding)} ones; give the password through RELAYDESK_RELAY_PASSWORD or --relay-password-file, or remove the file and enter it again`,
      );
    }
    return { ...(content.secrets ?? {}) };
  }

  // one change at a time, so two saves cannot each drop the other's secret
  private change(apply: (secrets: Record<string, string>) => void): Promise<void> {
    const next = this.queue.then(async () => {
      const secrets = await this.load();
      apply(secrets);
      const content: SecretFileContent = { encoding: this.codec.encoding, secrets };
      await writeFilesDurably([{ path: this.path, data: `${JSON.stringify(content, null, 2)}\n` }]);
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  async get(name: string): Promise<string | null> {
    await this.queue;
    const stored = (await this.load())[name];
    return stored === undefined ? null : this.codec.decode(stored);
  }

  set(name: string, value: string): Promise<void> {
    const stored = this.codec.encode(value);
    return this.change((secrets) => {
      secrets[name] = stored;
    });
  }

  delete(name: string): Promise<void> {
    return this.change((secrets) => {
      delete secrets[name];
    });
  }
}
