// The index's database file: its schema, and the checks that decide whether a file found at start-up
// can be used or must be made anew from the sidecars (which stay the source of truth).
import { chmodSync, closeSync, existsSync, openSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

/** Bumped whenever the tables or what their columns hold change: an older file is rebuilt. */
// 2: a recipient's routing rule is kept as `rule` (was `route`)
// 4: body_text_pending (sidecars no longer carry the body text)
// 5: the full-text row has the HTML's words with link addresses and the attachments' file names
//    (read again from the .eml files after the rebuild, as after any)
// 6: an IDN address is in the address columns in A-labels too (xn--…, as its header has it)
export const indexSchemaVersion = 6;

export class IndexUnavailableError extends Error {
  override name = 'IndexUnavailableError';
}

export type Database = BetterSqlite3.Database;

/** Loads the native module, or says in one line what to do when this machine lacks it. */
export function loadSqlite(): typeof BetterSqlite3 {
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

/**
 * Narrow indexes for the figures the GUI asks for as it opens (sizes, mailboxes, tagged
 * messages, the tags in use): each is answered from one of these instead of a walk over every row (20-50 ms at
 * 100,000 messages, times the few panels asking at once). And one for --ignore-duplicate-ids,
 * which looks every arrival's Message-ID up: without it each lookup read the whole table. And
the list's order, by the time received (index-list-queries.ts).
 * Made with IF NOT EXISTS at each open, so a file of the same schema version gains them once,
 * without a rebuild.
 */
const AGGREGATE_INDEXES = `
CREATE INDEX IF NOT EXISTS messages_sizes ON messages (size);
CREATE INDEX IF NOT EXISTS messages_mailboxes ON messages (mailbox, read);
CREATE INDEX IF NOT EXISTS messages_tagged ON messages (id) WHERE tags_key <> '';
CREATE INDEX IF NOT EXISTS messages_tag_sets ON messages (tags_key) WHERE tags_key <> '';
CREATE INDEX IF NOT EXISTS messages_message_ids ON messages (message_id_text);
CREATE INDEX IF NOT EXISTS messages_received ON messages (received_ms, id);
`;

/** Adds them when missing; a file that cannot take them now (a full disk) is used without. */
export function addAggregateIndexes(db: Database): void {
  try {
    db.exec(AGGREGATE_INDEXES);
  } catch {
    // only speed is lost: the figures' queries work without them
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
  status TEXT NOT NULL,
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
${AGGREGATE_INDEXES}
CREATE TABLE message_records (rowid INTEGER PRIMARY KEY, record TEXT NOT NULL);
CREATE VIRTUAL TABLE message_text USING fts5(text, tokenize = 'trigram', detail = 'none');
-- messages added from a sidecar, which does not keep the body text: their full-text row has the
-- header words only until the body is read again from the .eml (body-text-refill.ts)
CREATE TABLE body_text_pending (id TEXT PRIMARY KEY) WITHOUT ROWID;
`;

export interface IndexOpenResult {
  /** Why the database had to be made anew from the sidecars; null when it was sound. */
  rebuildReason: string | null;
  /** The last run ended without `close()` (a crash or kill -9): check it against the spool. */
  uncleanStop: boolean;
  /** The spool folder's stamp (folderStamp) at the last clean stop, when one was recorded. */
  spoolStamp?: string;
}

/**
 * The folder's modification time in whole milliseconds: it changes whenever a file is added,
 * removed or renamed in it, so an equal stamp at start-up says the listing is as it was at the
 * clean stop, without listing 200,000 names.
 */
export function folderStamp(path: string): string {
  return stampOf(statSync(path, { bigint: true }).mtimeNs);
}

export function stampOf(mtimeNs: bigint): string {
  return (mtimeNs / 1_000_000n).toString();
}

export function createDatabase(db: Database): Database {
  // in write-ahead mode and one transaction: each statement committed on its own in the default
  // rollback journal was three fsyncs, ~15 ms for the schema when idle and a quarter of a
  // fresh folder's start on a busy disk
  db.pragma('journal_mode = WAL');
  db.transaction(() => {
    db.exec(SCHEMA);
    db.pragma(`user_version = ${indexSchemaVersion}`);
  })();
  return db;
}

/** What is wrong with an existing file, or null when it can be used as it is. */
export function checkDatabase(db: Database, path: string): string | null {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === 0) return 'the index database is new or empty';
  if (version !== indexSchemaVersion)
    return `the index database has schema version ${version}, this Relaydesk uses ${indexSchemaVersion}`;
  // A whole-file check reads every page (tens of seconds at 100,000 messages), and so does a
  // count of a table without an index of its own, so only what is cheap: a file cut short keeps
  // its header, whose page count then says more than the file holds (after a clean stop there is
  // no write-ahead log to add pages). Damage further in shows as an error on first use, which the
  // start-up turns into a rebuild too.
  if (!existsSync(`${path}-wal`)) {
    const pages = db.pragma('page_count', { simple: true }) as number;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const bytes = statSync(path).size;
    if (bytes < pages * pageSize)
      return `the index database is damaged (${bytes} bytes, its header says ${pages * pageSize})`;
  }
  db.prepare('SELECT max(rowid) FROM messages').get();
  db.prepare('SELECT max(rowid) FROM message_records').get();
  return null;
}

export function readMeta(db: Database, key: string): string | undefined {
  return db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key) as string | undefined;
}

export function writeMeta(db: Database, key: string, value: string): void {
  db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, value);
}

/**
 * Makes the file (and its write-ahead log and shared memory, which SQLite creates with the file's
 * own mode) readable by this user alone before SQLite opens it. The index holds every message's
 * addresses, subject and body words; SQLite makes a new file 0644 under the usual umask, so in a
 * data folder the user made (`mkdir mail`, 0755) any local account could read the mail through
 * it, while the .eml files beside it are 0600.
 */
export function ownerOnlyDatabase(path: string): void {
  closeSync(openSync(path, 'a', 0o600));
  for (const suffix of ['', '-wal', '-shm', '-journal']) {
    try {
      chmodSync(path + suffix, 0o600);
    } catch {
      // not there (only the file itself must be) or not ours to change: SQLite says if it matters
    }
  }
}

export function removeDatabase(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) {
    try {
      rmSync(path + suffix, { force: true });
    } catch {
      // gone already, or held by nobody we can ask: the open below says if it matters
    }
  }
}
