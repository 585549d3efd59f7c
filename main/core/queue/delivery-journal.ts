// The queue's journal: a delivery state change (sending, relayed, deferred…) is one appended line
// instead of a whole sidecar rewritten and fsynced. Changes made at the same time share one
// synced write (group commit). The sidecars stay the source of truth: the journal is folded into
// them (compaction) when it grows past a threshold, at a clean stop, and at start, where it is
// first replayed over the sidecars just read.
//
// Files, in <data>/queue/: `journal.log` takes appends; `journal.compacting.log` is a journal
// being folded into the sidecars (renamed from journal.log, so appends never wait for that).
// The file, its group commit and its checksummed lines are the spool's JournalFile; a record is
// `{id, v, delivery}`, where `v` is the number of history entries of the delivery list, which
// only ever grows, so replay applies a record only when it is newer than the sidecar (a sidecar
// rewritten for another reason already has it). Each file starts with a `{since}` line.
import { join } from 'node:path';
import { withRuleName, type MessageRecord, type RecipientDelivery } from '../message-record.js';
import { syncFolder } from '../spool/durable-file.js';
import { eachInFlight } from '../spool/in-flight.js';
import { JournalFile } from '../spool/journal-file.js';
import { crashPoint, journalHeld } from './crash-point.js';
import type { UnsyncedDeliveries } from './unsynced-deliveries.js';

/** Compaction starts when the journal is this big (a few thousand state changes). */
export const compactAtBytes = 8 * 1024 * 1024;
/**
 * Sidecars rewritten at once while folding: two of the parse worker's batches of writes (one by
 * one, a clean stop after 3,000 relayed messages took over 4 s).
 */
const foldInFlight = 64;

export interface JournalOptions {
  dataDir: string;
  /** The message as it is now, or undefined when it was deleted meanwhile. */
  current(id: string): MessageRecord | undefined;
  /**
   * Writes a sidecar durably (the spool's own atomic rewrite); `folding`: one of many at once,
   * which may share their syncs.
   */
  writeSidecar(record: MessageRecord, folding?: boolean): Promise<void>;
  /**
   * Resolves when the index has committed every change made so far. Its commits are batched,
   * and after a crash the journal is replayed over the index: a folded journal may go only when
   * the index has its changes too.
   */
  indexSettled?(): Promise<void>;
  /**
   * Tells the index a delivery state (`delivery`: the list as appended) once its record is on
   * disk, never before. The index commits in batches of its own: told at once, it could commit a
   * state whose record a kill -9 then kept off the disk, and after the restart it said what no
   * journal and no sidecar did (`relayed` where the sidecar said `pending`): the message was not
   * in the queue, so nothing folded that state into its sidecar, and an index made anew from the
   * sidecars sent it again.
   */
  index?(record: MessageRecord, delivery: RecipientDelivery[] | undefined): void;
  /**
   * Hears when each list is on disk (or failed), before the index does: what else writes the
   * message's record meanwhile (a read flag, tags) takes the list on disk from it, and so does a
   * folding (see unsynced-deliveries.ts).
   */
  unsynced?: UnsyncedDeliveries;
  log(line: string): void;
  compactAt?: number;
}

export function deliveryVersion(delivery: readonly RecipientDelivery[] | undefined): number {
  let v = 0;
  for (const r of delivery ?? []) v += r.history.length;
  return v;
}

export class DeliveryJournal {
  private readonly file: JournalFile;
  private compacting: Promise<void> | null = null;
  /** Messages with changes in journal.log since it was started. */
  private touched = new Set<string>();

  constructor(private readonly options: JournalOptions) {
    this.file = new JournalFile(
      join(options.dataDir, 'queue'),
      'journal',
      options.log,
      'queue',
      () => JSON.stringify({ since: Date.now() }),
      // (the kill -9 tests hold every write back, as if the process died before any)
      { crashPrefix: 'journal', held: journalHeld },
    );
  }

