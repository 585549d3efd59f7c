// The index's writes, off the SMTP event loop: arrivals, prunes and changes go to another thread
// with its own connection (index-writes.js), which commits them in batches; this thread keeps its
// connection for reads. In the service that thread is the parse worker's (a port into it: one
// thread and one V8 heap fewer), elsewhere a worker of their own. Until a write is committed it is
// "pending" here, and reads stay right in two ways: a read that needs the database first waits
// (Atomics.wait, a few ms as a rule, readWaitMs at most) for the other thread to commit everything
// sent so far, and while it cannot write (a full disk) the pending writes are laid over the
// database's answers (index-list-queries.ts). A crash before the commit loses nothing: the
// sidecars are on disk, and the start-up check against the spool puts the index right.
import { Worker, type MessagePort } from 'node:worker_threads';
import type { MessageRecord } from '../message-record.js';
import type { IndexRow } from './index-row.js';
import { writeSql } from './index-statements.js';

/** One write as the worker applies it; rows and JSON are made here, the worker only runs SQL. */
export type IndexOp =
  /** Its full-text row: `headerWords` and `bodyText` as search-words.js's fullTextRow joins them. */
  | { kind: 'add'; row: IndexRow; json: string; headerWords: string; bodyText: string }
  | { kind: 'remove'; id: string }
  | { kind: 'update'; row: IndexRow; json: string }
  /** The body text of a row made from a sidecar, read again from its .eml, joins its full-text row. */
  | { kind: 'body'; id: string; bodyText: string }
  /** The spool folder's stamp, recorded when nothing was pending (message-index.ts). */
  | { kind: 'stamp'; value: string };

/** A batch as posted to the worker: its sequence number is what the worker reports committed. */
export interface Batch {
  seq: number;
  ops: IndexOp[];
  /** Commit at once (a read is waiting) instead of waiting for company. */
  now: boolean;
}

/** What the thread running the writes is posted (index-writes.js): a batch, or the end. */
export type IndexWritesMessage = (Batch & { close?: undefined }) | { close: true };

/** What the thread running the writes is given (index-writes.js reads these fields). */
export interface IndexWritesData {
  path: string;
  sql: ReturnType<typeof writeSql>;
  shared: SharedArrayBuffer;
  delayMs: number;
  batchOps: number;
}

/** What that thread says: a commit failed, commits work again, or it cannot write at all. */
export type IndexWritesReply = { failed?: string; writing?: boolean; crashed?: string };

/** The writes' thread as this side holds it. */
export interface IndexWritesHost {
  post(message: IndexWritesMessage): void;
  end(): void;
}

export interface IndexWritesEvents {
  message(reply: IndexWritesReply): void;
  /** When the thread (or the port into it) is gone; the writer heeds the first call. */
  ended(): void;
}

/** Starts the writes somewhere: a worker of their own by default (ownWorker). */
export type IndexWritesHosting = (
  data: IndexWritesData,
  events: IndexWritesEvents,
) => IndexWritesHost;

/** The writes in a worker of their own (index-write-worker.js). */
export const ownWorker: IndexWritesHosting = (data, events) => {
  const worker = new Worker(new URL('./index-write-worker.js', import.meta.url), {
    workerData: data,
  });
  worker.unref();
  worker.on('message', events.message);
  worker.on('error', (err) => events.message({ crashed: err.message }));
  worker.on('exit', events.ended);
  return { post: (message) => worker.postMessage(message), end: () => void worker.terminate() };
};

/** The writes in another worker, through a port into it (the parse worker's: MessageStore). */
export function portHost(port: MessagePort, events: IndexWritesEvents): IndexWritesHost {
  port.on('message', events.message);
  // the port closes when the thread on its other side ends, or closes it
  port.once('close', events.ended);
  port.unref();
  return { post: (message) => port.postMessage(message), end: () => port.close() };
}

/** `Atomics.waitAsync` (Node 16+; ES2024, past this project's `lib`). */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      array: Int32Array,
      index: number,
      value: number,
      timeoutMs: number,
    ): { async: false; value: string } | { async: true; value: Promise<string> };
  }
).waitAsync;

/** Slots of the shared Int32Array: the last batch committed, whether writes fail, closed. */
const COMMITTED = 0;
const FAILING = 1;
const CLOSED = 2;

/**
 * The worker commits after this long, or at once when this many writes wait, or a read asks.
 * (The queue's kill -9 tests lengthen it, to crash while changes wait for their commit.)
 */
const delayMs = Number(process.env.RELAYDESK_TEST_INDEX_COMMIT_MS || 100);
const batchOps = 256;
/**
 * How long a read waits (blocking this thread) for the commit before it answers with what it can:
 * list pages lay the pending writes over the database's answer, but other reads (the oldest
 * first, mailbox figures) would miss them, so it is generous. The writes' thread is the parse
 * worker's: its commits come within a few ms, unless a parse holds it (a message whose HTML takes
 * seconds to turn into text, at most the parse budget).
 */
