// An append-only journal file with group commit: records appended at the same time share one
// write and one fdatasync, and each caller resolves only when its record is on disk. It knows
// nothing of what a record means: the spool's arrivals journal (arrival-journal.ts) and the
// queue's delivery journal (queue/delivery-journal.ts) are both written with it.
//
// Two files in one folder: `<name>.log` takes appends; `<name>.compacting.log` is a journal whose
// records are being folded into the files they describe (renamed from `<name>.log`, so appends
// never wait for the folding). A line is `<crc32 of the JSON, 8 hex digits> <JSON>\n`: a torn
// last line (the process died in the middle of a write) or a damaged one fails its checksum and
// is skipped with a log line, never taken for a record.
import { open, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { unreadableDataFile } from './unreadable-data-file.js';
import { crashesNext, crashPoint } from '../queue/crash-point.js';
import { removeCrashLeftovers } from './crash-leftovers.js';
import {
  makeFolder,
  needsDatasync,
  rewrittenSyncedFileFlags,
  syncFolder,
  writeAll,
  writeFilesDurably,
} from './durable-file.js';

export function journalLine(json: string): string {
  return `${crc32(json).toString(16).padStart(8, '0')} ${json}\n`;
}

/** The JSON of a line whose checksum holds, or null. */
export function journalLineJson(line: string): string | null {
  if (line.charCodeAt(8) !== 32) return null;
  const json = line.slice(9);
  return crc32(json).toString(16).padStart(8, '0') === line.slice(0, 8) ? json : null;
}

export interface JournalFileHooks {
  /** Prefix of its crash points for the kill -9 tests (`<prefix>-append`…); the label's if unset. */
  crashPrefix?: string;
  /** While true nothing is written (a kill -9 test's state change that never reached the disk). */
  held?: () => boolean;
}

export class JournalFile {
  private handle: FileHandle | null = null;
  /** Open for appends (also while the active file is being swapped). */
  private accepting = false;
  /** Bytes committed to the active file since it was started. */
  size = 0;
  /**
   * How many times the active file was moved aside (swap): a record appended while this was N is
   * in the folding journal once it is more than N, and gone with it once that is dropped.
   */
  generation = 0;
  private pending: string[] = [];
  private waiters: Array<{
    resolve: (generation: number) => void;
    reject: (err: Error) => void;
    onDisk?: () => void;
  }> = [];
  private committing: Promise<void> | null = null;
  /** Set while the active file is renamed away and opened fresh: appends wait for it. */
  private swapping: Promise<void> | null = null;
  /**
   * A folding journal is on disk whose records are not all in their files yet (its folding
   * failed: a full disk): it must not be renamed over until a folding has done them.
   */
  private unfolded = false;
  /** The last folding begun in the background failed (said once until one works again). */
  private foldFailing = false;

  constructor(
    readonly dir: string,
    readonly name: string,
    private readonly log: (line: string) => void,
    /** Names it in log lines, and its crash points for the kill -9 tests (`<label>-append`…). */
    private readonly label: string,
    /** A line written first into every new active file (e.g. when this run began). */
    private readonly header: () => string,
    private readonly hooks: JournalFileHooks = {},
  ) {}

  private get crashPrefix(): string {
    return this.hooks.crashPrefix ?? this.label;
  }

  get activePath(): string {
    return join(this.dir, `${this.name}.log`);
  }

  get compactingPath(): string {
    return join(this.dir, `${this.name}.compacting.log`);
  }

  get isOpen(): boolean {
    return this.accepting;
  }

  /**
   * The JSON of every sound record a crash or an unfinished folding left, the folding journal's
   * first (it is the older), in the order written.
   */
  async leftOver(): Promise<string[]> {
    await makeFolder(this.dir);
    const records: string[] = [];
    for (const path of [this.compactingPath, this.activePath])
      records.push(...(await this.recordsIn(path)));
    return records;
  }

  /** The JSON of every sound record in the journal being folded (none when there is none). */
  foldingRecords(): Promise<string[]> {
    return this.recordsIn(this.compactingPath);
  }

  private async recordsIn(path: string): Promise<string[]> {
    const records: string[] = [];
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return records;
      throw unreadableDataFile(`${this.label} journal`, path, err);
    }
    const lines = text.split('\n');
    // a complete file ends with a newline: the last piece is then empty
    const last = lines.pop() ?? '';
    if (last !== '') lines.push(last);
    for (const [i, line] of lines.entries()) {
      const json = journalLineJson(line);
      if (json !== null) {
        records.push(json);
        continue;
      }
      const torn = i === lines.length - 1 && last !== '';
      this.log(
        torn
          ? `${this.label} journal: ignored a torn last record (${line.length} bytes) in ${path}`
          : `${this.label} journal: ignored a damaged record (line ${i + 1}) in ${path}`,
      );
    }
    return records;
  }

  /**
   * Removes what leftOver() read (once it is folded in) and starts an empty active file. With
   * `keep`, those records are not folded in yet: they become the folding journal (one synced
   * write, renamed into place), which the caller folds in the background like a swapped one.
   */
  async start(keep: readonly string[] = []): Promise<void> {
    // the temporary file of such a write that a crash cut short
    await removeCrashLeftovers(this.dir);
    if (keep.length > 0) {
      // on disk (its name too) before the active file, whose records it holds too, is emptied
      const data = keep.map((json) => journalLine(json)).join('');
      await writeFilesDurably([{ path: this.compactingPath, data }]);
      this.unfolded = true;
    } else {
      await unlink(this.compactingPath).catch(ignoreMissing);
    }
    try {
      await this.openActive();
    } catch (err) {
      // not accepting, so close() would not be called: the handle, if the folder's fsync
      // failed after the open, goes now (the journal's records stay on disk for the next start)
      const handle = this.handle;
      this.handle = null;
      await handle?.close().catch(() => undefined);
      throw err;
    }
    this.accepting = true;
  }

  private async openActive(): Promise<void> {
    // O_DSYNC: each write returns when it is on disk, one call per batch instead of two
    const handle = await open(this.activePath, rewrittenSyncedFileFlags, 0o600);
    const header = journalLine(this.header());
    try {
      await writeAll(handle, header);
    } catch (err) {
      // (a full disk) nothing holds the handle yet: closed here, not by the garbage collector
      await handle.close().catch(() => undefined);
      throw err;
    }
    this.handle = handle;
    this.size = Buffer.byteLength(header);
    await syncFolder(this.dir);
  }

  /**
   * Appends one record (its JSON); resolves when it is on disk, with the file's generation.
   * `onDisk` runs as soon as the record is on disk, before anything awaiting settled() or a swap
   * goes on (a resolved promise would run it some ticks later): what must never be ahead of the
   * journal (the index) is told there.
   */
  append(json: string, onDisk?: () => void): Promise<number> {
    if (!this.accepting) return Promise.reject(new Error(`the ${this.label} journal is closed`));
    this.pending.push(journalLine(json));
    const done = new Promise<number>((resolve, reject) =>
      this.waiters.push(onDisk ? { resolve, reject, onDisk } : { resolve, reject }),
    );
    if (!this.swapping && !this.hooks.held?.()) this.committing ??= this.commitLoop();
    return done;
  }

  /** One write and one fdatasync for everything appended since the last commit. */
  private async commitLoop(): Promise<void> {
    try {
      // (a swap waits only for the batch being written, not for a load that never pauses)
      while (this.pending.length > 0 && !this.swapping) {
        const lines = this.pending;
        const waiters = this.waiters;
        this.pending = [];
        this.waiters = [];
        const handle = this.handle;
        try {
          if (!handle) throw new Error(`the ${this.label} journal is closed`);
          const data = lines.join('');
          const point = `${this.crashPrefix}-append`;
          if (crashesNext(point)) {
            // a batch cut short in its last record, as a power cut in the middle of the write
            // leaves it
            await handle.write(data.slice(0, Math.max(1, data.length - 16)), this.size);
          }
          crashPoint(point);
          // at the end of the last whole batch, whatever a failed one left after it
          await writeAll(handle, data, this.size);
          if (needsDatasync) await handle.datasync();
          crashPoint(`${this.crashPrefix}-written`);
          this.size += Buffer.byteLength(data);
          crashPoint(`${this.crashPrefix}-appended`);
          for (const w of waiters) {
            try {
              w.onDisk?.();
            } catch (err) {
              w.reject(err as Error);
              continue;
            }
            w.resolve(this.generation);
          }
        } catch (err) {
          // a full disk may have taken part of the batch before failing: cut back to the last
          // whole batch, so that no rejected record is read back after a crash (the next batch
          // is written there in any case)
          await handle
            ?.truncate(this.size)
            .then(() => handle.datasync())
            .catch(() => undefined);
          for (const w of waiters) w.reject(err as Error);
        }
      }
    } finally {
      this.committing = null;
    }
  }

  /** Resolves when every record appended so far is committed (or failed). */
  async settled(): Promise<void> {
    while (this.committing) await this.committing;
  }

  /**
   * Moves the active file aside as the folding journal and starts a fresh one; appends made
   * meanwhile wait and go into the fresh one. The caller folds, then calls dropCompacting().
   * While an earlier folding journal is still there (its folding failed), both stay as they are:
   * the caller's folding covers the records of both, and the next swap moves the active file.
   */
  async swap(): Promise<void> {
    if (!this.handle || this.swapping || this.unfolded) return;
    const swapping = (async () => {
      await this.settled();
      const old = this.handle;
      if (!old) return;
      this.handle = null;
      await old.close();
      await rename(this.activePath, this.compactingPath);
      this.generation++;
      this.unfolded = true;
      await this.openActive();
    })();
    this.swapping = swapping;
    try {
      await swapping;
    } finally {
      this.swapping = null;
      if (this.pending.length > 0 && !this.hooks.held?.()) this.committing ??= this.commitLoop();
    }
  }

  /**
   * Runs the owner's folding in the background (the journal grew past its threshold, or a crash
   * left records to fold). A failure (a full disk) is said once until a folding works again,
   * never thrown: the records stay in the journal, and the next folding tries again.
   */
  inBackground(fold: () => Promise<void>): void {
    fold().then(
      () => (this.foldFailing = false),
      (err: Error) => {
        if (this.foldFailing) return;
        this.foldFailing = true;
        this.log(
          `${this.label} journal: folding into the sidecars failed (${err.message}); tried again later, its records kept in the journal meanwhile`,
        );
      },
    );
  }

  /** The folded journal is no longer needed: its records are in their own files. */
  async dropCompacting(): Promise<void> {
    await unlink(this.compactingPath).catch(ignoreMissing);
    this.unfolded = false;
  }

  /** At a clean stop, after everything is folded: no journal is left for the next start. */
  async close(): Promise<void> {
    this.accepting = false;
    await this.settled();
    while (this.swapping) await this.swapping;
    const handle = this.handle;
    this.handle = null;
    await handle?.close();
    await unlink(this.activePath).catch(ignoreMissing);
    await this.dropCompacting();
  }
}

function ignoreMissing(err: NodeJS.ErrnoException): void {
  if (err.code !== 'ENOENT') throw err;
}
