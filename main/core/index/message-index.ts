// The index of messages: what the list, search and the API's counts read, kept in SQLite with a
// trigram full-text table (index.sqlite in the data folder) instead of in memory. The spool's
// sidecars stay the source of truth: the database is only a fast way to ask them questions, and it
// is rebuilt from them whenever it is missing, damaged or of another schema (index-startup.ts).
//
// Memory stays flat with the number of messages: a record is read from the database when asked
// for. Two kinds of record stay in memory: those planned for relaying (the queue walks them on
// every run, and they are few next to captured mail), and any record someone still holds (a weak
// map), so that two callers never change two copies of one message.
import type { MessageRecord } from '../message-record.js';
import type { SearchQuery } from '../search/index.js';
import {
  checkDatabase,
  createDatabase,
  loadSqlite,
  readMeta,
  removeDatabase,
  writeMeta,
  type Database,
  type IndexOpenResult,
} from './index-database.js';
import {
  listPage,
  matchesSearch,
  oldestFirst,
  type ListPage,
  type ListSource,
} from './index-list-queries.js';
import { indexRow, recordJson } from './index-row.js';
import { deleteRow, insertRow, prepareStatements, type Statements } from './index-statements.js';
import { PendingWrites } from './index-writer.js';

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
  /** Records planned for relaying, by ID: the queue's working set. */
  private readonly relayed = new Map<string, MessageRecord>();
  /** Records handed out and still held somewhere, so everyone shares one object per message. */
  private readonly live = new Map<string, WeakRef<MessageRecord>>();
  private readonly gone = new FinalizationRegistry<string>((id) => {
    if (this.live.get(id)?.deref() === undefined) this.live.delete(id);
  });
  private readonly writes = new PendingWrites(
    (batch, removals) =>
      (this.db as Database).transaction(() => {
        for (const record of batch) insertRow(this.sql, record);
        for (const id of removals) deleteRow(this.sql, id);
      })(),
    (line) => this.log(line),
  );
  /** What the list and search queries read, asked for when they need it. */
  private readonly source: ListSource = {
    db: () => this.db as Database,
    sql: () => this.sql,
    total: () => this.count,
    unread: () => this.unreadCount,
    arrivals: () => this.writes.arrivals,
    removals: () => this.writes.removals,
    fromJson: (json) => this.fromJson(json),
    flush: () => this.flush(),
  };

  /** `log` hears when writes fail (a full disk) and when they work again. */
  constructor(private readonly log: (line: string) => void = () => undefined) {}
  private count = 0;
  private unreadCount = 0;

  /**
   * Opens (or makes) the database at `path`. A file that cannot be read, or is of another schema
   * version, is replaced by an empty one and `rebuildReason` says why: then call `rebuild`.
   */
  open(path: string): IndexOpenResult {
    const Sqlite = loadSqlite();
    let rebuildReason: string | null = null;
    let uncleanStop = false;
    try {
      const db = new Sqlite(path);
      try {
        const problem = checkDatabase(db, path);
        if (problem) throw new Error(problem);
        uncleanStop = readMeta(db, 'open') === '1';
        this.use(db);
      } catch (err) {
        db.close();
        throw err;
      }
    } catch (err) {
      rebuildReason = (err as Error).message;
      this.db = null;
      this.statements = null;
      removeDatabase(path);
      this.use(createDatabase(new Sqlite(path)));
    }
    return { rebuildReason, uncleanStop };
  }

  private use(db: Database): void {
    db.pragma('journal_mode = WAL');
    // a kill -9 loses nothing committed in WAL mode at NORMAL; a power cut may lose the last
    // transactions, which the check against the spool after an unclean stop puts back
    db.pragma('synchronous = NORMAL');
    db.pragma('cache_size = -16000');
    writeMeta(db, 'open', '1');
    this.db = db;
    this.statements = prepareStatements(db);
    this.loadWorkingSet();
  }

  private loadWorkingSet(): void {
    const s = this.sql;
    const counts = s.counts.get() as { total: number; unread: number | null };
    this.count = counts.total;
    this.unreadCount = counts.unread ?? 0;
    this.relayed.clear();
    for (const row of s.relayedRecords.all() as { record: string }[]) {
      const record = JSON.parse(row.record) as MessageRecord;
      this.relayed.set(record.id, record);
    }
  }

  private get sql(): Statements {
    if (!this.statements) throw new Error('the message index is not open');
    return this.statements;
  }

  /** Marks a clean stop and closes the file; the next start then trusts it as it is. */
  close(): void {
    if (!this.db) return;
    this.flush();
    try {
      writeMeta(this.db, 'open', '0');
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch (err) {
      // still marked open: the next start checks the index against the spool
      this.log(`index: could not mark a clean stop (${(err as Error).message})`);
    }
    this.writes.cancelTimer();
    this.db.close();
    this.db = null;
    this.statements = null;
  }

  /** Replaces the whole content with `records` (a rebuild from the sidecars), in one transaction. */
  rebuild(records: Iterable<MessageRecord>): void {
    const s = this.sql;
    (this.db as Database).transaction(() => {
      s.clearMessages.run();
      s.clearRecords.run();
      s.clearText.run();
      for (const record of records) insertRow(s, record);
    })();
    this.live.clear();
    this.writes.arrivals.clear();
    this.writes.removals.clear();
    this.loadWorkingSet();
  }

  /** IDs the database knows, oldest first (to check it against the spool after a crash). */
  ids(): string[] {
    this.flush();
    return this.sql.allIds.pluck().all() as string[];
  }

  /** Adds records read from sidecars the database missed, and drops rows whose files are gone. */
  reconcile(added: readonly MessageRecord[], removedIds: readonly string[]): void {
    (this.db as Database).transaction(() => {
      for (const record of added) insertRow(this.sql, record);
      for (const id of removedIds) deleteRow(this.sql, id);
    })();
    this.loadWorkingSet();
  }

  /** Writes the arrivals waiting for their transaction; every read calls it first. */
  flush(): void {
    this.writes.flush();
  }

  add(record: MessageRecord): void {
    this.writes.arrivals.set(record.id, record);
    this.remember(record);
    this.count++;
    if (!record.read) this.unreadCount++;
    this.writes.schedule();
  }

  private remember(record: MessageRecord): void {
    if (record.delivery) this.relayed.set(record.id, record);
    else this.relayed.delete(record.id);
    if (this.live.get(record.id)?.deref() !== record) {
      this.live.set(record.id, new WeakRef(record));
      this.gone.register(record, record.id);
    }
  }

  /** The object for a stored row: the one already handed out if it is still held. */
  private fromJson(json: string): MessageRecord {
    const parsed = JSON.parse(json) as MessageRecord;
    const known = this.relayed.get(parsed.id) ?? this.live.get(parsed.id)?.deref();
    if (known) return known;
    this.remember(parsed);
    return parsed;
  }

  get(id: string): MessageRecord | undefined {
    const known =
      this.relayed.get(id) ?? this.live.get(id)?.deref() ?? this.writes.arrivals.get(id);
    if (known) return known;
    this.flush();
    const json = this.sql.recordOf.pluck().get(id) as string | undefined;
    return json === undefined ? undefined : this.fromJson(json);
  }

  latest(): MessageRecord | undefined {
    this.flush();
    const json = this.sql.latest.pluck().get() as string | undefined;
    return json === undefined ? undefined : this.fromJson(json);
  }

  /**
   * Writes a changed record (read flag, tags, delivery state): call it with every sidecar
   * rewrite, so the database says what the sidecar says.
   */
  update(record: MessageRecord): void {
    this.flush();
    const s = this.sql;
    const rowid = s.rowidOf.pluck().get(record.id) as number | bigint | undefined;
    if (rowid === undefined) return;
    const before = s.readOf.pluck().get(rowid) as number;
    const row = indexRow(record);
    s.updateMessage.run({ ...row, rowid });
    s.updateRecord.run(recordJson(record), rowid);
    this.unreadCount += before - row.read;
    this.remember(record);
  }

  setRead(record: MessageRecord, read: boolean): boolean {
    if (record.read === read) return false;
    record.read = read;
    this.update(record);
    return true;
  }

  remove(ids: Iterable<string>): string[] {
    const s = this.sql;
    const removed: string[] = [];
    for (const id of ids) {
      let read: number | undefined;
      const waiting = this.writes.arrivals.get(id);
      if (waiting) {
        this.writes.arrivals.delete(id);
        read = waiting.read ? 1 : 0;
      } else if (!this.writes.removals.has(id)) {
        read = s.readOfId.pluck().get(id) as number | undefined;
        if (read !== undefined) this.writes.removals.add(id);
      }
      if (read === undefined) continue;
      this.count--;
      if (read === 0) this.unreadCount--;
      this.relayed.delete(id);
      this.live.delete(id);
      removed.push(id);
    }
    if (removed.length > 0) this.writes.schedule();
    return removed;
  }

  /** IDs of the `count` oldest messages. */
  oldestIds(count: number): string[] {
    this.flush();
    return this.sql.oldestIds.pluck().all(Math.max(0, count)) as string[];
  }

  get size(): number {
    return this.count;
  }

  get unread(): number {
    return this.unreadCount;
  }

  /** How many messages have a delivery plan (were routed to be relayed). */
  get withDelivery(): number {
    return this.relayed.size;
  }

  /** Records planned for relaying, oldest first (held in memory: the queue's working set). */
  relayedOldestFirst(): MessageRecord[] {
    return [...this.relayed.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  page(start: number, limit: number, query?: SearchQuery | null): ListPage {
    return listPage(this.source, start, limit, query);
  }

  /** True when the message `id` matches the search. */
  matches(id: string, query: SearchQuery): boolean {
    return matchesSearch(this.source, id, query);
  }

  /** Oldest first, read from the database in chunks (safe to change the index meanwhile). */
  oldestFirst(
    options: { capturedOnly?: boolean; taggedOnly?: boolean } = {},
  ): Generator<MessageRecord> {
    return oldestFirst(this.source, options);
  }

  /** How many messages were only captured (relayed mail is kept by other rules). */
  get capturedCount(): number {
    return this.count - this.relayed.size;
  }

  /** Sum of the messages' sizes in bytes. */
  totalBytes(): number {
    this.flush();
    return (this.sql.totalBytes.pluck().get() as number | null) ?? 0;
  }

  /** Mailboxes with their counts, by name. */
  mailboxes(): MailboxTotals[] {
    this.flush();
    return (this.sql.mailboxes.all() as MailboxTotals[]).sort((a, b) =>
      a.Name.localeCompare(b.Name),
    );
  }

  /** Records with at least one tag, oldest first. */
  tagged(): Generator<MessageRecord> {
    return this.oldestFirst({ taggedOnly: true });
  }
}
