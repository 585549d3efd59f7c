// The queue's journal: a delivery state change (sending, relayed, deferred…) is one appended line
// instead of a whole sidecar rewritten and fsynced. Changes made at the same time share one
// synced write (group commit). The sidecars stay the source of truth: the journal is folded into
// them (compaction) when it grows past a threshold, at a clean stop, and at start, where it is
// first replayed over the sidecars just read.
//
// Files, in <data>/queue/: `journal.log` takes appends; `journal.compacting.log` is a journal
// being folded into the sidecars (renamed from journal.log, so appends never wait for that).
// A line is `<crc32 of the JSON, 8 hex digits> <JSON {id, v, delivery}>\n`; `v` is the number of
// history entries of the delivery list, which only ever grows, so replay applies a line only
// when it is newer than the sidecar (a sidecar rewritten for another reason already has it).
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { withRuleName, type MessageRecord, type RecipientDelivery } from '../message-record.js';
import { makeFolder, syncFolder } from '../spool/durable-file.js';
import { crashesNext, crashPoint, journalHeld } from './crash-point.js';

/** Compaction starts when the journal is this big (a few thousand state changes). */
export const compactAtBytes = 8 * 1024 * 1024;

/**
 * journal.log is opened with O_DSYNC: each write returns once its bytes (and the file's new
 * size) are on disk, so a commit is one call through libuv's thread pool, not a write and then
 * an fdatasync, while the spool's writes of new arrivals wait for the same few threads.
 */
const appendFlags =
  constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | (constants.O_DSYNC ?? 0);

export interface JournalOptions {
  dataDir: string;
  /** The message as it is now, or undefined when it was deleted meanwhile. */
  current(id: string): MessageRecord | undefined;
  /** Writes a sidecar durably (the spool's own atomic rewrite). */
  writeSidecar(record: MessageRecord): Promise<void>;
  /**
   * Resolves when the index has committed every change made so far. Its commits are batched,
   * and after a crash the journal is replayed over the index: a folded journal may go only when
   * the index has its changes too.
   */
  indexSettled?(): Promise<void>;
  log(line: string): void;
  compactAt?: number;
}

export function deliveryVersion(delivery: readonly RecipientDelivery[] | undefined): number {
  let v = 0;
  for (const r of delivery ?? []) v += r.history.length;
  return v;
}

