// The index of messages: what the list, search and the API's counts read, kept in SQLite with a
// trigram full-text table (index.sqlite in the data folder) instead of in memory. The spool's
// sidecars stay the source of truth: the database is only a fast way to ask them questions, and it
// is rebuilt from them whenever it is missing, damaged or of another schema (index-startup.ts).
// Memory stays flat with the number of messages: a record is read from the database when asked
// for; only the queue's working set (records with delivery work left) and records someone holds
// stay in memory (held-records.ts).
import type { MessageStatus } from '../../../preload/api-contract.js';
import type { MessageRecord } from '../message-record.js';
import type { SearchQuery } from '../search/index.js';
import {
  addAggregateIndexes,
  checkDatabase,
  createDatabase,
  loadSqlite,
  ownerOnlyDatabase,
  readMeta,
  removeDatabase,
  writeMeta,
  type Database,
  type IndexOpenResult,
} from './index-database.js';
import {
  listPage,
  matchesSearch,
  newestFirst,
  type ListOrderKey,
  oldestFirst,
  type ListPage,
  type OldestFirstOptions,
  type ListSource,
  smtpArrivalsSince,
  type SmtpArrival,
} from './index-list-queries.js';
import { headerSearchWords, indexRow, recordJson } from './index-row.js';
import { cleanSearchWord } from '../search/search-words.js';
import { unreadableDataFile } from '../spool/unreadable-data-file.js';
import { deleteRow, insertRow, prepareStatements, type Statements } from './index-statements.js';
import { HeldRecords } from './held-records.js';
import { RowFigures } from './row-figures.js';
import { tagFigures, type TagFigures, type TagSetRow } from './tag-sets.js';
import { IndexWriter, ownWorker, type IndexWritesHosting } from './index-writer.js';
import { SpoolCheckpoint } from './spool-checkpoint.js';

export {
  IndexUnavailableError,
  indexSchemaVersion,
  type IndexOpenResult,
} from './index-database.js';

export interface MailboxTotals {
  Name: string;
  Total: number;
  Unread: number;
}

export class MessageIndex {
  private db: Database | null = null;
  private statements: Statements | null = null;
  /** One object per message: the queue's working set, and records someone still holds. */
  private readonly held = new HeldRecords();
  /** Arrivals, prunes and changes go to a worker thread that commits them (index-writer.ts). */
  private writer: IndexWriter | null = null;
  /** What the list and search queries read, asked for when they need it. */
  private readonly source: ListSource = {
    db: () => this.db as Database,
    sql: () => this.sql,
    total: () => this.count,
    unread: () => this.unreadCount,
    pending: () => this.writes.pendingView(),
    fromJson: (json) => this.held.fromJson(json),
    flush: () => this.flush(),
  };

  private readonly spoolCheckpoint = new SpoolCheckpoint({
    idle: () => this.db !== null && this.writes.idle,
    stamp: (stamp) => this.writes.stamp(stamp),
  });

  /**
   * `log` hears when writes fail (a full disk) and when they work again. `hosting`: where the
   * writes run (index-writer.ts); the service puts them in its parse worker, by default they have
   * a worker of their own.
   */
  constructor(
    private readonly log: (line: string) => void = () => undefined,
    private readonly hosting: IndexWritesHosting = ownWorker,
  ) {}
  private count = 0;
  private unreadCount = 0;
  /**
   * The read flag this process last wrote for a relayed record it holds, so that a change of its
   * delivery state (every relayed message, twice or more) needs no query to keep the unread
   * count. Captured mail is changed only by hand: entries for all of it would cost the garbage
   * collector more than the queries they save.
   */
  private writtenRead = new WeakMap<MessageRecord, number>();
  /** Figures over all rows, kept until the next write. */
  private readonly figures = new RowFigures();

