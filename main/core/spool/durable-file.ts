// Durable writes: what the relay acknowledges with 250 must survive a crash or power loss. Each
// file is written under a temporary name, fsynced, renamed into place, and the folder is fsynced
// so the rename itself is on disk (the Postfix and E-MailRelay way).
import { constants } from 'node:fs';
import { mkdir, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Flags for a new file written once and synced: with O_DSYNC the write returns only when the
 * bytes (and the size) are on disk, as fdatasync would make them, in one call instead of two.
 * Where the platform has no O_DSYNC (Windows) the caller fdatasyncs (needsDatasync).
 */
export const newSyncedFileFlags =
  constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_DSYNC ?? 0);
/** The same, for a file that may already be there (it is overwritten). */
export const rewrittenSyncedFileFlags =
  constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | (constants.O_DSYNC ?? 0);
export const needsDatasync = !constants.O_DSYNC;

/** What is left of `chunks` once their first `written` bytes are on disk. */
function unwritten(chunks: readonly Uint8Array[], written: number): Uint8Array[] {
  const left: Uint8Array[] = [];
  let skip = written;
  for (const chunk of chunks) {
    if (skip >= chunk.length) skip -= chunk.length;
    else {
      left.push(skip > 0 ? chunk.subarray(skip) : chunk);
      skip = 0;
    }
  }
  return left;
}

/**
 * Writes every byte of `data`, at `position` or else at the file's offset. write(2) may write
 * only part when the disk fills or a file size limit is reached (the next write then fails with
 * ENOSPC or EFBIG), and FileHandle's write and writev return that count without going on: a
 * short write taken for a whole one had a message acknowledged with its end cut off.
 */
export async function writeAll(
  handle: FileHandle,
  data: string | Uint8Array | readonly Uint8Array[],
  position?: number,
): Promise<void> {
  let chunks: Uint8Array[] =
    typeof data === 'string'
      ? [Buffer.from(data)]
      : isChunkList(data)
        ? data.filter((chunk) => chunk.length > 0)
        : [data];
  let at = position;
  while (chunks.length > 0) {
    const first = chunks[0] as Uint8Array;
    const { bytesWritten } =
      chunks.length === 1
        ? await handle.write(first, 0, first.length, at ?? null)
        : await handle.writev(chunks, at);
    // (a regular file's write either writes something or fails: never loop on nothing)
    if (bytesWritten === 0) throw new Error('the disk took none of the bytes written');
    if (at !== undefined) at += bytesWritten;
    chunks = unwritten(chunks, bytesWritten);
  }
}

function isChunkList(data: Uint8Array | readonly Uint8Array[]): data is readonly Uint8Array[] {
  return Array.isArray(data);
}

/** Writes `data` to a new (or overwritten) file and closes it; resolves when it is on disk. */
export async function writeSyncedFile(
  path: string,
  data: Uint8Array | string | readonly Uint8Array[],
  flags: number = newSyncedFileFlags,
  /** Called once the file's name is in its folder (a folder fsync may begin). */
  onCreated?: () => void,
): Promise<void> {
  const handle = await open(path, flags, 0o600);
  onCreated?.();
  try {
    if (typeof data !== 'string' && isChunkList(data)) await writeAll(handle, data);
    else await handle.writeFile(data);
    if (needsDatasync) await handle.datasync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes small files durably off the SMTP thread, in batches (the parse worker does: see
 * message-parser.ts): resolved once the file's bytes and its name in its folder are on disk.
 */
export interface SyncedFileWriter {
  write(path: string, data: Uint8Array | string, options?: WriteOptions): Promise<void>;
  /**
   * Makes a file written `unsynced` durable: its fdatasync (and its folder's fsync, shared by a
   * batch). A file removed meanwhile needs nothing: resolved as well.
   */
  datasync(path: string, options?: { background?: boolean }): Promise<void>;
}

export interface WriteOptions {
  /** The file may exist already (it is overwritten in place); else it must be new. */
  overwrite?: boolean;
  /**
   * The file is replaced whole: written under a temporary name, synced, renamed over the old
   * one, so that a crash leaves the old file or the new, never a torn one.
   */
  replace?: boolean;
  /** Written when nothing else waits for the writer (a folded sidecar, not an arrival). */
  background?: boolean;
  /**
   * Only into the page cache: resolved once written, with no fdatasync and no folder fsync. For
   * a new message's .eml whose bytes the arrivals journal holds until datasync() has run.
   */
  unsynced?: boolean;
}

/** fdatasync of a file already written (a missing one needs nothing), on this thread's pool. */
export async function datasyncFile(path: string): Promise<void> {
  let handle: FileHandle;
  try {
    // read and write: Windows flushes only a handle that may write
    handle = await open(path, 'r+');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

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
    // a new file under a name of its own: fdatasync still writes the size and the blocks (all a
    // reader needs); only the times it would skip
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

let folderFsyncs = 0;

/** Folder fsyncs done by this process so far (for tests and diagnostics of the group commit). */
export function folderFsyncCount(): number {
  return folderFsyncs;
}

async function fsyncFolder(folder: string): Promise<void> {
  folderFsyncs++;
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A folder kept open (the spool's, for as long as it takes mail): one fsync call per sync. */
export async function openFolder(folder: string): Promise<HeldFolder> {
  return new HeldFolder(await open(folder, 'r'));
}

export class HeldFolder {
  private readonly committer: FolderCommitter;

  constructor(private readonly handle: FileHandle) {
    this.committer = new FolderCommitter(
      () => {
        folderFsyncs++;
        return this.handle.sync();
      },
      () => undefined,
    );
  }

  /** As syncFolder: resolves once an fsync that began after this call has finished. */
  sync(): Promise<void> {
    return this.committer.sync();
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

/**
 * Group commit of folder fsyncs. An fsync that is already running may have begun before the
 * caller's rename, so it does not count for that caller; every caller that comes while one runs
 * waits for the next, which all of them share. Ten arrivals at once thus cost two folder fsyncs,
 * not ten, and each still returns only after an fsync that began after its own rename.
 */
class FolderCommitter {
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;

  constructor(
    private readonly fsync: () => Promise<void>,
    private readonly onIdle: () => void,
  ) {}

  sync(): Promise<void> {
    if (this.next) return this.next;
    if (!this.running) return this.start();
    const next = this.running
      .catch(() => undefined)
      .then(() => {
        this.next = null;
        return this.start();
      });
    this.next = next;
    return next;
  }

  private start(): Promise<void> {
    const run: Promise<void> = this.fsync().finally(() => {
      if (this.running !== run) return;
      this.running = null;
      if (!this.next) this.onIdle();
    });
    this.running = run;
    return run;
  }
}

const committers = new Map<string, FolderCommitter>();

/**
 * Makes the renames done in `folder` so far durable: resolves once an fsync of the folder that
 * began after this call has finished (shared with the callers that come while one is running).
 */
export function syncFolder(folder: string): Promise<void> {
  let committer = committers.get(folder);
  if (!committer) {
    const created = new FolderCommitter(
      () => fsyncFolder(folder),
      () => {
        if (committers.get(folder) === created) committers.delete(folder);
      },
    );
    committers.set(folder, created);
    committer = created;
  }
  return committer.sync();
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
