// A log file that rotates by size, as logrotate's `size` + `rotate N` would: when the next line
// would take the file past `maxBytes`, relay.log becomes relay.log.1, relay.log.1 becomes
// relay.log.2… and the oldest beyond `keep` generations is removed. Lines are appended in the
// order given. A failing write (a full disk) is reported once until a write succeeds again, so a
// full disk does not turn every log line into an error line.
//
// The file stays open while lines come (an open, a write and a close per line cost the SMTP
// thread more than the line itself under load): lines appended before the write's turn comes go
// out together in one write. The file is closed after a second without lines and by `flush`,
// so a stopped service holds no descriptor; a log removed or moved away by hand is noticed within
// a second and made again.
import { writeSync } from 'node:fs';
import { open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';

export interface RotationSettings {
  /** Rotate when the file would grow beyond this many bytes. */
  maxBytes: number;
  /** Rotated generations kept (relay.log.1 … relay.log.N); 0 keeps none. */
  keep: number;
}

/** How long the file stays open without lines. */
const idleCloseMs = 1000;
/** How often an open file is checked to be still the one at the path. */
const recheckMs = 1000;

export class RotatingLog {
  private size = 0;
  private inode = 0;
  private checkedAt = 0;
  private handle: FileHandle | null = null;
  private chain: Promise<void> = Promise.resolve();
  /** Lines waiting for the next write, and the promise of that write. */
  private pending: string[] = [];
  private batch: Promise<void> | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private failing = false;

  constructor(
    readonly path: string,
    private readonly settings: RotationSettings,
    private readonly onError: (message: string) => void,
  ) {}

  /** Appends one line (a newline is added); resolves when it is written or has failed. */
  append(line: string): Promise<void> {
    this.pending.push(`${line}\n`);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.batch ??= this.chain = this.chain.then(() => this.writeBatch());
    return this.batch;
  }

  /** Resolves when every line appended so far is written (or has failed); closes the file. */
  flush(): Promise<void> {
    this.chain = this.chain.then(() => this.close());
    return this.chain;
  }

  private async writeBatch(): Promise<void> {
    const lines = this.pending;
    this.pending = [];
    this.batch = null;
    try {
      await this.write(lines);
      if (this.failing) this.onError(`${this.path}: writing again`);
      this.failing = false;
    } catch (err) {
      // the size is unknown after a failed write: the file is opened and measured again
      await this.close();
      if (!this.failing) {
        const { code, message } = err as NodeJS.ErrnoException;
        this.onError(
          `${this.path}: cannot write (${code ?? message}); lines are lost until it can`,
        );
      }
      this.failing = true;
    }
    if (!this.batch && this.handle) {
      this.idleTimer = setTimeout(() => {
        this.idleTimer = null;
        if (!this.batch) this.chain = this.chain.then(() => this.close());
      }, idleCloseMs);
      this.idleTimer.unref();
    }
  }

  /** Writes the lines, rotating before the line that would take the file past its size. */
  private async write(lines: string[]): Promise<void> {
    let text = '';
    let bytes = 0;
    for (const line of lines) {
      const lineBytes = Buffer.byteLength(line);
      const handle = await this.opened();
      if (this.size + bytes > 0 && this.size + bytes + lineBytes > this.settings.maxBytes) {
        if (text) this.writeText(handle, text, bytes);
        text = '';
        bytes = 0;
        await this.rotate();
      }
      text += line;
      bytes += lineBytes;
    }
    if (text) this.writeText(await this.opened(), text, bytes);
  }

  /**
   * Written synchronously, as pino's file destination does by default: a few hundred bytes into
   * the page cache cost the SMTP thread less than a trip through libuv's pool and back (CPU per
   * message -4 %, msgs/s +5 % at 2 KB × 10 sessions, four interleaved pairs). A disk that blocks
   * buffered writes would hold the event loop; the log is on the local data folder.
   */
  private writeText(handle: FileHandle, text: string, bytes: number): void {
    const data = Buffer.from(text, 'utf8');
    for (let done = 0; done < data.length;) done += writeSync(handle.fd, data, done);
    this.size += bytes;
  }

  private async opened(): Promise<FileHandle> {
    if (this.handle && Date.now() - this.checkedAt >= recheckMs) {
      // removed or moved away by hand (tail -F's check): lines go to a new file at the path
      this.checkedAt = Date.now();
      const current = await stat(this.path).then(
        (s) => s.ino,
        () => -1,
      );
      if (current !== this.inode) await this.close();
    }
    if (this.handle) return this.handle;
    const handle = await open(this.path, 'a', 0o600);
    try {
      const info = await handle.stat();
      this.size = info.size;
      this.inode = info.ino;
      this.checkedAt = Date.now();
    } catch (err) {
      await handle.close();
      throw err;
    }
    this.handle = handle;
    return handle;
  }

  private async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const handle = this.handle;
    this.handle = null;
    await handle?.close().catch(() => undefined);
  }

  private async rotate(): Promise<void> {
    await this.close();
    const { keep } = this.settings;
    const ignoreMissing = (err: NodeJS.ErrnoException): void => {
      if (err.code !== 'ENOENT') throw err;
    };
    if (keep === 0) {
      await unlink(this.path).catch(ignoreMissing);
    } else {
      await unlink(`${this.path}.${keep}`).catch(ignoreMissing);
      for (let n = keep - 1; n >= 1; n--) {
        await rename(`${this.path}.${n}`, `${this.path}.${n + 1}`).catch(ignoreMissing);
      }
      await rename(this.path, `${this.path}.1`).catch(ignoreMissing);
    }
    this.size = 0;
  }
}
