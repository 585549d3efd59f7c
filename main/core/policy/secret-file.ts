// A secret kept in a file of its own (a password, a signing key): one line, read at start, so
// it never has to be a flag value that `ps` and shell history would keep.
import { readFile } from 'node:fs/promises';
import { SettingsError } from '../settings/settings-schema.js';

/** The file's one line; a SettingsError naming `flag` and saying what the file must hold. */
export async function readSecretLine(file: string, flag: string, what: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new SettingsError(
      `${flag}: cannot read ${JSON.stringify(file)} (${code}); give a file holding ${what}`,
    );
  }
  const line = text.replace(/\r?\n$/, '');
  if (line === '' || line.includes('\n')) {
    throw new SettingsError(`${flag}: ${JSON.stringify(file)} must hold one line, ${what}`);
  }
  return line;
}