function checksum(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

export class DeliveryJournal {
  private readonly dir: string;
  private handle: FileHandle | null = null;
  private size = 0;
  /** Lines waiting for the next commit, and whoever waits for it. */
  private pending: string[] = [];
  private waiters: Array<{ resolve: () => void; reject: (err: Error) => void }> = [];
  private committing: Promise<void> | null = null;
  private compacting: Promise<void> | null = null;
  /** Set while journal.log is being renamed away and opened fresh: commits wait for it. */
  private swapping: Promise<void> | null = null;
  /** Messages with changes in journal.log since it was started. */
  private touched = new Set<string>();

  constructor(private readonly options: JournalOptions) {
    this.dir = join(options.dataDir, 'queue');
  }

  private get activePath(): string {
    return join(this.dir, 'journal.log');
  }

  private get compactingPath(): string {
    return join(this.dir, 'journal.compacting.log');
  }

  /**
   * Replays what a crash left over the messages as loaded at start, saves those it changed
   * (sidecar and index), and opens the journal for appends.
   */
  async open(save: (record: MessageRecord) => Promise<void>): Promise<void> {
    await makeFolder(this.dir);
    const byId = new Map<string, MessageRecord>();
    const replayed = new Set<string>();
    for (const path of [this.compactingPath, this.activePath]) {
      for (const id of await this.replay(path, byId)) replayed.add(id);
    }
    for (const id of replayed) {
      const record = byId.get(id);
      if (record) await save(record);
    }
    await unlink(this.compactingPath).catch(ignoreMissing);
    this.handle = await open(this.activePath, appendFlags, 0o600);
    await syncFolder(this.dir);
    this.size = 0;
    if (replayed.size > 0)
      this.options.log(`queue journal: replayed changes of ${replayed.size} message(s)`);
  }

  private async replay(path: string, byId: Map<string, MessageRecord>): Promise<string[]> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      ignoreMissing(err as NodeJS.ErrnoException);
      return [];
    }
    const applied: string[] = [];
    const lines = text.split('\n');
    // a complete file ends with a newline: the last piece is then empty
    const last = lines.pop() ?? '';
    if (last !== '') lines.push(last);
    for (const [i, line] of lines.entries()) {
      const parsed = parseLine(line);
      if (!parsed) {
        const torn = i === lines.length - 1 && last !== '';
        this.options.log(
          torn
            ? `queue journal: ignored a torn last record (${line.length} bytes) in ${path}`
            : `queue journal: ignored a damaged record (line ${i + 1}) in ${path}`,
        );
        continue;
      }
      const record = byId.get(parsed.id) ?? this.options.current(parsed.id);
      if (!record || parsed.v <= deliveryVersion(record.delivery)) continue;
      byId.set(parsed.id, record);
      record.delivery = parsed.delivery;
      applied.push(parsed.id);
    }
    return applied;
  }

  /** Records a message's delivery state; resolves when it is on disk. */
  append(record: MessageRecord): Promise<void> {
    if (!this.handle) return this.options.writeSidecar(record);
    const json = JSON.stringify({
      id: record.id,
      v: deliveryVersion(record.delivery),
      delivery: record.delivery,
    });
    this.pending.push(`${checksum(json)} ${json}\n`);
    this.touched.add(record.id);
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    // (the kill -9 tests hold every write back, as if the process died before any)
    if (!journalHeld()) this.committing ??= this.commitLoop();
    return done;
  }

  /** One synced write for everything appended since the last commit. */
  private async commitLoop(): Promise<void> {
    try {
      while (this.pending.length > 0 && this.handle) {
        const lines = this.pending;
        const waiters = this.waiters;
        this.pending = [];
        this.waiters = [];
        try {
          while (this.swapping) await this.swapping;
          const data = lines.join('');
          if (crashesNext('journal-append')) {
            // half a batch on disk, as a power cut in the middle of the write leaves it
            await this.handle.write(data.slice(0, Math.ceil(data.length / 2)));
          }
          crashPoint('journal-append');
          await this.handle.write(data);
          // on a system without O_DSYNC the write is synced the usual way
          if (constants.O_DSYNC === undefined) await this.handle.datasync();
          crashPoint('journal-written');
          this.size += Buffer.byteLength(data);
          crashPoint('journal-appended');
          for (const w of waiters) w.resolve();
        } catch (err) {
          for (const w of waiters) w.reject(err as Error);
        }
      }
    } finally {
      this.committing = null;
    }
    // the kill -9 tests ask for compactions early, to crash inside one
    const limit =
      this.options.compactAt ??
      Number(process.env.RELAYDESK_TEST_JOURNAL_COMPACT_AT || compactAtBytes);
    if (this.size >= limit) void this.compact();
  }

  /** Folds the journal into the sidecars; appends go on meanwhile into a fresh journal. */
  compact(): Promise<void> {
    this.compacting ??= this.foldIn().finally(() => (this.compacting = null));
    return this.compacting;
  }

  private async foldIn(): Promise<void> {
    while (this.committing) await this.committing;
    if (!this.handle || this.touched.size === 0) return;
    const ids = this.touched;
    this.touched = new Set();
    const old = this.handle;
    this.swapping = (async () => {
      await old.close();
      await rename(this.activePath, this.compactingPath);
      this.handle = await open(this.activePath, appendFlags, 0o600);
      this.size = 0;
      await syncFolder(this.dir);
    })();
    try {
      await this.swapping;
    } finally {
      this.swapping = null;
    }
    crashPoint('compaction-start');
    await this.options.indexSettled?.();
    let written = 0;
    for (const id of ids) {
      const record = this.options.current(id);
      if (!record) continue;
      await this.options.writeSidecar(record);
      if (++written === Math.ceil(ids.size / 2)) crashPoint('compaction-midway');
    }
    crashPoint('compaction-before-unlink');
    await unlink(this.compactingPath);
    await syncFolder(this.dir);
    crashPoint('compaction-done');
  }

  /** At a clean stop: everything folded into the sidecars, the journal left empty. */
  async close(): Promise<void> {
    if (!this.handle) return;
    await this.compact();
    while (this.committing) await this.committing;
    await this.compact();
    await this.handle.close();
    this.handle = null;
  }
}

function parseLine(line: string): { id: string; v: number; delivery: RecipientDelivery[] } | null {
  const space = line.indexOf(' ');
  if (space !== 8) return null;
  const json = line.slice(space + 1);
  if (checksum(json) !== line.slice(0, space)) return null;
  try {
    const parsed = JSON.parse(json) as { id?: unknown; v?: unknown; delivery?: unknown };
    if (typeof parsed.id !== 'string' || typeof parsed.v !== 'number') return null;
    if (!Array.isArray(parsed.delivery)) return null;
    const delivery = (parsed.delivery as RecipientDelivery[]).map(withRuleName);
    return { id: parsed.id, v: parsed.v, delivery };
  } catch {
    return null;
  }
}

function ignoreMissing(err: NodeJS.ErrnoException): void {
  if (err.code !== 'ENOENT') throw err;
}
