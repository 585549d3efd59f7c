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
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { crashPoint } from '../queue/crash-point.js';
import {
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
   * long enough to be promoted to the old generation as a string (a big message's search text
   * is 16 KB of it), where it cost mark-compacts; a Buffer's bytes are not marked or copied.
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
  compactAt?: number;
}

/** The sidecar's text for an intake line's record, from the message's bytes (the parse). */
export type ArrivalCompleter = (intake: unknown, raw: Buffer) => Promise<string>;

/** Sidecars written by folding the journal in, in this process (for tests and diagnostics). */
let foldedSidecars = 0;
export function foldedSidecarCount(): number {
  return foldedSidecars;
}

export class ArrivalJournal {
  private readonly file: JournalFile;
  /** Messages whose sidecar is only in the journal so far: what readers fall back to. */
  private readonly pending = new Map<string, PendingArrival>();
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

  /**
   * Folds in what a crash left (a record whose .eml is whole gets its sidecar, unless it has a
   * sound one already; others are dropped), then opens the journal for appends.
   */
  async open(): Promise<void> {
    this.closing = false;
    const records = new Map<string, JournalRecord>();
    let since: number | null = null;
    for (const json of await this.file.leftOver()) {
      const parsed = parseRecord(json);
      if (!parsed || ('id' in parsed && !isMessageId(parsed.id))) continue;
      if ('since' in parsed) since = since === null ? parsed.since : Math.min(since, parsed.since);
      else records.set(parsed.id, parsed);
    }
    this.crashedRunSince = since;
    let restored = 0;
    let dropped = 0;
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
    if (restored > 0) await this.options.folder().sync();
    if (records.size > 0 || since !== null) {
      this.options.log(
        `arrivals journal: ${restored} sidecar(s) written from the journal after an unclean stop` +
          (parsed ? ` (${parsed} parsed again from their .eml)` : '') +
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

  /** Commits a new message's sidecar to the journal; resolves when it is on disk. */
  async commit(id: string, bytes: number, sidecar: string): Promise<void> {
    const bytesOfSidecar = Buffer.from(sidecar);
    const entry: PendingArrival = { sidecar: bytesOfSidecar, committed: false };
    this.sidecarBytesSinceSwap += bytesOfSidecar.length;
    await this.append(id, entry, `"sidecar":${sidecar}`, bytes);
  }

  /**
   * Commits a new message by its intake (its record before the parse, as JSON), so that the
   * write need not wait for the parse; complete() gives the sidecar once the parse is done.
   * Resolves when the line is on disk. The caller completes or forgets the message before its
   * other writes (the spool's per-message order), so a folding never meets it half made.
   */
  async commitIntake(id: string, bytes: number, intake: string): Promise<void> {
    await this.append(id, { sidecar: null, committed: false }, `"intake":${intake}`, bytes);
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
  ): Promise<void> {
    this.pending.set(id, entry);
    try {
      await this.file.append(`{"id":${JSON.stringify(id)},"bytes":${bytes},${content}}`);
      entry.committed = true;
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
    if (this.file.size < this.compactAt && this.sidecarBytesSinceSwap < this.compactAt) return;
    // a folding under way took its records when it began: the later ones wait for the next,
    // which a failed folding (a full disk) needs too, and an arrival may not come for hours
    if (this.compacting) this.foldAgain = true;
    else this.foldSoon();
  }

  private foldSoon(): void {
    this.file.inBackground(() => this.compact());
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
    if (!this.file.isOpen || this.pending.size === 0) return;
    await this.file.swap();
    this.sidecarBytesSinceSwap = 0;
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
        const background = this.file.size < this.compactAt * foldUrgentAfter;
        if (this.options.writer)
          await this.options.writer.write(path, entry.sidecar, { overwrite: true, background });
        else await writeSidecar(path, entry.sidecar);
        foldedSidecars++;
        // the record stays readable from the journal until the sidecar is in the folder
        this.pending.delete(id);
      });
      if (++written === half) crashPoint('arrivals-compaction-midway');
    });
    await this.options.folder().sync();
    crashPoint('arrivals-compaction-before-unlink');
    await this.file.dropCompacting();
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

/** A message's line: its sidecar, or its intake (the record before the parse). */
type JournalRecord =
  { id: string; bytes: number; sidecar: object } | { id: string; bytes: number; intake: object };

function parseRecord(json: string): { since: number } | JournalRecord | null {
  try {
    const parsed = JSON.parse(json) as { since?: unknown; id?: unknown; bytes?: unknown };
    if (typeof parsed.since === 'number') return { since: parsed.since };
    const record = parsed as { id?: unknown; bytes?: unknown; sidecar?: unknown; intake?: unknown };
    if (typeof record.id !== 'string' || typeof record.bytes !== 'number') return null;
    const { id, bytes, sidecar, intake } = record;
    if (typeof sidecar === 'object' && sidecar !== null) return { id, bytes, sidecar };
    if (typeof intake === 'object' && intake !== null) return { id, bytes, intake };
    return null;
  } catch {
    return null;
  }
}
