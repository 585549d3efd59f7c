// A file given on the command line (a second launch, "Open with Relaydesk", a file association):
// an .eml opens in the "Analyze headers" view.
import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';

/** Largest file read for analysis: the headers are what matter, and they come first. */
export const analyzeFileLimit = 25 * 1024 * 1024;

/** The last argument that names an .eml file, resolved against the launch's folder. */
export function emlArgument(argv: readonly string[], cwd: string): string | null {
  for (let i = argv.length - 1; i >= 1; i--) {
    const arg = argv[i] as string;
    if (!arg.startsWith('-') && /\.eml$/i.test(arg)) return resolve(cwd, arg);
  }
  return null;
}

export class OpenFileError extends Error {
  override name = 'OpenFileError';
}

export async function readEmlForAnalysis(path: string): Promise<{ name: string; text: string }> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new OpenFileError(`${path} is not a file; give an .eml file`);
    size = info.size;
  } catch (err) {
    if (err instanceof OpenFileError) throw err;
    throw new OpenFileError(
      `cannot open ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'}); give an .eml file that exists`,
    );
  }
  if (size > analyzeFileLimit) {
    throw new OpenFileError(
      `${path} is ${Math.round(size / 1024 / 1024)} MB; Relaydesk analyzes files up to 25 MB (paste its headers instead)`,
    );
  }
  return { name: basename(path), text: (await readFile(path)).toString('utf8') };
}
