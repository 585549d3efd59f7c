// Writes the message index off the SMTP event loop, on its own connection to index.sqlite (WAL
// mode: the main thread's connection reads meanwhile). Plain JavaScript on purpose, like
// parse-worker.js: a worker thread cannot load TypeScript, and this file runs from the sources
// (tests) and from the build. Its messages and the shared state are declared in index-writer.ts;
// the SQL comes from the main thread (index-statements.ts), so the columns are written down once.
//
// It runs in whichever thread is given the port: the parse worker's in the service (one thread
// and one V8 heap fewer than a worker of its own: about 12 MB of peak memory under load), or
// its own worker (index-write-worker.js) where there is no parser, as in tools and tests.
//
// Batches wait here a moment for company (the trigram table costs half the CPU per row in batches
// of 50 than one by one), then commit in one transaction; the number of the last batch committed
// goes into shared memory, where a read on the main thread can wait for it.
import { createRequire } from 'node:module';
import { fullTextRow } from '../search/search-words.js';

/** @import { MessagePort } from 'node:worker_threads' */
/** @import { Database, Statement } from 'better-sqlite3' */
/**
 * @import { Batch, IndexOp, IndexWritesData, IndexWritesMessage, IndexWritesReply }
 *   from './index-writer.js'
 */
/**
 * What is read of a thrown value (anything may be thrown).
 * @typedef {{ message?: unknown } | null | undefined} ErrorLike
 */

const COMMITTED = 0;
const FAILING = 1;
const CLOSED = 2;

/**
 * Serves the index writes sent on `port` (a worker's parentPort, or a MessagePort). An error that
 * is not a failed commit (the database cannot be opened at all) is said as `{crashed}` and the
 * port closed: the main thread sees the end of its writer, as if a worker of its own had died,
 * and the thread hosting this (the parse worker) goes on with its other work.
 * @param {MessagePort} port
 * @param {IndexWritesData} data
 */
