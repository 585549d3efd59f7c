// Where the settings saved from the GUI (or `PUT /api/v1/settings`) are kept. Headless mode keeps
// them in `settings.json` in the data folder; the desktop app puts them in its own store behind
// the same interface. The saved object has the settings file's shape, so the file can also be
// read with --config.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeFolder, writeFilesDurably } from '../spool/durable-file.js';
import { SettingsError } from './settings-schema.js';
import { parseJsonText } from './json-mistake.js';

export interface SettingsStore {
  /** The saved settings object (the settings-file shape, partial), or {} when none. */
  read(): Promise<Record<string, unknown>>;
  /** Replace the saved settings object. */
  write(saved: Record<string, unknown>): Promise<void>;
}

export const savedSettingsFileName = 'settings.json';

/**
 * `settings.json` in the data folder, replaced atomically (temporary file, fsync, rename) and
 * readable by its owner only: it may hold the upstream password, like Postfix's sasl_passwd.
 */
export class FileSettingsStore implements SettingsStore {
  readonly path: string;

  constructor(private readonly dataDir: string) {
    this.path = join(dataDir, savedSettingsFileName);
  }

  async read(): Promise<Record<string, unknown>> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      // nothing saved yet; a data folder that cannot exist is reported when the spool opens it
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return {};
      throw new SettingsError(
        `saved settings: cannot read ${JSON.stringify(this.path)} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
    // A damaged file is never replaced or reset: it holds what the user saved in the GUI (the
    // upstream, its password, the rules), and starting with defaults would overwrite it at the
    // next save. So nothing starts (and no save goes through), and the message says so.
    const kept =
      'Nothing was started or overwritten: the file is left as it is, with your saved settings in it';
    const read = parseJsonText(text);
    if (!read.ok) {
      throw new SettingsError(
        `saved settings: ${JSON.stringify(this.path)} is ${read.problem}. ${kept}; fix it, or move it away to start with the default settings`,
      );
    }
    const parsed = read.value;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new SettingsError(
        `saved settings: ${JSON.stringify(this.path)} must hold a JSON object. ${kept}; fix it, or move it away to start with the default settings`,
      );
    }
    return parsed as Record<string, unknown>;
  }

  async write(saved: Record<string, unknown>): Promise<void> {
    await makeFolder(this.dataDir);
    await writeFilesDurably([{ path: this.path, data: `${JSON.stringify(saved, null, 2)}\n` }]);
  }
}
