// The spool: one raw .eml (the bytes received, with our Received header first) and one JSON
// sidecar per message. A new message's sidecar goes first into the arrivals journal
// (arrival-journal.ts), whose line is what makes the message exist: the .eml is written straight
// under its own name, and a crash never lists half a message. The journal is folded into the
// sidecars later, off the SMTP path; until then readers take the record from the journal.
import { constants } from 'node:fs';
import { access, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ReportedFailure } from '../reported-failure.js';
import type { MessageRecord } from '../message-record.js';
import { crashesNext, crashPoint } from '../queue/crash-point.js';
import { ArrivalJournal, journalRawBelow } from './arrival-journal.js';
import {
  makeFolder,
  openFolder,
  tempSuffix,
  writeFilesDurably,
  writeSyncedFile,
  type HeldFolder,
  type SyncedFileWriter,
} from './durable-file.js';
import { IncomingFile, keepBelow } from './incoming-file.js';
import { isMessageId } from './message-id.js';
import { sourceSize, type MessageSource } from './message-source.js';
import { readSidecar, sidecarVersion } from './sidecar-schema.js';
import { unreadableMessage } from './unreadable-message.js';

export interface QuarantinedFile {
  file: string;
  reason: string;
}

export interface SpoolLoadResult {
  records: MessageRecord[];
  quarantined: QuarantinedFile[];
}

/** The record of a message committed by its intake, from that intake and the .eml's bytes. */
export type RecordCompleter = (intake: unknown, raw: Buffer) => Promise<MessageRecord>;

export class SpoolError extends Error {
  override name = 'SpoolError';
}

/** Where the messages are, under the data folder. */
export function spoolFolder(dataDir: string): string {
  return join(dataDir, 'spool');
}

export class Spool {
  readonly messagesDir: string;
  readonly quarantineDir: string;
  /**
   * The folder's modification time (ns) when open() found it, before its write probe touched
   * it: the index's start-up compares it with the one recorded at its clean stop.
   */
  folderMtimeNs: bigint | null = null;
  /** The last pending write of each message, so writes of one message run in call order. */
  private readonly writes = new Map<string, Promise<void>>();
  readonly arrivals: ArrivalJournal;
  /** The messages folder, open while the spool takes mail: its fsyncs need no open and close. */
  private heldFolder: HeldFolder | null = null;
  /** Makes a record from its intake and the message's bytes (the service's record builder). */
  private completer: RecordCompleter | null = null;

  constructor(
    readonly dataDir: string,
    private readonly log: (line: string) => void = () => undefined,
    /** Where small new files (a message's .eml, folded sidecars) are written; else here. */
    private readonly writer?: SyncedFileWriter,
  ) {
    this.messagesDir = spoolFolder(dataDir);
    this.quarantineDir = join(dataDir, 'quarantine');
    this.arrivals = new ArrivalJournal({
      dataDir,
      messagesDir: this.messagesDir,
      log: (line) => this.log(line),
      folder: () => this.folder,
      inOrder: (id, work) => this.inOrder(id, work),
      quarantine: async (file, reason) => {
        await this.quarantine(file, reason, []);
        this.log(`spool: moved ${file} to quarantine: ${reason}`);
      },
      writer,
      complete: async (intake, raw) => {
        if (!this.completer) throw new SpoolError('the spool was opened without a record builder');
        return this.sidecarText(await this.completer(intake, raw));
      },
    });
  }

  /**
   * How a message committed by its intake gets its record after a crash (before open()): the
   * intake as stored by storeWhile, and the .eml's bytes.
   */
  completeArrivalsWith(completer: RecordCompleter): void {
    this.completer = completer;
  }

