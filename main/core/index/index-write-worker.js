// Writes the message index off the SMTP event loop, on its own connection to index.sqlite (WAL
// mode: the main thread's connection reads meanwhile). Plain JavaScript on purpose, like
// parse-worker.js: a worker thread cannot load TypeScript, and this file runs from the sources
// (tests) and from the build. Its messages and the shared state are declared in index-writer.ts;
// the SQL comes from the main thread (index-statements.ts), so the columns are written down once.
//
// Batches wait here a moment for company (the trigram table costs half the CPU per row in batches
// of 50 than one by one), then commit in one transaction; the number of the last batch committed
// goes into shared memory, where a read on the main thread can wait for it.
// first: a worker's start puts V8's flags back to their defaults (see heap-flags.js)
import '../load/heap-flags.js';
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

const Sqlite = createRequire(import.meta.url)('better-sqlite3');
const { path, sql, shared, delayMs, batchOps } = workerData;
const COMMITTED = 0;
const FAILING = 1;
const CLOSED = 2;
const state = new Int32Array(shared);

const db = new Sqlite(path);
// first, so that the pragmas below wait for a lock another connection holds instead of failing
db.pragma('busy_timeout = 5000');
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
const s = Object.fromEntries(Object.entries(sql).map(([name, text]) => [name, db.prepare(text)]));

function deleteById(id) {
  const rowid = s.rowidOf.pluck().get(id);
  if (rowid === undefined) return;
  s.deleteMessage.run(rowid);
  s.deleteRecord.run(rowid);
  s.deleteText.run(rowid);
}

function apply(op) {
  if (op.kind === 'add') {
    // a batch sent again after a worker restart may hold a row already committed
    deleteById(op.row.id);
    const { lastInsertRowid } = s.insertMessage.run(op.row);
    s.insertRecord.run(lastInsertRowid, op.json);
    s.insertText.run(lastInsertRowid, op.text);
  } else if (op.kind === 'remove') {
    deleteById(op.id);
  } else {
    const rowid = s.rowidOf.pluck().get(op.row.id);
    if (rowid === undefined) return;
    s.updateMessage.run({ ...op.row, rowid });
    s.updateRecord.run(op.json, rowid);
  }
}

const write = db.transaction((batches) => {
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

/** Batches received and not yet committed, in the order they were sent. */
let waiting = [];
let waitingOps = 0;
let timer = null;

function commit() {
  if (timer) clearTimeout(timer);
  timer = null;
  if (waiting.length === 0) return true;
  try {
    write(waiting);
  } catch (err) {
    // a full disk: the spool has the messages; the main thread answers reads with what waits
    // here, and this tries again in a second (or at the next read)
    if (Atomics.load(state, FAILING) === 0) parentPort.postMessage({ failed: err.message });
    Atomics.store(state, FAILING, 1);
    Atomics.notify(state, COMMITTED);
    timer = setTimeout(commit, 1000);
    return false;
  }
  const last = waiting[waiting.length - 1].seq;
  waiting = [];
  waitingOps = 0;
  if (Atomics.load(state, FAILING) === 1) parentPort.postMessage({ writing: true });
  Atomics.store(state, FAILING, 0);
  Atomics.store(state, COMMITTED, last);
  Atomics.notify(state, COMMITTED);
  return true;
}

parentPort.on('message', (message) => {
  if (message.close) {
    const committed = commit();
    if (timer) clearTimeout(timer);
    db.close();
    Atomics.store(state, CLOSED, committed ? 1 : 2);
    Atomics.notify(state, CLOSED);
    parentPort.close();
    return;
  }
  if (message.ops.length > 0) {
    waiting.push(message);
    waitingOps += message.ops.length;
  }
  if (message.now || waitingOps >= batchOps) commit();
  else timer ??= setTimeout(commit, delayMs);
});
