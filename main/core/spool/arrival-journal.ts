// The arrivals journal: a new message's record is first one appended line (group commit: the
// arrivals of the same moment share one write and one fdatasync), and the line is what makes the
// message exist, so its .eml can be written straight under its own name. The sidecars stay the
// source of truth: the journal is folded into them (compaction) off the SMTP path when it grows
// past a threshold, at a clean stop, and at start after a crash, before anything reads the spool.
//
// Files, in <data>/arrivals/: journal.log (and journal.compacting.log while folding, see
// journal-file.ts). Every file starts with `{"since": ms}`, when the run that wrote it began; the
// other lines are `{"id", "bytes", "intake"}` (the record before its parse, committed while the
// parse runs; the parsed record waits in memory for the folding, and after a crash is made again
// from the intake and the .eml) or `{"id", "bytes", "sidecar"}` (the whole record, for messages
// stored once their record is made). `bytes` is the .eml's size, so a record whose .eml is
// missing or shorter (a crash before its fdatasync finished) is dropped at start, never listed.
//
// A small message's line also carries its bytes (`"raw"`, base64; under journalRawBelow): its
// .eml is then written to the page cache only, and the line's one synced write is the message's
// whole commit before its 250 (no fdatasync of the .eml, no fsync of the folder on the way).
// The folding fdatasyncs those .emls before the journal they are in goes; a start after a crash
// writes each again from its line unless it is whole, and syncs it. A message removed while its
// line is still in a journal gets a line `{"id", "gone": true}` first, so that a crash then does
// not bring it back from its bytes.
import { readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { crashPoint } from '../queue/crash-point.js';
import {
  datasyncFile,
  rewrittenSyncedFileFlags,
  writeSyncedFile,
  type HeldFolder,
  type SyncedFileWriter,
} from './durable-file.js';
import { eachInFlight } from './in-flight.js';
import { JournalFile } from './journal-file.js';
import { isMessageId } from './message-id.js';

/**
 * Compaction starts when the journal is this big (a few hundred 2 KB messages): small enough that
 * a clean stop has little left to fold, large enough that the swap of files is rare.
 */
export const arrivalsCompactAt = 512 * 1024;
/**
 * A message up to this size is committed with its bytes in its line (see above). Larger ones are
 * written and synced as .eml files before the 250: the line's base64, CRC and one-after-another
 * synced writes then cost more than the syncs saved. Paired runs, 10 sessions, carried against
 * not: 8 KB 1.07× msgs/s at 0.93× CPU, 20 KB 1.02× at 0.99×, 50 KB 0.90× at 1.16×.
 */
export const journalRawBelow = 16 * 1024;
/**
 * Lines carrying bytes make the file grow faster than the sidecars it stands for: it is folded at
 * this many times the compaction size (the sidecars' own threshold stays compactAt).
 */
const fileCompactFactor = 4;
/**
 * Sidecars written at once while folding: few, so the arrivals' own file operations still find a
 * free thread in libuv's pool (four) while a folding runs.
 */
const foldConcurrency = 2;
/**
 * Folded sidecars wait behind new arrivals (the 250s) until the fresh journal is this many times
 * the compaction size: then they go first, so a crash never leaves a long journal to fold at start.
 */
const foldUrgentAfter = 4;
/** With a writer of its own (no pool threads taken), a batch of its size at a time. */
const foldBatch = 32;
/** At a clean stop no arrival competes: the disk takes more fdatasyncs in flight. */
const foldConcurrencyAtStop = 8;

interface PendingArrival {
  /**
   * The sidecar, as it is to be written: as bytes, off V8's heap. It is kept until the folding,
   * long enough to be promoted to the old generation as a string (a message to many recipients
   * makes a long one), where it cost mark-compacts; a Buffer's bytes are not marked or copied.
   * Null while the message's line is its intake and its parse is not done.
   */
  sidecar: Buffer | null;
  /** Its line is on disk (in journal.log, or in the journal being folded). */
  committed: boolean;
}

export interface ArrivalJournalOptions {
  dataDir: string;
  messagesDir: string;
  log(line: string): void;
  /** The messages folder, kept open while mail is taken. */
  folder(): HeldFolder;
  /** Writes a sidecar in the spool's per-message order, if the message still wants it. */
  inOrder(id: string, work: () => Promise<void>): Promise<void>;
  /** Writes the folded sidecars (in batches, off this thread), if given. */
  writer?: SyncedFileWriter;
  /**
   * Makes the sidecar of a message whose line is its intake (the record before its parse) from
   * that intake and its .eml: at start, when a crash came before the journal was folded.
   */
  complete: ArrivalCompleter;
  /** Moves a file of the messages folder (by name) to the quarantine folder, saying why. */
  quarantine(file: string, reason: string): Promise<void>;
  compactAt?: number;
}

/** The sidecar's text for an intake line's record, from the message's bytes (the parse). */
export type ArrivalCompleter = (intake: unknown, raw: Buffer) => Promise<string>;

/** Sidecars written by folding the journal in, in this process (for tests and diagnostics). */
let foldedSidecars = 0;
export function foldedSidecarCount(): number {
  return foldedSidecars;
}
/** .eml files whose line carried their bytes, synced by a folding in this process (the same). */
let syncedEmls = 0;
export function foldedEmlSyncCount(): number {
  return syncedEmls;
}

export class ArrivalJournal {
  private readonly file: JournalFile;
  /** Messages whose sidecar is only in the journal so far: what readers fall back to. */
  private readonly pending = new Map<string, PendingArrival>();
  /**
   * Messages whose line carries their bytes and whose .eml is not synced yet, with the journal
   * file's generation that line went into: until that file is folded and dropped, the .eml is
   * durable through the line only.
   */
  private readonly rawLines = new Map<string, number>();
  private compacting: Promise<void> | null = null;
  /** Bytes of the sidecars made since the journal was last moved aside for folding. */
  private sidecarBytesSinceSwap = 0;
  /** The threshold was passed during a folding: once it ends, another if still due. */
  private foldAgain = false;
  private closing = false;
  /** When the run that crashed began, if the last stop was a crash: its orphans are its own. */
  crashedRunSince: number | null = null;
  private readonly startedAt = Date.now();

  constructor(private readonly options: ArrivalJournalOptions) {
    this.file = new JournalFile(
      join(options.dataDir, 'arrivals'),
      'journal',
      options.log,
      'arrivals',
      () => JSON.stringify({ since: this.startedAt }),
    );
  }

  private sidecarPath(id: string): string {
    return join(this.options.messagesDir, `${id}.json`);
  }

  private emlPath(id: string): string {
    return join(this.options.messagesDir, `${id}.eml`);
  }

  /**
   * Folds in what a crash left (a record whose .eml is whole gets its sidecar, unless it has a
   * sound one already; others are dropped), then opens the journal for appends.
   */
  async open(): Promise<void> {
    this.closing = false;
    const records = new Map<string, JournalRecord>();
    const gone = new Set<string>();
    let since: number | null = null;
    for (const json of await this.file.leftOver()) {
      const parsed = parseRecord(json);
      if (!parsed || ('id' in parsed && !isMessageId(parsed.id))) continue;
      if ('since' in parsed) since = since === null ? parsed.since : Math.min(since, parsed.since);
      else if ('gone' in parsed) gone.add(parsed.id);
      else records.set(parsed.id, parsed);
    }
    this.crashedRunSince = since;
    let restored = 0;
    let dropped = 0;
    let rewritten = 0;
    // a removal begun before the crash is finished: its line's bytes must not bring it back
    for (const id of gone) {
      records.delete(id);
      try {
        await unlink(this.emlPath(id)).catch(ignoreMissing);
        await unlink(this.sidecarPath(id)).catch(ignoreMissing);
      } catch (err) {
        // a file that would not go before the crash may not now either: the start goes on, and
        // the spool's check lists or quarantines what stays
        this.options.log(
          `arrivals journal: could not finish removing ${id} (${(err as Error).message})`,
        );
      }
    }
    // an .eml whose bytes are in its line was perhaps never on disk whole: written again, or
    // synced (a kill -9 leaves it whole in the page cache, which a power loss then would not)
    await eachInFlight([...records], foldConcurrencyAtStop, async ([id, record]) => {
      if (record.raw === undefined) return;
      if (await restoreEml(this.emlPath(id), record.raw, () => this.moveAside(id))) rewritten++;
    });
    const toWrite: [string, JournalRecord][] = [];
    for (const [id, record] of records) {
      if (await soundSidecar(this.sidecarPath(id))) continue;
      const size = await stat(join(this.options.messagesDir, `${id}.eml`)).then(
        (s) => s.size,
        () => -1,
      );
      if (size < record.bytes) {
        dropped++;
        continue;
      }
      toWrite.push([id, record]);
    }
    let parsed = 0;
    await eachInFlight(toWrite, foldConcurrencyAtStop, async ([id, record]) => {
      await writeSidecar(this.sidecarPath(id), await this.sidecarOf(id, record));
      restored++;
      if ('intake' in record) parsed++;
    });
    if (restored > 0 || rewritten > 0 || gone.size > 0) await this.options.folder().sync();
    if (records.size > 0 || since !== null) {
      this.options.log(
        `arrivals journal: ${restored} sidecar(s) written from the journal after an unclean stop` +
          (parsed ? ` (${parsed} parsed again from their .eml)` : '') +
          (rewritten ? `, ${rewritten} .eml file(s) written again from their line` : '') +
          (dropped ? `, ${dropped} record(s) without their whole .eml dropped` : ''),
      );
    }
    await this.file.start();
  }

  /** A line's sidecar: as it is, or made from its intake and the .eml (a parse). */
  private async sidecarOf(id: string, record: JournalRecord): Promise<string> {
    if ('sidecar' in record) return JSON.stringify(record.sidecar);
    try {
      const raw = await readFile(join(this.options.messagesDir, `${id}.eml`));
      return await this.options.complete(record.intake, raw);
    } catch (err) {
      throw new Error(
        `arrivals journal: the record of ${id} could not be made again from its .eml (${(err as Error).message})`,
        { cause: err },
      );
    }
  }

  /**
   * A message received before the last unclean stop whose .eml no record names was never
   * acknowledged: the spool removes it instead of quarantining it.
   */
  receivedByCrashedRun(id: string): boolean {
    if (this.crashedRunSince === null) return false;
    const time = parseInt(id.slice(0, 9), 36);
    return Number.isFinite(time) && time >= this.crashedRunSince;
  }

  /**
   * Commits a new message's sidecar to the journal; resolves when it is on disk. With `raw` (the
   * message's bytes, under journalRawBelow) the line carries them, and the caller writes the .eml
   * unsynced (see the top of this file).
   */
  async commit(id: string, bytes: number, sidecar: string, raw?: Uint8Array): Promise<void> {
    const bytesOfSidecar = Buffer.from(sidecar);
    const entry: PendingArrival = { sidecar: bytesOfSidecar, committed: false };
    this.sidecarBytesSinceSwap += bytesOfSidecar.length;
    await this.append(id, entry, `"sidecar":${sidecar}`, bytes, raw);
  }

  /**
   * Commits a new message by its intake (its record before the parse, as JSON), so that the
   * write need not wait for the parse; complete() gives the sidecar once the parse is done.
   * Resolves when the line is on disk. The caller completes or forgets the message before its
   * other writes (the spool's per-message order), so a folding never meets it half made.
   */
  async commitIntake(id: string, bytes: number, intake: string, raw?: Uint8Array): Promise<void> {
    await this.append(id, { sidecar: null, committed: false }, `"intake":${intake}`, bytes, raw);
  }

  /** The sidecar of a message committed by its intake. */
  complete(id: string, sidecar: string): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    entry.sidecar = Buffer.from(sidecar);
    this.sidecarBytesSinceSwap += entry.sidecar.length;
    this.foldIfDue();
  }

  private async append(
    id: string,
    entry: PendingArrival,
    content: string,
    bytes: number,
    raw?: Uint8Array,
  ): Promise<void> {
    this.pending.set(id, entry);
    const carried = raw
      ? `,"raw":"${Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64')}"`
      : '';
    try {
      const generation = await this.file.append(
        `{"id":${JSON.stringify(id)},"bytes":${bytes},${content}${carried}}`,
      );
      entry.committed = true;
      if (raw) this.rawLines.set(id, generation);
    } catch (err) {
      if (this.pending.get(id) === entry) this.pending.delete(id);
      throw err;
    }
    this.foldIfDue();
  }

  /**
   * When the journal, or the sidecars made since its last folding (held in memory until then,
   * and much bigger than intake lines), pass the threshold.
   */
  private foldIfDue(): void {
    if (this.closing) return;
    if (
      this.file.size < this.compactAt * fileCompactFactor &&
      this.sidecarBytesSinceSwap < this.compactAt
    )
      return;
    // a folding under way took its records when it began: the later ones wait for the next,
    // which a failed folding (a full disk) needs too, and an arrival may not come for hours
    if (this.compacting) this.foldAgain = true;
    else this.foldSoon();
  }

  private foldSoon(): void {
    this.file.inBackground(() => this.compact());
  }

  /** A folding's writes wait behind new arrivals, unless the journal grows faster than it folds. */
  private get foldBehindArrivals(): boolean {
    return this.file.size < this.compactAt * fileCompactFactor * foldUrgentAfter;
  }

  private get compactAt(): number {
    return (
      this.options.compactAt ??
      Number(process.env.RELAYDESK_TEST_ARRIVALS_COMPACT_AT || arrivalsCompactAt)
    );
  }

  /** The sidecar text of each message not folded in yet, by ID. */
  *pendingSidecars(): IterableIterator<[string, string]> {
    for (const [id, entry] of this.pending)
      if (entry.committed && entry.sidecar) yield [id, entry.sidecar.toString('utf8')];
  }

  get isOpen(): boolean {
    return this.file.isOpen;
  }

  /**
   * The sidecar was written (or the message removed) by someone else: nothing left to fold. True
   * when the message's record was only in the journal (its sidecar file was never written).
   */
  forget(id: string): boolean {
    return this.pending.delete(id);
  }

  /**
   * Before a message's files are removed: if a journal still carries its bytes, a line saying it
   * is gone is committed first (else a crash would bring it back from them).
   */
  async removing(id: string): Promise<void> {
    if (!this.rawLines.has(id) || !this.file.isOpen) return;
    await this.file.append(`{"id":${JSON.stringify(id)},"gone":true}`);
    this.rawLines.delete(id);
  }

  /** Folds the journal into the sidecars; appends go on meanwhile into a fresh journal. */
  compact(concurrency = this.options.writer ? foldBatch : foldConcurrency): Promise<void> {
    this.compacting ??= this.foldIn(concurrency).finally(() => {
      this.compacting = null;
      if (!this.foldAgain) return;
      this.foldAgain = false;
      this.foldIfDue();
    });
    return this.compacting;
  }

  private async foldIn(concurrency: number): Promise<void> {
    if (!this.file.isOpen || (this.pending.size === 0 && this.rawLines.size === 0)) return;
    await this.file.swap();
    this.sidecarBytesSinceSwap = 0;
    // the .eml files whose bytes only the folded journal holds are synced before it goes
    const foldedBelow = this.file.generation;
    const toSync: [string, number][] = [];
    for (const [id, generation] of this.rawLines)
      if (generation < foldedBelow) toSync.push([id, generation]);
    const syncing = eachInFlight(toSync, concurrency, async ([id]) => {
      const path = this.emlPath(id);
      try {
        if (this.options.writer)
          await this.options.writer.datasync(path, { background: this.foldBehindArrivals });
        else await datasyncFile(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EISDIR') throw err;
        await this.restoreFromFoldedLine(id);
      }
      syncedEmls++;
    });
    // said when awaited, after the sidecars
    syncing.catch(() => undefined);
    // every message whose line is on disk: those in the folded journal, and maybe a few in the
    // fresh one already (folded early, which only makes their line there redundant)
    const ids: string[] = [];
    for (const [id, entry] of this.pending) if (entry.committed) ids.push(id);
    crashPoint('arrivals-compaction-start');
    let written = 0;
    const half = Math.ceil(ids.length / 2);
    await eachInFlight(ids, concurrency, async (id) => {
      await this.options.inOrder(id, async () => {
        const entry = this.pending.get(id);
        if (!entry) return; // removed, or its sidecar rewritten meanwhile
        // an arrival is done with (completed or forgotten) before its turn here comes; were one
        // not, the folding fails and is tried again rather than drop the journal it is in
        if (!entry.sidecar) throw new Error(`${id} has no record yet`);
        const path = this.sidecarPath(id);
        // behind the arrivals, unless the journal grows faster than its folding keeps up
        const background = this.foldBehindArrivals;
        if (this.options.writer)
          await this.options.writer.write(path, entry.sidecar, { overwrite: true, background });
        else await writeSidecar(path, entry.sidecar);
        foldedSidecars++;
        // the record stays readable from the journal until the sidecar is in the folder
        this.pending.delete(id);
      });
      if (++written === half) crashPoint('arrivals-compaction-midway');
    });
    await syncing;
    await this.options.folder().sync();
    crashPoint('arrivals-compaction-before-unlink');
    await this.file.dropCompacting();
    for (const [id, generation] of toSync)
      if (this.rawLines.get(id) === generation) this.rawLines.delete(id);
  }

  /**
   * A folder (made outside Relaydesk) where a message's .eml belongs, found when the folding
   * syncs it: moved to quarantine, and the .eml written again from its line in the journal being
   * folded. Left failing, every folding after it failed too, the journal and the records waiting
   * in memory grew until the stop, which failed, and the start after it did not get past it.
   */
  private async restoreFromFoldedLine(id: string): Promise<void> {
    let raw: Buffer | undefined;
    for (const json of await this.file.foldingRecords()) {
      const record = parseRecord(json);
      if (record && 'raw' in record && record.id === id && record.raw) raw = record.raw;
    }
    if (!raw)
      throw new Error(`${id}.eml is a folder and its bytes are not in the arrivals journal`);
    await restoreEml(this.emlPath(id), raw, () => this.moveAside(id));
  }

  private moveAside(id: string): Promise<void> {
    return this.options.quarantine(
      `${id}.eml`,
      "a folder was where the message's file belongs (EISDIR); the message was written again from the arrivals journal",
    );
  }

  /** At a clean stop: everything folded into the sidecars, no journal left behind. */
  async close(): Promise<void> {
    if (!this.file.isOpen) return;
    this.closing = true;
    await this.file.settled();
    // a folding under way may fail (said already, by inBackground): the next one tries again,
    // and only its failure is the stop's
    await this.compact(foldConcurrencyAtStop).catch(() => undefined);
    await this.compact(foldConcurrencyAtStop);
    await this.file.close();
  }
}

/**
 * Writes a sidecar under its own name, not through a temporary: the journal keeps its record
 * until the folder is synced after the folding, so a torn sidecar from a crash here is written
 * again at the next start.
 */
function writeSidecar(path: string, bytes: Buffer | string): Promise<void> {
  return writeSyncedFile(path, bytes, rewrittenSyncedFileFlags);
}

async function soundSidecar(path: string): Promise<boolean> {
  try {
    JSON.parse(await readFile(path, 'utf8'));
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes a message's .eml the bytes its line carries, on disk: written again unless it is whole
 * already, then synced. True when it was written again. A folder in its place (something outside
 * Relaydesk made it) is moved aside by `notAFile` first: it kept the relay from starting at all.
 */
async function restoreEml(
  path: string,
  raw: Buffer,
  notAFile: () => Promise<void>,
): Promise<boolean> {
  const onDisk = await readFile(path).catch(async (err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    if (err.code !== 'EISDIR') throw err;
    await notAFile();
    return null;
  });
  if (onDisk && onDisk.equals(raw)) {
    await datasyncFile(path);
    return false;
  }
  await writeSyncedFile(path, raw, rewrittenSyncedFileFlags);
  return true;
}

function ignoreMissing(err: NodeJS.ErrnoException): void {
  if (err.code !== 'ENOENT') throw err;
}

/**
 * A message's line: its sidecar, or its intake (the record before the parse); with its bytes
 * when small.
 */
type JournalRecord = { id: string; bytes: number; raw?: Buffer } & (
  { sidecar: object } | { intake: object }
);

function parseRecord(
  json: string,
): { since: number } | { id: string; gone: true } | JournalRecord | null {
  try {
    const parsed = JSON.parse(json) as { since?: unknown; id?: unknown; bytes?: unknown };
    if (typeof parsed.since === 'number') return { since: parsed.since };
    const record = parsed as {
      id?: unknown;
      bytes?: unknown;
      sidecar?: unknown;
      intake?: unknown;
      raw?: unknown;
      gone?: unknown;
    };
    if (typeof record.id === 'string' && record.gone === true) return { id: record.id, gone: true };
    if (typeof record.id !== 'string' || typeof record.bytes !== 'number') return null;
    const { id, bytes, sidecar, intake } = record;
    const raw = typeof record.raw === 'string' ? Buffer.from(record.raw, 'base64') : undefined;
    // a line whose bytes do not add up is not this message's commit
    if (raw && raw.length !== bytes) return null;
    const carried = raw ? { raw } : {};
    if (typeof sidecar === 'object' && sidecar !== null) return { id, bytes, sidecar, ...carried };
    if (typeof intake === 'object' && intake !== null) return { id, bytes, intake, ...carried };
    return null;
  } catch {
    return null;
  }
}