const readWaitMs = 5000;

export interface PendingView {
  /** Arrivals not yet in the database. */
  arrivals: MessageRecord[];
  /** IDs removed here and still in the database. */
  removals: ReadonlySet<string>;
}

export class IndexWriter {
  /** The thread the writes run in, once started. */
  private host: IndexWritesHost | null = null;
  private readonly state = new Int32Array(new SharedArrayBuffer(16));
  private outbox: IndexOp[] = [];
  private outboxScheduled = false;
  private sentSeq = 0;
  /** Batches posted and not yet committed: sent again if the worker dies. */
  private inflight: Batch[] = [];
  /** Pending arrivals by ID, in the order sent, with the read flag they were sent with. */
  private readonly arrivals = new Map<string, { record: MessageRecord; seq: number }>();
  private readonly removals = new Map<string, number>();
  /** The read flag (0/1) last sent for an ID, while that write is pending: the unread counter. */
  private readonly reads = new Map<string, { read: number; seq: number }>();
  private closing = false;
  /** After a worker died: no new one before this time (ms). */
  private respawnAfter = 0;

  /** `log` hears when writes fail (a full disk) and when they work again. */
  constructor(
    private readonly path: string,
    private readonly log: (line: string) => void,
    private readonly hosting: IndexWritesHosting = ownWorker,
  ) {}

  /** The number of the batch the next write joins. */
  private get nextSeq(): number {
    return this.sentSeq + 1;
  }

  add(record: MessageRecord, op: IndexOp & { kind: 'add' }): void {
    const seq = this.nextSeq;
    this.removals.delete(record.id);
    this.arrivals.delete(record.id);
    this.arrivals.set(record.id, { record, seq });
    this.noteRead(record.id, op.row.read, seq);
    this.send(op);
  }

  remove(id: string): void {
    const seq = this.nextSeq;
    this.arrivals.delete(id);
    this.reads.delete(id);
    this.removals.delete(id);
    this.removals.set(id, seq);
    this.send({ kind: 'remove', id });
  }

  /**
   * A change travels with the writes of its turn of the event loop: a caller that rewrites a
   * sidecar after it waits for settled(), which sends it at once; the queue's journal waits for
   * settled() before it drops changes that only it holds.
   */
  update(op: IndexOp & { kind: 'update' }): void {
    this.noteRead(op.row.id, op.row.read, this.nextSeq);
    this.send(op);
  }

  /**
   * Resolves when everything sent so far is committed (or the worker cannot write), without
   * blocking this thread: a sidecar rewritten after this can never be ahead of the index, which
   * after a crash is checked against the spool's listing only, not against each sidecar.
   */
  async settled(): Promise<void> {
    // what was sent without haste (arrivals, the queue's changes) is committed now too
    if (this.outbox.length > 0 || Atomics.load(this.state, COMMITTED) < this.sentSeq)
      this.post(true);
    const target = this.sentSeq;
    for (;;) {
      const committed = Atomics.load(this.state, COMMITTED);
      if (committed >= target || Atomics.load(this.state, FAILING) === 1 || !this.host) return;
      const wait = waitAsync(this.state, COMMITTED, committed, 1000);
      if (wait.async) await wait.value;
    }
  }

  private noteRead(id: string, read: number, seq: number): void {
    this.reads.delete(id);
    this.reads.set(id, { read, seq });
  }

  /** Completes the full-text row of a message added from its sidecar (body-text-refill.ts). */
  body(op: IndexOp & { kind: 'body' }): void {
    this.send(op);
  }

  /**
   * Records the spool folder's stamp in the database; the worker clears it in the same
   * transaction as any later write, so a stamp found after a crash is one nothing followed.
   */
  stamp(value: string): void {
    this.send({ kind: 'stamp', value });
  }

  /** A pending arrival (the record as accepted), so a read right after the 250 finds it. */
  arrival(id: string): MessageRecord | undefined {
    this.settle();
    return this.arrivals.get(id)?.record;
  }

  isRemoved(id: string): boolean {
    this.settle();
    return this.removals.has(id);
  }

  /** The read flag of a pending write for `id`, if any (the database's may be older). */
  pendingRead(id: string): number | undefined {
    this.settle();
    return this.reads.get(id)?.read;
  }

  /** Pending removals, oldest first (to leave them out of a query that did not wait). */
  pendingRemovals(): IterableIterator<string> {
    this.settle();
    return this.removals.keys();
  }

  /** Pending arrivals, in the order they came. */
  pendingArrivals(): MessageRecord[] {
    this.settle();
    return [...this.arrivals.values()].map((a) => a.record);
  }

  private send(op: IndexOp): void {
    this.outbox.push(op);
    // writes made in one turn of the event loop travel together
    if (!this.outboxScheduled) {
      this.outboxScheduled = true;
      setImmediate(() => this.post(false));
    }
  }

