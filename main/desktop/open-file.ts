// A file given on the command line (a second launch, "Open with Relaydesk", a file association):
// an .eml or an Outlook .msg opens in the "Analyze headers" view.
import { isUtf8 } from 'node:buffer';
import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { isCompoundFile, outlookMessageHeaders } from '../../preload/outlook-msg.js';

/** Largest file read for analysis: the headers are what matter, and they come first. */
export const analyzeFileLimit = 25 * 1024 * 1024;

/** The last argument that names an .eml or .msg file, resolved against the launch's folder. */
export function emlArgument(argv: readonly string[], cwd: string): string | null {
  for (let i = argv.length - 1; i >= 1; i--) {
    const arg = argv[i] as string;
    if (!arg.startsWith('-') && /\.(eml|msg)$/i.test(arg)) return resolve(cwd, arg);
  }
  return null;
}

export class OpenFileError extends Error {
  override name = 'OpenFileError';
}

/**
 * The file's text; a file that is not UTF-8 (an 8-bit Latin-1 body) as one character a byte
 * (`encoding: 'latin1'`), so Analyze verifies DKIM over the bytes the sender signed.
 */
export async function readEmlForAnalysis(
  path: string,
): Promise<{ name: string; text: string; encoding?: 'latin1' }> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new OpenFileError(`${path} is not a file; give an .eml or .msg file`);
    size = info.size;
  } catch (err) {
    if (err instanceof OpenFileError) throw err;
    throw new OpenFileError(
      `cannot open ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'}); give an .eml or .msg file that exists`,
    );
  }
  if (size > analyzeFileLimit) {
    throw new OpenFileError(
      `${path} is ${Math.round(size / 1024 / 1024)} MB; Relaydesk analyzes files up to 25 MB (paste its headers instead)`,
    );
  }
  const bytes = await readFile(path);
  if (isCompoundFile(bytes)) {
    const read = outlookMessageHeaders(bytes, `“${basename(path)}”`);
    if ('error' in read) throw new OpenFileError(read.error);
    return { name: basename(path), text: read.text };
  }
  if (isUtf8(bytes)) return { name: basename(path), text: bytes.toString('utf8') };
  return { name: basename(path), text: bytes.toString('latin1'), encoding: 'latin1' };
}
