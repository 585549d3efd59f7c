// The prepared statements, made once per open file, and the row writes that touch all three
// tables together so that a message, its record and its searchable text never part.
import type { MessageRecord } from '../message-record.js';
import type { Database } from './index-database.js';
import { indexRow, recordJson, searchableText } from './index-row.js';

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

export type Statements = ReturnType<typeof prepareStatements>;

export function prepareStatements(db: Database) {
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

export function insertRow(s: Statements, record: MessageRecord): void {
  const row = indexRow(record);
  const { lastInsertRowid } = s.insertMessage.run(row);
  s.insertRecord.run(lastInsertRowid, recordJson(record));
  s.insertText.run(lastInsertRowid, searchableText(record));
}

export function deleteRow(s: Statements, id: string): boolean {
  const rowid = s.rowidOf.pluck().get(id) as number | bigint | undefined;
  if (rowid === undefined) return false;
  s.deleteMessage.run(rowid);
  s.deleteRecord.run(rowid);
  s.deleteText.run(rowid);
  return true;
}
