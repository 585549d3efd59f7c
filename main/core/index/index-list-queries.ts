// The queries behind the message list and search: pages newest first with their counts, a
// search's match on one message, and the oldest-first walk. Each first waits for the write worker
// to commit what was sent (read-your-writes); while it cannot (a full disk) a page is the
// database's answer corrected by what still waits, so the list never lags.
import type { MessageRecord } from '../message-record.js';
import { matchesQuery, type SearchQuery } from '../search/index.js';
import type { Database } from './index-database.js';
import type { Statements } from './index-statements.js';
import type { PendingView } from './index-writer.js';
import { searchConditions } from './search-sql.js';

/** What the queries read of the index, asked at the moment they need it. */
export interface ListSource {
  db(): Database;
  sql(): Statements;
  /** The counters, which include writes still waiting. */
  total(): number;
  unread(): number;
  /** Writes the worker has not committed (after `flush`: only when it cannot write). */
  pending(): PendingView | null;
  /** The object for a stored row: the one already handed out if it is still held. */
  fromJson(json: string): MessageRecord;
  flush(): void;
}

/**
 * Where a message sits in the list: its time received, then its ID (given in order of arrival),
 * newest first. The time is the arrival, or with --use-message-dates the Date header's, as
 * Mailpit orders by its Created; the ID keeps messages of the same time in one order, so paging
 * never repeats or skips one.
 */
export type ListOrderKey = readonly [receivedMs: number, id: string, ...rest: unknown[]];

export function newestFirst(a: ListOrderKey, b: ListOrderKey): number {
  if (a[0] !== b[0]) return b[0] - a[0];
  return a[1] < b[1] ? 1 : a[1] > b[1] ? -1 : 0;
}

const keyOf = (r: MessageRecord): ListOrderKey => [Date.parse(r.receivedAt), r.id];

export interface ListPage {
  records: MessageRecord[];
  total: number;
  unread: number;
}

/**
 * Newest first (newestFirst: by the time received), optionally filtered by a search, with paging;
 * `total` counts all matches.
 */
export function listPage(
  src: ListSource,
  start: number,
  limit: number,
  query?: SearchQuery | null,
): ListPage {
  src.flush();
  const pending = src.pending();
  // one read transaction: the worker may commit between the statements of a page
  return src
    .db()
    .transaction(() =>
      pending
        ? pageWhileFailing(src, pending, start, limit, query)
        : pageFromDatabase(src, start, limit, query, null),
    )();
}

/** The database's answer corrected by the writes it could not take (a full disk). */
function pageWhileFailing(
  src: ListSource,
  pending: PendingView,
  start: number,
  limit: number,
  query?: SearchQuery | null,
): ListPage {
  const offset = Math.max(0, start);
  const fromDb = pageFromDatabase(
    src,
    0,
    offset + Math.max(0, limit) + pending.removals.size,
    query,
    pending,
  );
  let removedTotal = 0;
  let removedUnread = 0;
  for (const id of pending.removals) {
    if (query ? !matchesSearch(src, id, query) : src.sql().rowidOf.pluck().get(id) === undefined)
      continue;
    removedTotal++;
    if (src.sql().readOfId.pluck().get(id) === 0) removedUnread++;
  }
  // `pending` was taken before this read: an arrival the worker committed in between (the disk
  // has space again) is in the database's answer already, and counted once
  const waiting = pending.arrivals.filter(
    (r) => (!query || matchesQuery(r, query)) && src.sql().rowidOf.pluck().get(r.id) === undefined,
  );
  const records = [...fromDb.records.filter((r) => !pending.removals.has(r.id)), ...waiting]
    .sort((a, b) => newestFirst(keyOf(a), keyOf(b)))
    .slice(offset, offset + Math.max(0, limit));
  return {
    records,
    total: fromDb.total - removedTotal + waiting.length,
    unread: fromDb.unread - removedUnread + waiting.filter((r) => !r.read).length,
  };
}

