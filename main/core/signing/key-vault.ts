// Where DKIM private keys live. Headless, each key is an owner-only (0600) file in an owner-only
// folder of the data folder; the desktop app swaps in its secrets layer (Electron safeStorage)
// through the same three calls, so no other code knows how a key is kept.
import { chmod, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { makeFolder, writeFilesDurably } from '../spool/durable-file.js';

export interface PrivateKeyVault {
  /** The PEM stored under `name`, or null when there is none. */
  read(name: string): Promise<string | null>;
  write(name: string, pem: string): Promise<void>;
  remove(name: string): Promise<void>;
}

export class OwnerOnlyFileVault implements PrivateKeyVault {
  constructor(private readonly folder: string) {}

  private path(name: string): string {
    // names are built from a domain and a selector, both checked to be DNS labels
    return join(this.folder, `${name}.pem`);
  }

  async read(name: string): Promise<string | null> {
    try {
      return await readFile(this.path(name), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async write(name: string, pem: string): Promise<void> {
    await makeFolder(this.folder);
    // the folder may predate us with looser rights (a copied data folder)
    await chmod(this.folder, 0o700);
    await writeFilesDurably([{ path: this.path(name), data: pem }]);
  }

  async remove(name: string): Promise<void> {
    await unlink(this.path(name)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }
}