export function serveIndexWrites(port, { path, sql, shared, delayMs, batchOps }) {
  const state = new Int32Array(shared);
  /** What the main thread reads of this one (index-writer.ts). */
  const reply = (/** @type {IndexWritesReply} */ message) => port.postMessage(message);
  /** @type {Database | undefined} */
  let db;
  const crash = (/** @type {unknown} */ thrown) => {
    const err = /** @type {ErrorLike} */ (thrown);
    try {
      db?.close();
    } catch {
      // closing is the last thing tried; its failure changes nothing
    }
    reply({ crashed: err && err.message ? String(err.message) : String(err) });
    port.close();
  };

  /**
   * The statements by name (the names of index-statements.ts's writeSql).
   * @type {Record<keyof IndexWritesData['sql'], Statement>}
   */
  let s;
  /** @type {(batches: Batch[]) => void} */
  let write;
  try {
    /** @type {typeof import('better-sqlite3')} */
    const Sqlite = createRequire(import.meta.url)('better-sqlite3');
    db = new Sqlite(path);
    // first, so that the pragmas below wait for a lock another connection holds instead of failing
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // This connection only appends and deletes rows, so it needs few pages in its cache.
    // SQLite's default 2 MB cache, mixed in this thread's malloc arena with the trigram table's
    // short-lived buffers, kept that arena near 20 MB under a 2 KB × 10 sessions load. With 1 MB
    // the process peaks about 8 MB lower, and CPU per message is the same (issue 12).
    db.pragma('cache_size = -1000');
    s = /** @type {Record<keyof IndexWritesData['sql'], Statement>} */ (
      Object.fromEntries(
        Object.entries(sql).map(([name, text]) => [
          name,
          /** @type {Database} */ (db).prepare(text),
        ]),
      )
    );
    write = db.transaction((/** @type {Batch[]} */ batches) => {
      // a spool stamp holds only while no write follows it: the first write after one (in this
      // transaction, or in a later one) clears it, so a crash never finds a stamp older than a row
      let cleared = false;
      for (const batch of batches) {
        for (const op of batch.ops) {
          if (op.kind === 'stamp') {
            s.setSpoolStamp.run(op.value);
            cleared = false;
            continue;
          }
          if (!cleared) s.clearSpoolStamp.run();
          cleared = true;
          apply(op);
        }
      }
    });
  } catch (err) {
    crash(err);
    return;
  }

  /** @param {string} id */
  function deleteById(id) {
    const rowid = s.rowidOf.pluck().get(id);
    if (rowid === undefined) return;
    s.deleteMessage.run(rowid);
    s.deleteRecord.run(rowid);
    s.deleteText.run(rowid);
    s.deleteBodyPending.run(id);
  }

  /** @param {Exclude<IndexOp, { kind: 'stamp' }>} op */
  function apply(op) {
    if (op.kind === 'add') {
      // a batch sent again after a restart of this thread may hold a row already committed
      deleteById(op.row.id);
      const { lastInsertRowid } = s.insertMessage.run(op.row);
      s.insertRecord.run(lastInsertRowid, op.json);
      // the body text is cleaned here, not on the SMTP thread: for a 100 KB message its 16 K
      // characters, cleaned and joined there, were a quarter of what that thread allocated
      s.insertText.run(lastInsertRowid, fullTextRow(op.headerWords, op.bodyText));
    } else if (op.kind === 'remove') {
      deleteById(op.id);
    } else if (op.kind === 'body') {
      // a row made from a sidecar holds its header words only (insertRow) until the body read
      // again from its .eml joins them; one removed meanwhile, or done already, is left alone
      if (s.bodyPendingOf.pluck().get(op.id) === undefined) return;
      const rowid = s.rowidOf.pluck().get(op.id);
      if (rowid !== undefined) {
        const headerWords = /** @type {string | undefined} */ (s.textOf.pluck().get(rowid)) ?? '';
        s.deleteText.run(rowid);
        s.insertText.run(rowid, fullTextRow(headerWords, op.bodyText));
      }
      s.deleteBodyPending.run(op.id);
    } else {
      const rowid = s.rowidOf.pluck().get(op.row.id);
      if (rowid === undefined) return;
      s.updateMessage.run({ ...op.row, rowid });
      s.updateRecord.run(op.json, rowid);
    }
  }

  /**
   * Batches received and not yet committed, in the order they were sent.
   * @type {Batch[]}
   */
  let waiting = [];
  let waitingOps = 0;
  /** @type {NodeJS.Timeout | null} */
  let timer = null;

  function commit() {
    if (timer) clearTimeout(timer);
    timer = null;
    if (waiting.length === 0) return true;
    try {
      write(waiting);
    } catch (thrown) {
      // an Error of better-sqlite3's (SQLITE_FULL)
      const err = /** @type {{ message: string }} */ (thrown);
      // a full disk: the spool has the messages; the main thread answers reads with what waits
      // here, and this tries again in a second (or at the next read)
      if (Atomics.load(state, FAILING) === 0) reply({ failed: err.message });
      Atomics.store(state, FAILING, 1);
      Atomics.notify(state, COMMITTED);
      timer = setTimeout(commit, 1000);
      return false;
    }
    // not empty (above)
    const last = /** @type {Batch} */ (waiting[waiting.length - 1]).seq;
    waiting = [];
    waitingOps = 0;
    if (Atomics.load(state, FAILING) === 1) reply({ writing: true });
    Atomics.store(state, FAILING, 0);
    Atomics.store(state, COMMITTED, last);
    Atomics.notify(state, COMMITTED);
    return true;
  }

  port.on('message', (/** @type {IndexWritesMessage} */ message) => {
    try {
      if (message.close) {
        const committed = commit();
        if (timer) clearTimeout(timer);
        timer = null;
        /** @type {Database} */ (db).close();
        db = undefined;
        Atomics.store(state, CLOSED, committed ? 1 : 2);
        Atomics.notify(state, CLOSED);
        port.close();
        return;
      }
      if (message.ops.length > 0) {
        waiting.push(message);
        waitingOps += message.ops.length;
      }
      if (message.now || waitingOps >= batchOps) commit();
      else timer ??= setTimeout(commit, delayMs);
    } catch (err) {
      if (timer) clearTimeout(timer);
      timer = null;
      crash(err);
    }
  });
}
