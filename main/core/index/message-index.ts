// The index of messages: what the list, search and the API's counts read, kept in SQLite with a
// trigram full-text table (index.sqlite in the data folder) instead of in memory. The spool's
// sidecars stay the source of truth: the database is only a fast way to ask them questions, and it
// is rebuilt from them whenever it is missing, damaged or of another schema (index-startup.ts).
//
// Memory stays flat with the number of messages: a record is read from the database when asked
// for. Two kinds of record stay in memory: those planned for relaying (the queue walks them on
// every run, and they are few next to captured mail), and any record someone still holds (a weak
// map), so that two callers never change two copies of one message.
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import type { MessageRecord } from '../message-record.js';
import type { SearchQuery } from '../search/index.js';
import { indexRow, recordJson, searchableText } from './index-row.js';
import { searchConditions } from './search-sql.js';

/** Bumped whenever the tables or what their columns hold change: an older file is rebuilt. */
export const indexSchemaVersion = 1;

export class IndexUnavailableError extends Error {
  override name = 'IndexUnavailableError';
}

type Database = BetterSqlite3.Database;

/** Loads the native module, or says in one line what to do when this machine lacks it. */
function loadSqlite(): typeof BetterSqlite3 {
  try {
    const Sqlite = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
    // the binary itself is loaded with the first database: load it here, where its failure
    // means "this machine lacks the module", not "the index file is damaged"
    new Sqlite(':memory:').close();
    return Sqlite;
  } catch (err) {
    const why = (err as Error).message.split('\n')[0] ?? 'unknown error';
    throw new IndexUnavailableError(
      `message index: the native module better-sqlite3 cannot be loaded (${why}); reinstall Relaydesk, or from a source checkout run \`npm rebuild better-sqlite3\` (for the desktop app: \`npm run dist\` rebuilds it for Electron)`,
    );
  }
}

const SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE messages (
  rowid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  received_ms INTEGER NOT NULL,
  size INTEGER NOT NULL,
  read INTEGER NOT NULL,
  relayed INTEGER NOT NULL,
  mailbox TEXT NOT NULL,
  mailbox_key TEXT NOT NULL,
  tags_key TEXT NOT NULL,
  attachments INTEGER NOT NULL,
  inline INTEGER NOT NULL,
  subject_key TEXT NOT NULL,
  message_id_text TEXT NOT NULL,
  from_text TEXT NOT NULL,
  to_text TEXT NOT NULL,
  cc_text TEXT NOT NULL,
  bcc_text TEXT NOT NULL,
  reply_to_text TEXT NOT NULL
);
CREATE INDEX messages_counts ON messages (read, relayed, mailbox);
CREATE INDEX messages_relayed ON messages (relayed, id);
CREATE TABLE message_records (rowid INTEGER PRIMARY KEY, record TEXT NOT NULL);
CREATE VIRTUAL TABLE message_text USING fts5(text, tokenize = 'trigram', detail = 'none');
`;

const ROW_COLUMNS = [
  'id',
  'received_ms',
  'size',
  'read',
  'relayed',
  'mailbox',
  'mailbox_key',
  'tags_key',
  'attachments',
  'inline',
  'subject_key',
  'message_id_text',
  'from_text',
  'to_text',
  'cc_text',
  'bcc_text',
  'reply_to_text',
] as const;

export interface IndexOpenResult {
  /** Why the database had to be made anew from the sidecars; null when it was sound. */
  rebuildReason: string | null;
  /** The last run ended without `close()` (a crash or kill -9): check it against the spool. */
  uncleanStop: boolean;
}

export interface MailboxTotals {
  Name: string;
  Total: number;
  Unread: number;
}

export class MessageIndex {
  private db: Database | null = null;
  private statements: ReturnType<typeof prepare> | null = null;
  /** Records planned for relaying, by ID: the queue's working set. */
  private readonly relayed = new Map<string, MessageRecord>();
  /** Records handed out and still held somewhere, so everyone shares one object per message. */
  private readonly live = new Map<string, WeakRef<MessageRecord>>();
  private readonly gone = new FinalizationRegistry<string>((id) => {
    if (this.live.get(id)?.deref() === undefined) this.live.delete(id);
  });
  /** Arrivals not yet written: concurrent arrivals share one transaction. */
  private pending = new Map<string, MessageRecord>();
  private flushScheduled = false;
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
        const problem = checkDatabase(db);
        if (problem) throw new Error(problem);
        uncleanStop = readMeta(db, 'open') === '1';
        this.db = db;
      } catch (err) {
        db.close();
        throw err;
      }
    } catch (err) {
      rebuildReason = (err as Error).message;
      removeDatabase(path);
      this.db = createDatabase(new Sqlite(path));
    }
    const db = this.db as Database;
    db.pragma('journal_mode = WAL');
    // a kill -9 loses nothing committed in WAL mode at NORMAL; a power cut may lose the last
    // transactions, which the check against the spool after an unclean stop puts back
    db.pragma('synchronous = NORMAL');
    db.pragma('cache_size = -16000');
    writeMeta(db, 'open', '1');
    this.statements = prepare(db);
    this.loadWorkingSet();
    return { rebuildReason, uncleanStop };
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

  private get sql(): ReturnType<typeof prepare> {
    if (!this.statements) throw new Error('the message index is not open');
    return this.statements;
  }

  /** Marks a clean stop and closes the file; the next start then trusts it as it is. */
  close(): void {
    if (!this.db) return;
    this.flush();
    writeMeta(this.db, 'open', '0');
    this.db.pragma('wal_checkpoint(TRUNCATE)');
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
      for (const record of records) this.insert(record);
    })();
    this.live.clear();
    this.pending.clear();
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
      for (const record of added) this.insert(record);
      for (const id of removedIds) this.deleteRow(id);
    })();
    this.loadWorkingSet();
  }

  private insert(record: MessageRecord): void {
    const s = this.sql;
    const row = indexRow(record);
    const { lastInsertRowid } = s.insertMessage.run(row);
    s.insertRecord.run(lastInsertRowid, recordJson(record));
    s.insertText.run(lastInsertRowid, searchableText(record));
  }

  private deleteRow(id: string): boolean {
    const s = this.sql;
    const rowid = s.rowidOf.pluck().get(id) as number | bigint | undefined;
    if (rowid === undefined) return false;
    s.deleteMessage.run(rowid);
    s.deleteRecord.run(rowid);
    s.deleteText.run(rowid);
    return true;
  }

  /** Writes the arrivals waiting for their transaction; every read calls it first. */
  flush(): void {
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    (this.db as Database).transaction(() => {
      for (const record of batch) this.insert(record);
    })();
  }

  add(record: MessageRecord): void {
    this.pending.set(record.id, record);
    this.remember(record);
    this.count++;
    if (!record.read) this.unreadCount++;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        this.flush();
      });
    }
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
    const known = this.relayed.get(id) ?? this.live.get(id)?.deref() ?? this.pending.get(id);
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
    this.flush();
    const s = this.sql;
    const removed: string[] = [];
    (this.db as Database).transaction(() => {
      for (const id of ids) {
        const read = s.readOfId.pluck().get(id) as number | undefined;
        if (read === undefined || !this.deleteRow(id)) continue;
        this.count--;
        if (read === 0) this.unreadCount--;
        this.relayed.delete(id);
        this.live.delete(id);
        removed.push(id);
      }
    })();
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

  /** Newest first, optionally filtered by a search, with paging; `total` counts all matches. */
  page(
    start: number,
    limit: number,
    query?: SearchQuery | null,
  ): { records: MessageRecord[]; total: number; unread: number } {
    this.flush();
    const conditions = query ? searchConditions(query) : [];
    const where =
      conditions.length === 0 ? '' : `WHERE ${conditions.map((c) => `(${c.sql})`).join(' AND ')}`;
    const params = conditions.flatMap((c) => c.params);
    const db = this.db as Database;
    let total = this.count;
    let unread = this.unreadCount;
    if (conditions.length > 0) {
      const counts = db
        .prepare(`SELECT count(*) AS total, sum(m.read = 0) AS unread FROM messages m ${where}`)
        .get(...params) as { total: number; unread: number | null };
      total = counts.total;
      unread = counts.unread ?? 0;
    }
    const offset = Math.max(0, start);
    const wanted = Math.max(0, Math.min(limit, total - offset));
    if (wanted === 0) return { records: [], total, unread };
    // the oldest pages walk from the oldest end, so every page costs the same
    const fromOldest = offset > total / 2;
    const ids = db
      .prepare(
        `SELECT m.rowid FROM messages m ${where} ORDER BY m.id ${fromOldest ? 'ASC' : 'DESC'} LIMIT ? OFFSET ?`,
      )
      .pluck()
      .all(...params, wanted, fromOldest ? total - offset - wanted : offset) as number[];
    if (fromOldest) ids.reverse();
    const records = ids.map((rowid) =>
      this.fromJson(this.sql.recordByRowid.pluck().get(rowid) as string),
    );
    return { records, total, unread };
  }

  /** True when the message `id` matches the search. */
  matches(id: string, query: SearchQuery): boolean {
    this.flush();
    const conditions = searchConditions(query);
    if (conditions.length === 0) return this.sql.rowidOf.pluck().get(id) !== undefined;
    const where = conditions.map((c) => `(${c.sql})`).join(' AND ');
    const row = (this.db as Database)
      .prepare(`SELECT 1 FROM messages m WHERE m.id = ? AND ${where}`)
      .get(id, ...conditions.flatMap((c) => c.params));
    return row !== undefined;
  }

  /** Oldest first, read from the database in chunks (safe to change the index meanwhile). */
  *oldestFirst(
    options: { capturedOnly?: boolean; taggedOnly?: boolean } = {},
  ): Generator<MessageRecord> {
    const chunk = 500;
    let after = '';
    const filter = [
      options.capturedOnly ? 'm.relayed = 0' : '',
      options.taggedOnly ? "m.tags_key <> ''" : '',
    ]
      .filter(Boolean)
      .map((c) => ` AND ${c}`)
      .join('');
    const statement = (this.db as Database).prepare(
      `SELECT r.record FROM messages m JOIN message_records r ON r.rowid = m.rowid WHERE m.id > ?${filter} ORDER BY m.id LIMIT ?`,
    );
    for (;;) {
      this.flush();
      const rows = statement.pluck().all(after, chunk) as string[];
      for (const json of rows) {
        const record = this.fromJson(json);
        after = record.id;
        yield record;
      }
      if (rows.length < chunk) return;
    }
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

function prepare(db: Database) {
  const columns = ROW_COLUMNS.join(', ');
  const values = ROW_COLUMNS.map((c) => `@${c}`).join(', ');
  const assignments = ROW_COLUMNS.map((c) => `${c} = @${c}`).join(', ');
  return {
    counts: db.prepare('SELECT count(*) AS total, sum(read = 0) AS unread FROM messages'),
    relayedRecords: db.prepare(
      'SELECT r.record FROM messages m JOIN message_records r ON r.rowid = m.rowid WHERE m.relayed = 1 ORDER BY m.id',
    ),
    insertMessage: db.prepare(`INSERT INTO messages (${columns}) VALUES (${values})`),
    insertRecord: db.prepare('INSERT INTO message_records (rowid, record) VALUES (?, ?)'),
    insertText: db.prepare('INSERT INTO message_text (rowid, text) VALUES (?, ?)'),
    updateMessage: db.prepare(`UPDATE messages SET ${assignments} WHERE rowid = @rowid`),
    updateRecord: db.prepare('UPDATE message_records SET record = ? WHERE rowid = ?'),
    rowidOf: db.prepare('SELECT rowid FROM messages WHERE id = ?'),
    readOf: db.prepare('SELECT read FROM messages WHERE rowid = ?'),
    readOfId: db.prepare('SELECT read FROM messages WHERE id = ?'),
    recordOf: db.prepare(
      'SELECT r.record FROM messages m JOIN message_records r ON r.rowid = m.rowid WHERE m.id = ?',
    ),
    recordByRowid: db.prepare('SELECT record FROM message_records WHERE rowid = ?'),
    latest: db.prepare(
      'SELECT r.record FROM messages m JOIN message_records r ON r.rowid = m.rowid ORDER BY m.id DESC LIMIT 1',
    ),
    deleteMessage: db.prepare('DELETE FROM messages WHERE rowid = ?'),
    deleteRecord: db.prepare('DELETE FROM message_records WHERE rowid = ?'),
    deleteText: db.prepare('DELETE FROM message_text WHERE rowid = ?'),
    clearMessages: db.prepare('DELETE FROM messages'),
    clearRecords: db.prepare('DELETE FROM message_records'),
    clearText: db.prepare('DELETE FROM message_text'),
    allIds: db.prepare('SELECT id FROM messages ORDER BY id'),
    oldestIds: db.prepare('SELECT id FROM messages ORDER BY id LIMIT ?'),
    totalBytes: db.prepare('SELECT sum(size) FROM messages'),
    mailboxes: db.prepare(
      'SELECT mailbox AS Name, count(*) AS Total, sum(read = 0) AS Unread FROM messages GROUP BY mailbox',
    ),
  };
}

function createDatabase(db: Database): Database {
  db.exec(SCHEMA);
  db.pragma(`user_version = ${indexSchemaVersion}`);
  return db;
}

/** What is wrong with an existing file, or null when it can be used as it is. */
function checkDatabase(db: Database): string | null {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === 0) return 'the index database is new or empty';
  if (version !== indexSchemaVersion)
    return `the index database has schema version ${version}, this Relaydesk uses ${indexSchemaVersion}`;
  // a file cut short keeps its header; its page count then says more pages than there are
  const quick = db.pragma('quick_check(1)', { simple: true }) as string;
  if (quick !== 'ok') return `the index database is damaged (${quick})`;
  db.prepare('SELECT count(*) FROM messages').get();
  return null;
}

function readMeta(db: Database, key: string): string | undefined {
  return db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key) as string | undefined;
}

function writeMeta(db: Database, key: string, value: string): void {
  db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, value);
}

function removeDatabase(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) {
    try {
      rmSync(path + suffix, { force: true });
    } catch {
      // gone already, or held by nobody we can ask: the open below says if it matters
    }
  }
}
