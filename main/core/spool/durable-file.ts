// Durable writes: what the relay acknowledges with 250 must survive a crash or power loss. Each
// file is written under a temporary name, fsynced, renamed into place, and the folder is fsynced
// so the rename itself is on disk (the Postfix and E-MailRelay way).
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

export const tempSuffix = '.tmp';

// Each write gets its own temporary name: two writes of the same file at once (two updates of one
// sidecar) must never share, and truncate, one temporary file.
let tempCounter = 0;

export function tempPathFor(path: string): string {
  tempCounter = (tempCounter + 1) % Number.MAX_SAFE_INTEGER;
  return `${path}.${process.pid}-${tempCounter.toString(36)}${tempSuffix}`;
}

async function writeAndSync(
  path: string,
  data: Uint8Array | string | Promise<Uint8Array | string>,
): Promise<void> {
  const handle = await open(path, 'w', 0o600);
  try {
    await handle.writeFile(await data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export type DurableWrite =
  | {
      path: string;
      /** A promise lets one file be written and synced while the content of another is computed. */
      data: Uint8Array | string | Promise<Uint8Array | string>;
    }
  | {
      path: string;
      /** A file already written under a temporary name (from tempPathFor), renamed to `path`. */
      written: { path: string; sync(): Promise<void> };
    };

/**
 * Writes several files durably, renaming them in the order given, then syncs their folder once.
 * A crash leaves either the temporary files (removed at the next start) or a prefix of the
 * renames, which is why callers put the file that makes a message visible last.
 */
export async function writeFilesDurably(files: DurableWrite[]): Promise<void> {
  const temps = files.map((f) => ('written' in f ? f.written.path : tempPathFor(f.path)));
  try {
    // every write settles before the temporaries are removed: a content promise that rejects
    // early (a refused message) must not leave a temporary that another write is still creating
    const written = await Promise.allSettled(
      files.map((f, i) =>
        'written' in f ? f.written.sync() : writeAndSync(temps[i] as string, f.data),
      ),
    );
    const failed = written.find((w) => w.status === 'rejected');
    if (failed) throw failed.reason;
    for (const [i, f] of files.entries()) await rename(temps[i] as string, f.path);
  } catch (err) {
    await Promise.all(temps.map((t) => unlink(t).catch(() => undefined)));
    throw err;
  }
  const folders = new Set(files.map((f) => dirname(f.path)));
  for (const folder of folders) await syncFolder(folder);
}

/**
 * Creates a folder and its missing parents. Node 20's `mkdir(…, {recursive: true})` never returns
 * on a path under /proc (mkdir there answers ENOENT while the parent exists, and it retries
 * forever), so a bad --data would hang the start instead of failing it; this walk cannot loop.
 */
export async function makeFolder(path: string): Promise<void> {
  try {
    await mkdir(path, { mode: 0o700 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      if ((await stat(path)).isDirectory()) return;
      throw Object.assign(new Error(`${path} is not a folder`), { code: 'ENOTDIR' });
    }
    const parent = dirname(path);
    if (code !== 'ENOENT' || parent === path) throw err;
    await makeFolder(parent);
    await mkdir(path, { mode: 0o700 }).catch((again: NodeJS.ErrnoException) => {
      if (again.code !== 'EEXIST') throw again;
    });
  }
}