  private post(now: boolean): void {
    this.outboxScheduled = false;
    if (this.outbox.length === 0 && !now) return;
    if (this.outbox.length === 0) {
      // nothing new: only ask the worker to commit what it holds
      this.host?.post({ seq: this.sentSeq, ops: [], now: true } satisfies Batch);
      return;
    }
    const batch: Batch = { seq: ++this.sentSeq, ops: this.outbox, now };
    this.outbox = [];
    this.inflight.push(batch);
    if (this.host) this.host.post(batch);
    // a new worker is sent every batch not yet committed, this one included
    else if (Date.now() >= this.respawnAfter) this.spawned();
    // dropping what is committed as writes go keeps the pending maps small under a steady load
    this.settle();
  }

  private spawned(): IndexWritesHost | null {
    if (this.host) return this.host;
    this.respawnAfter = 0;
    let host: IndexWritesHost | null = null;
    const events: IndexWritesEvents = {
      message: (message) => {
        if (message.crashed !== undefined)
          this.log(`index: the write worker failed (${message.crashed})`);
        else if (message.failed !== undefined)
          this.log(`index: cannot write (${message.failed}); trying again every second`);
        else if (message.writing) this.log('index: writing again');
      },
      ended: () => {
        if (!host || this.host !== host) return;
        this.host = null;
        if (this.closing) return;
        this.lost();
      },
    };
    try {
      host = this.hosting(
        {
          path: this.path,
          sql: writeSql(),
          shared: this.state.buffer as SharedArrayBuffer,
          delayMs,
          batchOps,
        },
        events,
      );
    } catch (err) {
      // no thread to host the writes (the parser was closed): they stay pending, laid over reads
      this.log(`index: the write worker failed (${(err as Error).message})`);
      this.lost();
      return null;
    }
    this.host = host;
    for (const batch of this.inflight) host.post(batch);
    return host;
  }

  /**
   * The writes' thread is gone: what it had not committed is sent again to a new one (an add
   * replaces its row) a second later, not in a loop if it cannot even start; meanwhile reads lay
   * it over.
   */
  private lost(): void {
    Atomics.store(this.state, FAILING, 1);
    Atomics.notify(this.state, COMMITTED);
    this.respawnAfter = Date.now() + 1000;
    setTimeout(() => {
      this.settle();
      if (!this.closing && !this.host && this.inflight.length > 0) this.spawned();
    }, 1000).unref();
  }

  /** True when nothing is pending: every write sent has been committed. */
  get idle(): boolean {
    this.settle();
    return this.outbox.length === 0 && this.inflight.length === 0;
  }

  /**
   * Sends what waits and blocks until the worker has committed all of it. False when the worker
   * cannot write (a full disk) or did not answer in time: then the pending writes stay pending.
   */
  commitNow(timeoutMs = readWaitMs): boolean {
    if (this.idle) return true;
    this.post(true);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const committed = Atomics.load(this.state, COMMITTED);
      if (committed >= this.sentSeq) break;
      if (Atomics.load(this.state, FAILING) === 1) return false;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      Atomics.wait(this.state, COMMITTED, committed, Math.min(left, 50));
    }
    this.settle();
    return true;
  }

  /** Drops from the pending maps what the worker has committed (they are in send order). */
  private settle(): void {
    const committed = Atomics.load(this.state, COMMITTED);
    if (this.inflight.length === 0 || (this.inflight[0] as Batch).seq > committed) return;
    this.inflight = this.inflight.filter((b) => b.seq > committed);
    for (const map of [this.arrivals, this.removals, this.reads] as Map<string, unknown>[]) {
      for (const [id, entry] of map) {
        const seq = typeof entry === 'number' ? entry : (entry as { seq: number }).seq;
        if (seq > committed) break;
        map.delete(id);
      }
    }
  }

  /**
   * Commits what is pending and ends the worker; true when everything sent was committed (then
   * the caller may mark a clean stop).
   */
  close(timeoutMs = 30_000): boolean {
    const committed = this.commitNow(timeoutMs);
    this.closing = true;
    const host = this.host;
    this.host = null;
    if (!host) return committed;
    host.post({ close: true });
    // its connection must be closed before ours folds the write-ahead log into the file
    const deadline = Date.now() + timeoutMs;
    while (Atomics.load(this.state, CLOSED) === 0 && Date.now() < deadline)
      Atomics.wait(this.state, CLOSED, 0, 50);
    host.end();
    return committed && Atomics.load(this.state, CLOSED) === 1;
  }

  /** Forgets every pending write (a rebuild replaced the whole content). */
  clear(): void {
    this.arrivals.clear();
    this.removals.clear();
    this.reads.clear();
  }

  /** The pending writes to lay over a database answer, or null when there are none. */
  pendingView(): PendingView | null {
    this.settle();
    if (this.arrivals.size === 0 && this.removals.size === 0) return null;
    return { arrivals: this.pendingArrivals(), removals: new Set(this.removals.keys()) };
  }
}