  /**
   * Replays what a crash left over the messages as loaded at start, saves those it changed
   * (sidecar and index), and opens the journal for appends. The other messages it names may
   * still have older states in their sidecars (the index had the changes; the sidecars, which an
   * index made anew reads, did not): the records stay on disk as the folding journal, folded into
   * their sidecars in the background, so the start does not wait for thousands of rewrites.
   */
  async open(save: (record: MessageRecord) => Promise<void>): Promise<void> {
    const byId = new Map<string, MessageRecord>();
    const replayed = new Set<string>();
    const kept: string[] = [];
    for (const json of await this.file.leftOver()) {
      const parsed = parseRecord(json);
      if (!parsed) continue;
      kept.push(json);
      this.touched.add(parsed.id);
      const record = byId.get(parsed.id) ?? this.options.current(parsed.id);
      if (!record || parsed.v <= deliveryVersion(record.delivery)) continue;
      byId.set(parsed.id, record);
      record.delivery = parsed.delivery;
      replayed.add(parsed.id);
    }
    await eachInFlight([...replayed], foldInFlight, async (id) => {
      const record = byId.get(id);
      if (record) await save(record);
    });
    for (const id of replayed) this.touched.delete(id);
    await this.file.start(this.touched.size > 0 ? kept : []);
    if (replayed.size > 0)
      this.options.log(`queue journal: replayed changes of ${replayed.size} message(s)`);
    if (this.touched.size > 0) this.foldSoon();
  }

  /**
   * Records a message's delivery state; resolves when it is on disk. `indexed`: the index is told
   * the state then (see JournalOptions.index), not before; a passing state (`sending`) is not.
   */
  async append(record: MessageRecord, indexed = false): Promise<void> {
    // the state as it is now: a later change may replace the list before this one is on disk
    const { id, delivery } = record;
    const { unsynced } = this.options;
    let written = false;
    const onDisk = (): void => {
      written = true;
      unsynced?.written(id, delivery);
      if (indexed) this.options.index?.(record, delivery);
    };
    try {
      if (!this.file.isOpen) {
        await this.options.writeSidecar(record);
        onDisk();
        return;
      }
      this.touched.add(id);
      await this.file.append(
        JSON.stringify({ id, v: deliveryVersion(delivery), delivery }),
        onDisk,
      );
    } catch (err) {
      if (!written) unsynced?.lost(id);
      throw err;
    }
    // the kill -9 tests ask for compactions early, to crash inside one
    const limit =
      this.options.compactAt ??
      Number(process.env.RELAYDESK_TEST_JOURNAL_COMPACT_AT || compactAtBytes);
    if (this.file.size >= limit) this.foldSoon();
  }

  private foldSoon(): void {
    this.file.inBackground(() => this.compact());
  }

  /** Folds the journal into the sidecars; appends go on meanwhile into a fresh journal. */
  compact(): Promise<void> {
    this.compacting ??= this.foldIn().finally(() => (this.compacting = null));
    return this.compacting;
  }

  private async foldIn(): Promise<void> {
    await this.file.settled();
    if (!this.file.isOpen || this.touched.size === 0) return;
    const ids = this.touched;
    this.touched = new Set();
    await this.file.swap();
    crashPoint('compaction-start');
    await this.options.indexSettled?.();
    let written = 0;
    try {
      await eachInFlight([...ids], foldInFlight, async (id) => {
        const record = this.options.current(id);
        if (!record) return;
        // the list on disk, not one whose line is still on its way into the fresh journal: a
        // kill -9 would leave the sidecar ahead of the journal and the index
        await this.options.writeSidecar(this.options.unsynced?.stored(record) ?? record, true);
        if (++written === Math.ceil(ids.size / 2)) crashPoint('compaction-midway');
      });
    } catch (err) {
      // the next folding writes them again, whatever this one got to
      for (const id of ids) this.touched.add(id);
      throw err;
    }
    crashPoint('compaction-before-unlink');
    await this.file.dropCompacting();
    await syncFolder(this.file.dir);
    crashPoint('compaction-done');
  }

  /** At a clean stop: everything folded into the sidecars, no journal left behind. */
  async close(): Promise<void> {
    if (!this.file.isOpen) return;
    // a folding under way may fail (said already, by inBackground): the next one tries again,
    // and only its failure is the stop's
    await this.compact().catch(() => undefined);
    await this.file.settled();
    await this.compact();
    await this.file.close();
  }
}

function parseRecord(
  json: string,
): { id: string; v: number; delivery: RecipientDelivery[] } | null {
  try {
    const parsed = JSON.parse(json) as { id?: unknown; v?: unknown; delivery?: unknown };
    // (the `{since}` line that starts each file has no id)
    if (typeof parsed.id !== 'string' || typeof parsed.v !== 'number') return null;
    if (!Array.isArray(parsed.delivery)) return null;
    const delivery = (parsed.delivery as RecipientDelivery[]).map(withRuleName);
    return { id: parsed.id, v: parsed.v, delivery };
  } catch {
    return null;
  }
}
