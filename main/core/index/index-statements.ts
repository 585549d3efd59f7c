// The prepared statements, made once per open file, and the row writes that touch all three
// tables together so that a message, its record and its searchable text never part.
import type { MessageRecord } from '../message-record.js';
import type BetterSqlite3 from 'better-sqlite3';
import type { Database } from './index-database.js';
import { indexRow, recordJson, searchableText } from './index-row.js';

const ROW_COLUMNS = [
  'id',
  'received_ms',
  'size',
  'read',
  'relayed',
  'status',
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

export type Statements = ReturnType<typeof prepareStatements>;

/**
 * The statements the write worker prepares on its own connection (index-write-worker.js), by
 * name: insert a row with its record and text, delete one by ID, update one's columns and record.
 */
export function writeSql() {
  const columns = ROW_COLUMNS.join(', ');
  const values = ROW_COLUMNS.map((c) => `@${c}`).join(', ');
  const assignments = ROW_COLUMNS.map((c) => `${c} = @${c}`).join(', ');
  return {
    insertMessage: `INSERT INTO messages (${columns}) VALUES (${values})`,
    insertRecord: 'INSERT INTO message_records (rowid, record) VALUES (?, ?)',
    insertText: 'INSERT INTO message_text (rowid, text) VALUES (?, ?)',
    rowidOf: 'SELECT rowid FROM messages WHERE id = ?',
    updateMessage: `UPDATE messages SET ${assignments} WHERE rowid = @rowid`,
    updateRecord: 'UPDATE message_records SET record = ? WHERE rowid = ?',
    deleteMessage: 'DELETE FROM messages WHERE rowid = ?',
    deleteRecord: 'DELETE FROM message_records WHERE rowid = ?',
    deleteText: 'DELETE FROM message_text WHERE rowid = ?',
    insertBodyPending: 'INSERT OR IGNORE INTO body_text_pending (id) VALUES (?)',
    bodyPendingOf: 'SELECT 1 FROM body_text_pending WHERE id = ?',
    textOf: 'SELECT text FROM message_text WHERE rowid = ?',
    deleteBodyPending: 'DELETE FROM body_text_pending WHERE id = ?',
    // the spool checkpoint (message-index.ts): written when all is quiet, cleared by any write
    setSpoolStamp: "INSERT OR REPLACE INTO meta (key, value) VALUES ('spool_stamp', ?)",
    clearSpoolStamp: "DELETE FROM meta WHERE key = 'spool_stamp'",
  } satisfies Record<string, string>;
}

type Statement = BetterSqlite3.Statement<unknown[]>;

/**
 * --ignore-duplicate-ids: the messages whose search column holds a Message-ID (index
 * messages_message_ids), each with the record's own Message-ID, which decides.
 */
export const messageIdLookupSql =
  "SELECT m.id AS id, json_extract(r.record, '$.summary.messageId') AS messageId FROM messages m JOIN message_records r ON r.rowid = m.rowid WHERE m.message_id_text = ?";

export function prepareStatements(db: Database) {
  // the worker's writes, prepared here too for the few writes made on this connection (a rebuild)
  const writes = Object.fromEntries(
    Object.entries(writeSql()).map(([name, text]) => [name, db.prepare(text)]),
  ) as Record<keyof ReturnType<typeof writeSql>, Statement>;
  return {
    ...writes,
    counts: db.prepare('SELECT count(*) AS total, sum(read = 0) AS unread FROM messages'),
    // a start reads the records of the queue's working set only (held-records.ts)
    relayedStatuses: db.prepare('SELECT id, status FROM messages WHERE relayed = 1'),
    // the statuses hasDeliveryWork (queue/recipient-state.ts) says the queue has work in
    workingRecords: db.prepare(
      "SELECT r.record FROM messages m JOIN message_records r ON r.rowid = m.rowid WHERE m.relayed = 1 AND m.status IN ('queued', 'held')",
    ),
    readOf: db.prepare('SELECT read FROM messages WHERE rowid = ?'),
    readOfId: db.prepare('SELECT read FROM messages WHERE id = ?'),
    receivedOfId: db.prepare('SELECT received_ms FROM messages WHERE id = ?'),
    recordOf: db.prepare(
      'SELECT r.record FROM messages m JOIN message_records r ON r.rowid = m.rowid WHERE m.id = ?',
    ),
    idsOfMessageId: db.prepare(messageIdLookupSql),
    recordByRowid: db.prepare('SELECT record FROM message_records WHERE rowid = ?'),
    // the list's first row (index-list-queries.ts)
    latest: db.prepare(
      'SELECT r.record FROM messages m JOIN message_records r ON r.rowid = m.rowid ORDER BY m.received_ms DESC, m.id DESC LIMIT 1',
    ),
    clearMessages: db.prepare('DELETE FROM messages'),
    clearRecords: db.prepare('DELETE FROM message_records'),
    clearText: db.prepare('DELETE FROM message_text'),
    clearBodyPending: db.prepare('DELETE FROM body_text_pending'),
    // the newest first: the mail most likely searched for
    bodyPendingIds: db.prepare('SELECT id FROM body_text_pending ORDER BY id DESC LIMIT ?'),
    bodyPendingCount: db.prepare('SELECT count(*) FROM body_text_pending'),
    allIds: db.prepare('SELECT id FROM messages ORDER BY id'),
    // the list's last rows, which the cap prunes (as Mailpit prunes by Created)
    oldestIds: db.prepare('SELECT id FROM messages ORDER BY received_ms, id LIMIT ?'),
    totalBytes: db.prepare('SELECT sum(size) FROM messages'),
    mailboxes: db.prepare(
      'SELECT mailbox AS Name, count(*) AS Total, sum(read = 0) AS Unread FROM messages GROUP BY mailbox',
    ),
    // each set of tags once, from the messages_tag_sets index, with its oldest message's spelling
    // (JSON read by SQLite: one short string per set crosses into JavaScript)
    tagSets: db.prepare(
      `SELECT s.count AS count, json_extract(r.record, '$.tags') AS tags
       FROM (SELECT tags_key, count(*) AS count, min(rowid) AS oldest FROM messages
             WHERE tags_key <> '' GROUP BY tags_key) s
       JOIN message_records r ON r.rowid = s.oldest ORDER BY s.oldest`,
    ),
  };
}

/**
 * A row from a sidecar (a rebuild, or one the index missed): without its body text, which the
 * sidecar does not keep, it is marked for the body to be read again from its .eml.
 */
export function insertRow(s: Statements, record: MessageRecord): void {
  const row = indexRow(record);
  const { lastInsertRowid } = s.insertMessage.run(row);
  s.insertRecord.run(lastInsertRowid, recordJson(record));
  s.insertText.run(lastInsertRowid, searchableText(record));
  if (record.summary.searchText === '') s.insertBodyPending.run(record.id);
}

export function deleteRow(s: Statements, id: string): boolean {
  const rowid = s.rowidOf.pluck().get(id) as number | bigint | undefined;
  if (rowid === undefined) return false;
  s.deleteMessage.run(rowid);
  s.deleteRecord.run(rowid);
  s.deleteText.run(rowid);
  s.deleteBodyPending.run(id);
  return true;
}