  /**
   * Opens (or makes) the database at `path`. A file that cannot be read, or is of another schema
   * version, is replaced by an empty one and `rebuildReason` says why: then call `rebuild`.
   */
  open(path: string): IndexOpenResult {
    const Sqlite = loadSqlite();
    let rebuildReason: string | null = null;
    let uncleanStop = false;
    let spoolStamp: string | undefined;
    try {
      ownerOnlyDatabase(path);
      const db = new Sqlite(path);
      try {
        const problem = checkDatabase(db, path);
        if (problem) throw new Error(problem);
        uncleanStop = readMeta(db, 'open') === '1';
        addAggregateIndexes(db);
        spoolStamp = readMeta(db, 'spool_stamp');
        this.use(db, path);
      } catch (err) {
        db.close();
        throw err;
      }
    } catch (err) {
      rebuildReason = (err as Error).message;
      this.db = null;
      this.statements = null;
      removeDatabase(path);
      try {
        ownerOnlyDatabase(path);
      } catch (failure) {
        // a folder in its place (removeDatabase leaves one be): the open's own error gave no fix
        throw unreadableDataFile('index', path, failure);
      }
      this.use(createDatabase(new Sqlite(path)), path);
    }
    return { rebuildReason, uncleanStop, ...(spoolStamp === undefined ? {} : { spoolStamp }) };
  }

  /** The spool folder whose stamp a clean stop records, for the next start (index-startup.ts). */
  describesFolder(path: string): void {
    this.spoolCheckpoint.describe(path);
  }

  /**
   * From now on the stamp is also recorded while running, each time the index and the folder
   * have been quiet for a moment (checkpoint), so a crash after it starts without listing the
   * folder. Call it only once the index matches the folder (after the start-up's check): a
   * stamp taken during a rebuild would vouch for a half-filled index. `busy` says whether the
   * spool has writes under way.
   */
  checkpointWhileRunning(busy: () => boolean): void {
    this.spoolCheckpoint.whileRunning(busy);
  }

  /** Files of messages this index no longer lists are in the spool folder: see SpoolCheckpoint.differs. */
  folderHoldsUnlisted(): void {
    this.spoolCheckpoint.differs();
  }

  /**
   * No more checkpoints on their own (a killed process takes none); checkpoint() still takes one
   * when asked. For a test that plays a crash with this index still in memory: its timer would
   * otherwise vouch for the folder after the crash's moment.
   */
  stopCheckpointsWhileRunning(): void {
    this.spoolCheckpoint.stop();
  }

  /**
   * Records the spool folder's stamp when nothing is on its way: every write sent to the
   * database is committed, the spool has no write under way, and the folder has not changed for
   * `quietMs` (so any later change gives it another modification time, whatever the clock's
   * grain). The stamp then says "the index holds exactly what this folder holds"; the worker
   * clears it with the next write. True when a stamp was sent.
   */
  checkpoint(quietMs?: number): boolean {
    return this.spoolCheckpoint.tryNow(quietMs);
  }

  /** Every write: figures over all rows are computed again, and a new stamp may be taken. */
  private written(): void {
    this.figures.invalidate();
    this.spoolCheckpoint.written();
  }

  private use(db: Database, path: string): void {
    db.pragma('journal_mode = WAL');
    // the write worker's connection and this one take turns at the few writes made here (open,
    // rebuild, close): wait for the other rather than fail
    db.pragma('busy_timeout = 5000');
    // a kill -9 loses nothing committed in WAL mode at NORMAL; a power cut may lose the last
    // transactions, which the check against the spool after an unclean stop puts back
    db.pragma('synchronous = NORMAL');
    db.pragma('cache_size = -16000');
    writeMeta(db, 'open', '1');
    // the stamp of the last stop (read by open) no longer holds once this run writes
    db.prepare("DELETE FROM meta WHERE key = 'spool_stamp'").run();
    this.spoolCheckpoint.written();
    this.db = db;
    this.statements = prepareStatements(db);
    this.writer = new IndexWriter(path, (line) => this.log(line), this.hosting);
    this.loadWorkingSet();
  }

