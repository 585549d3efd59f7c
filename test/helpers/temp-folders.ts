// Folders tests make in the temp folder, removed when their test file ends (test/setup-temp-folders.ts).
// Kept here rather than by a hook in each helper: the files of a fork share their modules
// (vitest.config.ts, `isolate: false`), so a hook a helper module registers when first imported
// would run for the first file of the fork only.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

/** A fresh folder `PREFIX…` in the temp folder, removed when the test file ends. */
export async function madeTempFolder(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes the folders made so far (a fork runs one file at a time). */
export async function removeMadeTempFolders(): Promise<void> {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
}