  /** Creates the folders and proves they are writable, so a bad --data fails at start. */
  async open(): Promise<void> {
    try {
      await makeFolder(this.messagesDir);
      await makeFolder(this.quarantineDir);
      await access(this.messagesDir, constants.W_OK);
      this.folderMtimeNs = (await stat(this.messagesDir, { bigint: true })).mtimeNs;
      const probe = join(this.messagesDir, `.write-probe-${process.pid}`);
      await writeFilesDurably([{ path: probe, data: '' }]);
      await unlink(probe);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new SpoolError(
        `--data: cannot write to ${JSON.stringify(this.dataDir)} (${code}); choose a folder you can write to`,
      );
    }
    const folder = await openFolder(this.messagesDir);
    this.heldFolder = folder;
    try {
      // what a crash left in the journal becomes sidecars before anything reads the spool
      await this.arrivals.open();
    } catch (err) {
      // a spool that did not open is not closed by its owner: the folder's handle goes now, or
      // it stayed open until the garbage collector closed it
      this.heldFolder = null;
      await folder.close().catch(() => undefined);
      throw err;
    }
  }

  private get folder(): HeldFolder {
    if (!this.heldFolder) throw new SpoolError('the spool is not open');
    return this.heldFolder;
  }

  /** At a clean stop: the journal folded into the sidecars (none is left for the next start). */
  async close(): Promise<void> {
    try {
      await this.arrivals.close();
    } finally {
      // the folder's handle is let go even when the folding failed (a full disk): else it
      // stayed open until the garbage collector closed it
      const folder = this.heldFolder;
      this.heldFolder = null;
      await folder?.close();
    }
  }

  /** True while a message's files are being written or removed (the index's checkpoint waits). */
  get writing(): boolean {
    return this.writes.size > 0;
  }

  emlPath(id: string): string {
    return join(this.messagesDir, `${id}.eml`);
  }

  private sidecarPath(id: string): string {
    return join(this.messagesDir, `${id}.json`);
  }

  /**
   * A sidecar holds the record without its body text: that is kept by the index's full-text
   * table only, and an index rebuilt from the sidecars reads it again from the .eml files
   * (body-text-refill.ts). In the sidecar it was 16 K characters per message made into JSON,
   * held until folded in, written and synced, for a copy only a rebuild ever read.
   */
  private sidecarText(record: MessageRecord): string {
    const summary =
      record.summary.searchText === '' ? record.summary : { ...record.summary, searchText: '' };
    return JSON.stringify({ version: sidecarVersion, ...record, summary });
  }

  /**
   * Runs the writes of one message one after the other, in call order: two updates at once must
   * not interleave, and the state asked for last is the one left on disk.
   */
  private inOrder(id: string, work: () => Promise<void>): Promise<void> {
    const run = (this.writes.get(id) ?? Promise.resolve()).then(work);
    const settled = run.catch(() => undefined);
    this.writes.set(id, settled);
    void settled.then(() => {
      if (this.writes.get(id) === settled) this.writes.delete(id);
    });
    return run;
  }

  /** Stores a new message durably; resolves only when both files are on disk. */
  async store(record: MessageRecord, raw: Uint8Array): Promise<void> {
    await this.storeWhile(record.id, raw, Promise.resolve(record));
  }

  /**
   * The same, while the record is still being made (the MIME parse runs in a worker): the raw
   * file is written (or, received into the spool folder already, synced) meanwhile, which takes
   * an fsync off the time to 250. With `intake` (the record's part that needs no parse, as the
   * completer set by completeArrivalsWith takes it), the journal commits that at once instead of
   * the sidecar once parsed: the journal's write no longer follows the parse.
   */
  async storeWhile(
    id: string,
    raw: MessageSource,
    record: Promise<MessageRecord>,
    intake?: object,
  ): Promise<void> {
    if (!this.arrivals.isOpen) {
      // not opened for arrivals (a tool on a spool folder): both files the durable way
      await this.inOrder(id, () =>
        writeFilesDurably([
          raw instanceof IncomingFile
            ? { path: this.emlPath(id), written: raw }
            : { path: this.emlPath(id), data: raw },
          { path: this.sidecarPath(id), data: record.then((r) => this.sidecarText(r)) },
        ]),
      );
      return;
    }
    await this.inOrder(id, () => this.storeArrival(id, raw, record, intake));
  }