  private loadWorkingSet(): void {
    this.figures.invalidate();
    const s = this.sql;
    const counts = s.counts.get() as { total: number; unread: number | null };
    this.count = counts.total;
    this.unreadCount = counts.unread ?? 0;
    const relayed = s.relayedStatuses.raw().all() as [string, MessageStatus][];
    const working = (s.workingRecords.pluck().all() as string[]).map(
      (json) => JSON.parse(json) as MessageRecord,
    );
    this.writtenRead = new WeakMap();
    this.held.reload(relayed, working, { keepLive: true });
  }

  private get writes(): IndexWriter {
    if (!this.writer) throw new Error('the message index is not open');
    return this.writer;
  }

  private get sql(): Statements {
    if (!this.statements) throw new Error('the message index is not open');
    return this.statements;
  }

  /** Marks a clean stop and closes the file; the next start then trusts it as it is. */
  close(): void {
    this.spoolCheckpoint.stop();
    if (!this.db) return;
    const committed = this.writes.close();
    try {
      // a write the worker could not commit (a full disk) leaves the file marked open, so the
      // next start checks the index against the spool
      if (!committed) throw new Error('writes were pending');
      const stamp = this.spoolCheckpoint.stampNow();
      if (stamp) writeMeta(this.db, 'spool_stamp', stamp);
      writeMeta(this.db, 'open', '0');
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch (err) {
      this.log(`index: could not mark a clean stop (${(err as Error).message})`);
    }
    this.db.close();
    this.db = null;
    this.statements = null;
    this.writer = null;
  }

  /**
   * Replaces the whole content with the records `fill` adds (a rebuild from the sidecars): they
   * come in chunks, each its own transaction, so 100,000 records never sit in memory at once. A
   * crash half-way leaves the file marked open: the next start adds what the spool has and it
   * lacks.
   */
  async rebuild(
    fill: (add: (records: readonly MessageRecord[]) => void) => Promise<void>,
  ): Promise<void> {
    this.writes.commitNow();
    const s = this.sql;
    const db = this.db as Database;
    db.transaction(() => {
      s.clearMessages.run();
      s.clearRecords.run();
      s.clearText.run();
      s.clearBodyPending.run();
    })();
    const insert = db.transaction((records: readonly MessageRecord[]) => {
      for (const record of records) insertRow(s, record);
    });
    await fill((records) => insert(records));
    this.held.reload([], [], { keepLive: false });
    this.writes.clear();
    this.loadWorkingSet();
  }

  /** IDs the database knows, oldest first (to check it against the spool after a crash). */
  ids(): string[] {
    this.flush();
    return this.sql.allIds.pluck().all() as string[];
  }

  /** Adds records read from sidecars the database missed, and drops rows whose files are gone. */
  reconcile(added: readonly MessageRecord[], removedIds: readonly string[]): void {
    this.writes.commitNow();
    (this.db as Database).transaction(() => {
      for (const record of added) insertRow(this.sql, record);
      for (const id of removedIds) deleteRow(this.sql, id);
    })();
    this.loadWorkingSet();
  }

  /**
   * Waits until the worker has committed every write sent so far; every read of the database
   * that the pending writes could change calls it first.
   */
  flush(): void {
    this.writes.commitNow();
  }

  add(record: MessageRecord): void {
    this.written();
    this.writes.add(record, {
      kind: 'add',
      row: indexRow(record),
      json: recordJson(record),
      headerWords: headerSearchWords(record),
      bodyText: record.summary.searchText,
    });
    this.held.remember(record);
    if (record.delivery) this.writtenRead.set(record, record.read ? 1 : 0);
    this.count++;
    if (!record.read) this.unreadCount++;
  }

  get(id: string): MessageRecord | undefined {
    if (this.writes.isRemoved(id)) return undefined;
    const known = this.held.known(id) ?? this.writes.arrival(id);
    if (known) return known;
    // a change still on its way to the database: its row says what it was before
    if (this.writes.pendingRead(id) !== undefined) this.flush();
    const json = this.sql.recordOf.pluck().get(id) as string | undefined;
    return json === undefined ? undefined : this.held.fromJson(json);
  }

  /**
   * The ID of a stored message with exactly this Message-ID (brackets trimmed), if any: what
   * Mailpit's --ignore-duplicate-ids asks before storing.
   */
  idOfMessageId(messageId: string): string | undefined {
    if (messageId === '') return undefined;
    this.flush();
    const rows = this.sql.idsOfMessageId.all(cleanSearchWord(messageId)) as {
      id: string;
      messageId: string;
    }[];
    return rows.find((row) => row.messageId === messageId)?.id;
  }

  latest(): MessageRecord | undefined {
    this.flush();
    const json = this.sql.latest.pluck().get() as string | undefined;
    return json === undefined ? undefined : this.held.fromJson(json);
  }

  /**
   * Writes a changed record (read flag, tags, delivery state): call it with every sidecar
   * rewrite, so the database says what the sidecar says. `delivery`: the delivery list to write
   * when the record's own may be newer than what is on disk (the queue's journal tells the index
   * a state once its record is on disk, when a later change may have replaced the list; a read
   * flag or tag change writes the list on disk while the queue's newer one is on its way).
   */
  update(record: MessageRecord, delivery = record.delivery): void {
    const { id } = record;
    if (this.writes.isRemoved(id)) return;
    const before =
      this.writes.pendingRead(id) ??
      (this.held.known(id) === record ? this.writtenRead.get(record) : undefined) ??
      (this.sql.readOfId.pluck().get(id) as number | undefined);
    if (before === undefined) return;
    const stored = delivery === record.delivery ? record : { ...record, delivery };
    const row = indexRow(stored);
    this.written();
    this.writes.update({ kind: 'update', row, json: recordJson(stored) });
    this.unreadCount += before - row.read;
    this.held.remember(record);
    if (record.delivery) this.writtenRead.set(record, row.read);
  }

  /**
   * A record's delivery changed and its database write waits (update, once the queue's journal
   * has the change on disk): its object joins or leaves the queue's working set at once, so a
   * walk of the queue (a rescan of what is due) meanwhile finds a message released to it.
   */
  remember(record: MessageRecord): void {
    const { id } = record;
    if (this.writes.isRemoved(id)) return;
    // (a record the index does not have, as update() skips it)
    const listed =
      this.held.known(id) === record ||
      this.writes.pendingRead(id) !== undefined ||
      this.sql.readOfId.pluck().get(id) !== undefined;
    if (listed) this.held.remember(record);
  }

  /**
   * Messages added from their sidecars whose body text is still to be read from the .eml (search
   * finds them by their headers meanwhile), the newest first.
   */
  bodyTextPending(limit: number): string[] {
    this.flush();
    return this.sql.bodyPendingIds.pluck().all(limit) as string[];
  }

  bodyTextPendingCount(): number {
    this.flush();
    return this.sql.bodyPendingCount.pluck().get() as number;
  }

  /** A message's body text, read again from its .eml, joins its full-text row. */
  setBodyText(id: string, bodyText: string): void {
    this.written();
    this.writes.body({ kind: 'body', id, bodyText });
  }

  /** Resolves when every write made so far is committed: rewrite a sidecar only after it. */
  settled(): Promise<void> {
    return this.writer ? this.writer.settled() : Promise.resolve();
  }

  /** `delivery`: as for update(). */
  setRead(record: MessageRecord, read: boolean, delivery = record.delivery): boolean {
    if (record.read === read) return false;
    record.read = read;
    this.update(record, delivery);
    return true;
  }

  remove(ids: Iterable<string>): string[] {
    const removed: string[] = [];
    for (const id of ids) {
      if (this.writes.isRemoved(id)) continue;
      const read =
        this.writes.pendingRead(id) ?? (this.sql.readOfId.pluck().get(id) as number | undefined);
      if (read === undefined) continue;
      this.written();
      this.writes.remove(id);
      this.count--;
      if (read === 0) this.unreadCount--;
      this.held.forget(id);
      removed.push(id);
    }
    return removed;
  }

  /**
   * IDs of the `count` oldest messages. It does not wait for the worker (pruning at the cap asks
   * after every burst of arrivals): pending removals are left out, pending arrivals merged in.
   */
  oldestIds(count: number): string[] {
    const wanted = Math.max(0, count);
    const removals = [...this.writes.pendingRemovals()];
    const fromDb = (this.sql.oldestIds.pluck().all(wanted + removals.length) as string[]).filter(
      (id) => !this.writes.isRemoved(id),
    );
    const arrivals = this.writes.pendingArrivals();
    if (arrivals.length === 0) return fromDb.slice(0, wanted);
    const received = new Map(arrivals.map((r) => [r.id, Date.parse(r.receivedAt)]));
    const receivedOf = (id: string): number =>
      received.get(id) ?? (this.sql.receivedOfId.pluck().get(id) as number);
    return [...fromDb, ...received.keys()]
      .map((id): ListOrderKey => [receivedOf(id), id])
      .sort(newestFirst)
      .reverse()
      .slice(0, wanted)
      .map(([, id]) => id);
  }

  get size(): number {
    return this.count;
  }

  get unread(): number {
    return this.unreadCount;
  }

  /** How many messages have a delivery plan (were routed to be relayed). */
  get withDelivery(): number {
    return this.held.relayedCount;
  }

  /** Records with delivery work left, oldest first (held in memory: the queue's working set). */
  workingOldestFirst(): MessageRecord[] {
    return this.held.workingOldestFirst();
  }

  /**
   * Every record planned for relaying (received at or before `receivedBefore` when given),
   * oldest first, read from the database in chunks.
   */
  relayedOldestFirst(receivedBefore?: number): Generator<MessageRecord> {
    return this.oldestFirst(
      receivedBefore === undefined ? { relayedOnly: true } : { relayedOnly: true, receivedBefore },
    );
  }

  /** The status of every message planned for relaying (held in memory, without the records). */
  relayedStatuses(): IterableIterator<MessageStatus> {
    return this.held.relayedStatuses();
  }

  page(start: number, limit: number, query?: SearchQuery | null): ListPage {
    return listPage(this.source, start, limit, query);
  }

  /** True when the message `id` matches the search. */
  matches(id: string, query: SearchQuery): boolean {
    return matchesSearch(this.source, id, query);
  }

  /** The messages received over SMTP since `since` (ms), for the quotas' counters. */
  smtpArrivalsSince(since: number): SmtpArrival[] {
    return smtpArrivalsSince(this.source, since);
  }

  /** Oldest first, read from the database in chunks (safe to change the index meanwhile). */
  oldestFirst(options: OldestFirstOptions = {}): Generator<MessageRecord> {
    return oldestFirst(this.source, options);
  }

  /** How many messages were only captured (relayed mail is kept by other rules). */
  get capturedCount(): number {
    return this.count - this.held.relayedCount;
  }

  /** Sum of the messages' sizes in bytes. */
  totalBytes(): number {
    return this.figures.get('bytes', () => {
      this.flush();
      return (this.sql.totalBytes.pluck().get() as number | null) ?? 0;
    });
  }

  /** Mailboxes with their counts, by name. */
  mailboxes(): MailboxTotals[] {
    const totals = this.figures.get('mailboxes', () => {
      this.flush();
      return (this.sql.mailboxes.all() as MailboxTotals[]).sort((a, b) =>
        a.Name.localeCompare(b.Name),
      );
    });
    return totals.map((t) => ({ ...t }));
  }

  /** The tags in use: their spellings and counts (tag-sets.ts). */
  tags(): TagFigures {
    return this.figures.get('tags', () => {
      this.flush();
      return tagFigures(this.sql.tagSets.all() as TagSetRow[]);
    });
  }

  /** Records with at least one tag, oldest first. */
  tagged(): Generator<MessageRecord> {
    return this.oldestFirst({ taggedOnly: true });
  }
}