function pageFromDatabase(
  src: ListSource,
  start: number,
  limit: number,
  query: SearchQuery | null | undefined,
  pending: PendingView | null,
): ListPage {
  const conditions = query ? searchConditions(query) : [];
  const where =
    conditions.length === 0 ? '' : `WHERE ${conditions.map((c) => `(${c.sql})`).join(' AND ')}`;
  const params = conditions.flatMap((c) => c.params);
  const db = src.db();
  const offset = Math.max(0, start);
  let total = src.total();
  let unread = src.unread();
  if (pending) {
    // writes are waiting (a full disk): the counters include them, the database does not
    const counts = src.sql().counts.get() as { total: number; unread: number | null };
    total = counts.total;
    unread = counts.unread ?? 0;
  }
  let ids: number[];
  if (conditions.length > 0) {
    // one pass over the table collects the matches; sorting them here is cheaper than asking
    // SQLite to walk the ID index and look every row up, and gives the counts in the same pass
    const rows = db
      .prepare(`SELECT m.received_ms, m.id, m.rowid, m.read FROM messages m ${where}`)
      .raw()
      .all(...params) as [number, string, number, number][];
    rows.sort(newestFirst);
    total = rows.length;
    unread = 0;
    for (const row of rows) if (row[3] === 0) unread++;
    ids = rows.slice(offset, offset + Math.max(0, limit)).map((row) => row[2]);
  } else {
    const wanted = Math.max(0, Math.min(limit, total - offset));
    if (wanted === 0) return { records: [], total, unread };
    // the oldest pages walk from the oldest end, so every page costs the same
    const fromOldest = offset > total / 2;
    ids = db
      .prepare(
        `SELECT m.rowid FROM messages m ORDER BY m.received_ms ${fromOldest ? 'ASC' : 'DESC'}, m.id ${fromOldest ? 'ASC' : 'DESC'} LIMIT ? OFFSET ?`,
      )
      .pluck()
      .all(wanted, fromOldest ? total - offset - wanted : offset) as number[];
    if (fromOldest) ids.reverse();
  }
  const records = ids.map((rowid) =>
    src.fromJson(src.sql().recordByRowid.pluck().get(rowid) as string),
  );
  return { records, total, unread };
}

/** True when the message `id` matches the search. */
export function matchesSearch(src: ListSource, id: string, query: SearchQuery): boolean {
  src.flush();
  const conditions = searchConditions(query);
  if (conditions.length === 0) return src.sql().rowidOf.pluck().get(id) !== undefined;
  const where = conditions.map((c) => `(${c.sql})`).join(' AND ');
  const row = src
    .db()
    .prepare(`SELECT 1 FROM messages m WHERE m.id = ? AND ${where}`)
    .get(id, ...conditions.flatMap((c) => c.params));
  return row !== undefined;
}

export interface OldestFirstOptions {
  capturedOnly?: boolean;
  relayedOnly?: boolean;
  taggedOnly?: boolean;
  /** Only messages received at or before this time (ms). */
  receivedBefore?: number;
}

/** Oldest first, read from the database in chunks (safe to change the index meanwhile). */
export function* oldestFirst(
  src: ListSource,
  options: OldestFirstOptions = {},
): Generator<MessageRecord> {
  const chunk = 500;
  let after = '';
  const filter = [
    options.capturedOnly ? 'm.relayed = 0' : '',
    options.relayedOnly ? 'm.relayed = 1' : '',
    options.receivedBefore === undefined
      ? ''
      : `m.received_ms <= ${Math.floor(options.receivedBefore)}`,
    options.taggedOnly ? "m.tags_key <> ''" : '',
  ]
    .filter(Boolean)
    .map((c) => ` AND ${c}`)
    .join('');
  const statement = src
    .db()
    .prepare(
      `SELECT r.record FROM messages m JOIN message_records r ON r.rowid = m.rowid WHERE m.id > ?${filter} ORDER BY m.id LIMIT ?`,
    );
  for (;;) {
    src.flush();
    const rows = statement.pluck().all(after, chunk) as string[];
    for (const json of rows) {
      const record = src.fromJson(json);
      after = record.id;
      yield record;
    }
    if (rows.length < chunk) return;
  }
}

/** One message received over SMTP, as the quotas count it. */
export interface SmtpArrival {
  clientIp: string;
  user: string | null;
  /** When it was received (ms). */
  at: number;
  recipients: number;
}

/**
 * The messages received over SMTP since `since` (ms), oldest first: a quota saved while running
 * counts them (QuotaLedger), so one set mid-incident does not hand a stolen login its whole
 * allowance again. Read from the stored records' envelopes in the database, without parsing them.
 */
export function smtpArrivalsSince(src: ListSource, since: number): SmtpArrival[] {
  src.flush();
  const rows = src
    .db()
    .prepare(
      `SELECT m.received_ms AS at,
         json_extract(r.record, '$.envelope.clientIp') AS clientIp,
         json_extract(r.record, '$.envelope.user') AS user,
         json_array_length(r.record, '$.envelope.rcptTo') AS recipients
       FROM messages m JOIN message_records r ON r.rowid = m.rowid
       WHERE m.received_ms > ? AND json_extract(r.record, '$.envelope.origin') IS NULL
       ORDER BY m.received_ms`,
    )
    .all(Math.floor(since)) as Array<{
    at: number;
    clientIp: string | null;
    user: string | null;
    recipients: number | null;
  }>;
  return rows.map((row) => ({
    clientIp: row.clientIp ?? '',
    user: row.user,
    at: row.at,
    recipients: row.recipients ?? 0,
  }));
}
