// A message being received, written to the spool folder as it arrives, straight under its own
// name: a large message is never held in memory whole. Until the arrivals journal has its record
// (Spool.storeWhile) it is not a message: `discard` removes it, and after a crash the next start
// does (no record names it). A small message (kept whole in memory anyway, see keepBelow) is
// written only when it is synced, in one synchronous write: open, write, close.
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import {
  writeAll,
  writeSyncedFile,
  type SyncedFileWriter,
  type WriteOptions,
} from './durable-file.js';

/** Small chunks are gathered into writes of this size: one syscall per 256 KiB, not per packet. */
const writeSize = 256 * 1024;
/**
 * The header block is kept in memory for what reads only headers (the loop guard, X-Tags, the
 * summary of an unreadable message); beyond this size a header block is cut there.
 */
const headLimit = 1024 * 1024;
const blankLine = Buffer.from('\r\n\r\n');
/**
 * While a large message arrives, what is written is flushed to the disk every so many bytes, in
 * the background: the fsync before the 250 then has only the last part left to write.
 */
const syncEvery = 8 * 1024 * 1024;
/**
 * A message up to this size is also kept in memory until it is synced, for the parse worker,
 * which then writes it too (see message-parser.ts): copying it to the worker costs less than the
 * pool's writes here and the worker's open and reads of the file. Up to the size of one write,
 * so such a message is never on disk before it is synced. At 100 KB × 10 sessions: CPU per
 * message 5–8 % lower, half the context switches, against 64 KiB (bench, interleaved runs).
 */
export const keepBelow = writeSize;

export class IncomingFile {
  /** Bytes written so far. */
  size = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private headParts: Buffer[] = [];
  private headBytes = 0;
  private headDone = false;
  private handle: FileHandle | null = null;
  private discarded = false;
  private synced = false;
  private syncedUpTo = 0;
  /** Every chunk written, while the message is small (see keepBelow); null beyond. */
  private kept: Buffer[] | null = [];
  private background: Promise<void> | null = null;

  private constructor(
    /**
     * The file's path: readable until it is discarded, once `bytes` is null (a message kept in
     * memory is read from there until it is on disk).
     */
    readonly path: string,
  ) {}

  /** The .eml of message `id` in `folder` (the spool's messages folder), created when written. */
  static create(folder: string, id: string): Promise<IncomingFile> {
    return Promise.resolve(new IncomingFile(join(folder, `${id}.eml`)));
  }

  /** The header block (up to its blank line), or the first MiB of it. */
  get head(): Buffer {
    if (this.headParts.length !== 1) {
      this.headParts = [Buffer.concat(this.headParts, this.headBytes)];
    }
    return this.headParts[0] as Buffer;
  }

  /** The whole message, when it is small and not yet synced; null otherwise (read the file). */
  get bytes(): Buffer | null {
    if (!this.kept) return null;
    if (this.kept.length !== 1) this.kept = [Buffer.concat(this.kept, this.size)];
    return this.kept[0] ?? Buffer.alloc(0);
  }

  async write(chunk: Buffer): Promise<void> {
    if (chunk.length === 0) return;
    this.keepHead(chunk);
    this.size += chunk.length;
    if (this.kept) {
      if (this.size <= keepBelow) this.kept.push(chunk);
      else this.kept = null;
    }
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= writeSize) await this.flush();
  }

  /**
   * The end of the data: what is gathered is written, unless the whole message is kept in memory
   * (then sync() writes it). Readers have every byte, from `bytes` or from the file.
   */
  async finish(): Promise<void> {
    if (!this.kept) await this.flush();
  }

  /** Writes what is gathered; the file then holds every byte (not yet synced). */
  async flush(): Promise<void> {
    if (this.pendingBytes === 0 || this.discarded || this.synced) return;
    this.handle ??= await open(this.path, 'wx', 0o600);
    const handle = this.handle;
    const chunks = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    await writeAll(handle, chunks);
    if (!this.background && this.size - this.syncedUpTo >= syncEvery) {
      const upTo = this.size;
      this.background = handle.datasync().then(
        () => {
          this.syncedUpTo = upTo;
          this.background = null;
        },
        () => {
          // the final fsync reports what went wrong
          this.background = null;
        },
      );
    }
  }

  /**
   * Writes the rest, fsyncs and closes: the bytes are on disk. `onCreated`: see writeSyncedFile.
   * A message never written yet goes whole through `writer` if there is one (which syncs its
   * folder entry too: `onCreated` is not called), with `options` (`unsynced`: into the page cache
   * only, when the arrivals journal's line carries the bytes: see `unwritten`).
   */
  async sync(
    onCreated?: () => void,
    writer?: SyncedFileWriter,
    options?: WriteOptions,
  ): Promise<void> {
    if (this.discarded) throw new Error(`${this.path} was discarded`);
    if (this.synced) return;
    if (!this.handle) {
      // never written: the whole message in one synced write
      // never flushed, so kept whole: the same bytes the parse got (one copy to the worker)
      if (writer) await writer.write(this.path, this.bytes ?? Buffer.concat(this.pending), options);
      else await writeSyncedFile(this.path, this.pending, undefined, onCreated);
      this.synced = true;
      this.pending = [];
      this.pendingBytes = 0;
      this.kept = null;
      return;
    }
    await this.flush();
    onCreated?.();
    const handle = this.handle;
    this.handle = null;
    this.synced = true;
    this.kept = null;
    try {
      await this.background;
      // a new file: fdatasync writes its size and blocks too (see writeAndSync)
      await handle.datasync();
    } finally {
      await handle.close();
    }
  }

  /**
   * The whole message if none of it is written yet (small, kept in memory): what the arrivals
   * journal may carry instead of a synced .eml. Null once written or when large.
   */
  get unwritten(): Buffer | null {
    return this.handle || this.synced || this.discarded ? null : this.bytes;
  }

  /** Closes and removes the file (nothing of the message stays on disk). */
  async discard(): Promise<void> {
    this.discarded = true;
    this.kept = null;
    this.pending = [];
    this.pendingBytes = 0;
    const handle = this.handle;
    this.handle = null;
    await this.background;
    await handle?.close().catch(() => undefined);
    await unlink(this.path).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }

  private keepHead(chunk: Buffer): void {
    if (this.headDone) return;
    // the blank line may straddle chunks: look from three bytes before this chunk
    const previous = this.head;
    const overlap = previous.subarray(Math.max(0, previous.length - 3));
    const end = Buffer.concat([overlap, chunk]).indexOf(blankLine);
    const take = end === -1 ? chunk.length : Math.max(0, end + blankLine.length - overlap.length);
    const room = headLimit - this.headBytes;
    const part = chunk.subarray(0, Math.min(take, room));
    this.headParts.push(part);
    this.headBytes += part.length;
    if (end !== -1 || this.headBytes >= headLimit) this.headDone = true;
  }
}