  /**
   * One new file per message: the .eml under its own name (written as DATA arrived, or now), its
   * fdatasync, the journal's commit of the sidecar and the folder's fsync all at once; resolved
   * (and the 250 sent) only when the three are done. A crash before the commit leaves an .eml no
   * record names, removed at the next start; after it, a message whose .eml is whole.
   */
  private async storeArrival(
    id: string,
    raw: MessageSource,
    record: Promise<MessageRecord>,
    intake: object | undefined,
  ): Promise<void> {
    const path = this.emlPath(id);
    // the folder's fsync must begin after the .eml's name is in it, and runs while its bytes
    // are written
    let folder: Promise<void> = Promise.resolve();
    const created = (): void => {
      folder = this.folder.sync();
    };
    // a small message's bytes go into its journal line, and its .eml only into the page cache
    // (arrival-journal.ts): the line's write is then its one synced write before the 250
    const { writer } = this;
    const carried = writer ? journalCarries(raw) : null;
    const unsynced = { unsynced: carried !== null };
    const synced =
      raw instanceof IncomingFile
        ? raw.sync(created, writer, unsynced)
        : writer && raw.length <= keepBelow
          ? writer.write(path, raw, unsynced)
          : writeSyncedFile(path, raw, undefined, created);
    const bytes = sourceSize(raw);
    const beforeCommit = async (): Promise<void> => {
      // the kill -9 test dies here with the whole .eml on disk and no record of it
      if (crashesNext('arrivals-before-commit')) await synced.catch(() => undefined);
      crashPoint('arrivals-before-commit');
    };
    // the intake's line is written after the turn's end, once the parse worker has been handed
    // this message (its dispatch, also at setImmediate, was asked for first): the worker's
    // write (and fdatasync, unless carried) of the .eml is the longer way to the 250, and its
    // wake-up no longer waits for the line's JSON, CRC and write request (lone session, paired
    // runs: DATA's end to 250 0.10–0.15 ms sooner)
    const committed = intake
      ? afterTurn()
          .then(beforeCommit)
          .then(() => {
            // the journal knows the message (synchronously) before its sidecar is handed over
            const line = this.arrivals.commitIntake(
              id,
              bytes,
              JSON.stringify(intake),
              carried ?? undefined,
            );
            return Promise.all([
              line,
              record.then((r) => this.arrivals.complete(id, this.sidecarText(r))),
            ]);
          })
      : record.then(async (r) => {
          await beforeCommit();
          return this.arrivals.commit(id, bytes, this.sidecarText(r), carried ?? undefined);
        });
    const results = await Promise.allSettled([synced, committed]);
    results.push(...(await Promise.allSettled([folder])));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) {
      // not acknowledged: without its .eml, a record that did reach the journal is dropped at
      // start (the listener's IncomingFile removes its own file)
      this.arrivals.forget(id);
      // a line that carries its bytes would bring it back (its .eml unwritten or removed)
      await this.arrivals.removing(id).catch(() => undefined);
      if (!(raw instanceof IncomingFile)) await unlink(path).catch(() => undefined);
      throw failed.reason;
    }
  }

  /**
   * Rewrites a sidecar after a state change (read flag, tags, delivery state). `folding`: one of
   * many rewritten at once (the queue's journal folded in), which the parse worker writes in
   * batches (their fdatasyncs in flight together, one folder fsync) rather than one by one here.
   */
  async update(record: MessageRecord, folding = false): Promise<void> {
    // the state as it is now, not as it may be when an earlier write of this message is done
    const text = this.sidecarText(record);
    await this.inOrder(record.id, async () => {
      const path = this.sidecarPath(record.id);
      if (folding && this.writer) await this.writer.write(path, text, { replace: true });
      else await writeFilesDurably([{ path, data: text }]);
      // the sidecar is newer than the journal's record: nothing left to fold in
      this.arrivals.forget(record.id);
    });
  }

  /** The message's bytes; a file that cannot be read is said in the user's words (a ReportedFailure). */
  async readRaw(id: string): Promise<Buffer> {
    const path = this.emlPath(id);
    try {
      return await readFile(path);
    } catch (err) {
      throw unreadableMessage(id, path, err as NodeJS.ErrnoException);
    }
  }

  /**
   * Removes a message: the .eml first, so its record in the arrivals journal (if any) is dropped
   * at the next start, and a crash half-way leaves a sidecar without .eml, quarantined, not listed.
   */
  async remove(id: string): Promise<void> {
    await this.inOrder(id, async () => {
      await this.arrivals.removing(id);
      // the record is let go of only once the .eml is gone: one that cannot be removed keeps its
      // record (folded into its sidecar like any other), so the next start lists it again
      await unlink(this.emlPath(id)).catch(ignoreMissing);
      // a message whose record is still only in the journal has no sidecar file: its unlink
      // would only make an ENOENT error (a stack trace each, at every arrival at the cap)
      const sidecarWritten = !this.arrivals.forget(id);
      if (sidecarWritten) await unlink(this.sidecarPath(id)).catch(ignoreMissing);
    });
  }

  /**
   * Removes messages, several at a time (the disk takes unlinks in flight in libuv's pool faster
   * than one after another), a bounded number so that deleting 100,000 queues no more.
   */
  async removeAll(ids: readonly string[]): Promise<void> {
    // one file that cannot go (another program holding it on Windows, a failing disk) does not
    // keep the others: every removal is tried, then the failures are said together
    const failed: unknown[] = [];
    for (let at = 0; at < ids.length; at += removeAtOnce) {
      const results = await Promise.allSettled(
        ids.slice(at, at + removeAtOnce).map((id) => this.remove(id)),
      );
      for (const r of results) if (r.status === 'rejected') failed.push(r.reason);
    }
    if (failed.length > 0) {
      const first = failed[0] as NodeJS.ErrnoException;
      const listedAgain = 'they are listed again at the next start';
      throw Object.assign(
        new ReportedFailure(
          `could not remove the files of ${failed.length} message(s) (${first.message}); ${listedAgain}`,
          `could not remove the files of ${failed.length} message(s)${first.code ? ` (${first.code})` : ''}; ${listedAgain}`,
          { cause: first },
        ),
        { code: first.code },
      );
    }
  }

  /** Moves a file to quarantine, never over a file quarantined before under the same name. */
  private async quarantine(file: string, reason: string, out: QuarantinedFile[]): Promise<void> {
    out.push({ file, reason });
    let target = join(this.quarantineDir, file);
    if (await exists(target)) target = `${target}.${Date.now()}`;
    await rename(join(this.messagesDir, file), target).catch(ignoreMissing);
  }

  /**
   * Reads every sidecar, or only those of `only` (the messages a crash kept out of the index);
   * unreadable ones and orphans go to quarantine, the rest still load.
   */
  async load(
    only?: ReadonlySet<string>,
    /**
     * Takes the records in chunks of `chunk`, in ID order, instead of the result holding them
     * all (a rebuild of the index at 100,000 messages: memory stays flat).
     */
    onRecords?: (records: MessageRecord[]) => void,
    chunk = 1024,
  ): Promise<SpoolLoadResult> {
    const names = await readdir(this.messagesDir);
    const quarantined: QuarantinedFile[] = [];
    const emls = new Set<string>();
    const sidecars: string[] = [];
    for (const name of names) {
      if (name.endsWith(tempSuffix) || name.startsWith('.write-probe-')) {
        // an unfinished write from a crash: it was never acknowledged
        await unlink(join(this.messagesDir, name)).catch(ignoreMissing);
      } else if (name.endsWith('.eml')) {
        if (!only || only.has(name.slice(0, -4))) emls.add(name.slice(0, -4));
      } else if (name.endsWith('.json')) {
        if (!only || only.has(name.slice(0, -5))) sidecars.push(name.slice(0, -5));
      } else await this.quarantine(name, 'not a spool file', quarantined);
    }

    // messages whose sidecar is not folded in yet are read from the arrivals journal (a sidecar
    // being written by the folding may be half there)
    const sidecarsPending = new Map<string, string>();
    for (const [id, text] of this.arrivals.pendingSidecars()) {
      if (emls.has(id)) sidecarsPending.set(id, text);
    }
    if (sidecarsPending.size > 0) {
      const listed = new Set(sidecars);
      for (const id of sidecarsPending.keys()) if (!listed.has(id)) sidecars.push(id);
    }
    // in ID order as they are read, so that chunks handed over come in order too
    sidecars.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    let records: MessageRecord[] = [];
    const handOver = (): void => {
      if (!onRecords || records.length === 0) return;
      onRecords(records);
      records = [];
    };
    const batch = Math.min(64, chunk);
    for (let i = 0; i < sidecars.length; i += batch) {
      const slice = sidecars.slice(i, i + batch);
      const loaded = await Promise.all(
        slice.map(async (id) => {
          if (!isMessageId(id)) return { id, error: 'file name is not a message ID' };
          if (!emls.has(id)) return { id, error: 'the raw .eml file is missing' };
          try {
            const text = sidecarsPending.get(id) ?? (await readFile(this.sidecarPath(id), 'utf8'));
            const parsed: unknown = JSON.parse(text);
            return { id, ...readSidecar(parsed, id) };
          } catch (err) {
            return { id, error: `sidecar is unreadable (${(err as Error).message})` };
          }
        }),
      );
      for (const item of loaded) {
        emls.delete(item.id);
        if ('record' in item && item.record) records.push(item.record);
        else {
          const reason = 'error' in item ? (item.error ?? 'unknown') : 'unknown';
          await this.quarantine(`${item.id}.json`, reason, quarantined);
          if (await exists(this.emlPath(item.id))) {
            await this.quarantine(`${item.id}.eml`, reason, quarantined);
          }
        }
      }
      if (records.length >= chunk) handOver();
    }
    handOver();
    for (const orphan of emls) {
      if (this.arrivals.receivedByCrashedRun(orphan)) {
        // received by the run that crashed, and no journal record names it: it never got its
        // 250 (the sender still has it), so it is not kept
        try {
          await unlink(this.emlPath(orphan)).catch(ignoreMissing);
          this.log(`spool: removed ${orphan}.eml: never acknowledged (the process stopped first)`);
        } catch (err) {
          // one file that will not go (held by another program, or its removal asked for before
          // the crash and failing again) must not keep the relay from starting
          this.log(`spool: could not remove ${orphan}.eml (${(err as Error).message})`);
        }
        continue;
      }
      // an .eml without sidecar from before (or put there by hand) was never acknowledged;
      // keep it in quarantine anyway, so nothing that reached the disk is destroyed
      await this.quarantine(
        `${orphan}.eml`,
        'no sidecar: the message was never acknowledged',
        quarantined,
      );
    }
    return { records, quarantined };
  }
}

const removeAtOnce = 64;

function ignoreMissing(err: NodeJS.ErrnoException): void {
  if (err.code !== 'ENOENT') throw err;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** A new message's bytes, if small enough for its journal line and not written yet. */
function journalCarries(raw: MessageSource): Uint8Array | null {
  const bytes = raw instanceof IncomingFile ? raw.unwritten : raw;
  return bytes && bytes.length <= journalRawBelow ? bytes : null;
}

/** Resolves in the event loop's check phase, after what this turn asked setImmediate for first. */
function afterTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
