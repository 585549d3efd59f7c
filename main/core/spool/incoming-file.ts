// A message being received, written to the spool folder as it arrives, under a temporary name
// (removed at the next start if the process dies before it is renamed): a large message is never
// held in memory whole. The spool syncs and renames it into place before the 250
// (Spool.storeWhile); until then it is not a message, and `discard` removes it.
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { tempPathFor } from './durable-file.js';

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

export class IncomingFile {
  /** Bytes written so far. */
  size = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private headParts: Buffer[] = [];
  private headBytes = 0;
  private headDone = false;
  private handle: FileHandle | null;
  private discarded = false;
  private syncedUpTo = 0;
  private background: Promise<void> | null = null;

  private constructor(
    /** The temporary file's path: readable until it is renamed or discarded. */
    readonly path: string,
    handle: FileHandle,
  ) {
    this.handle = handle;
  }

  /** Creates the temporary file for message `id` in `folder` (the spool's messages folder). */
  static async create(folder: string, id: string): Promise<IncomingFile> {
    const path = tempPathFor(join(folder, `${id}.eml`));
    return new IncomingFile(path, await open(path, 'wx', 0o600));
  }

  /** The header block (up to its blank line), or the first MiB of it. */
  get head(): Buffer {
    if (this.headParts.length !== 1) {
      this.headParts = [Buffer.concat(this.headParts, this.headBytes)];
    }
    return this.headParts[0] as Buffer;
  }

  async write(chunk: Buffer): Promise<void> {
    if (chunk.length === 0) return;
    this.keepHead(chunk);
    this.size += chunk.length;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= writeSize) await this.flush();
  }

  /** Writes what is gathered; the file then holds every byte (not yet synced). */
  async flush(): Promise<void> {
    const handle = this.handle;
    if (!handle || this.pendingBytes === 0) return;
    const chunks = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    await handle.writev(chunks);
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

  /** Writes the rest, fsyncs and closes: the bytes are on disk, under the temporary name. */
  async sync(): Promise<void> {
    await this.flush();
    const handle = this.handle;
    if (!handle) {
      if (this.discarded) throw new Error(`${this.path} was discarded`);
      return;
    }
    this.handle = null;
    try {
      await this.background;
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /** Closes and removes the temporary file (nothing of the message stays on disk). */
  async discard(): Promise<void> {
    this.discarded = true;
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
