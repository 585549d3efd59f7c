// The batched writer: arrivals and prunes wait here for their transaction. The full-text table
// costs half the CPU per row in batches of 50 than one by one (a segment and its merges per
// transaction), so writes are held a moment for company. Every read writes them first, and a
// crash before the write loses nothing: the sidecars are on disk and the start-up check puts the
// index right.
import type { MessageRecord } from '../message-record.js';

/** Writes wait at most this long for company, or until this many are waiting (schedule). */
const flushDelayMs = 200;
const flushBatch = 256;

export class PendingWrites {
  /** Arrivals not yet written: concurrent arrivals share one transaction. */
  arrivals = new Map<string, MessageRecord>();
  /** Removals not yet written (pruning at the cap): they join the arrivals' transaction. */
  removals = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  /** Why the last write failed (a full disk), until one succeeds again. */
  private failure: string | null = null;

  /** `write` runs one transaction; `log` hears when writes fail and when they work again. */
  constructor(
    private readonly write: (batch: MessageRecord[], removals: string[]) => void,
    private readonly log: (line: string) => void,
  ) {}

  /** Writes the arrivals and removals waiting for their transaction. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.arrivals.size === 0 && this.removals.size === 0) return;
    const batch = [...this.arrivals.values()];
    const removals = [...this.removals];
    try {
      this.write(batch, removals);
    } catch (err) {
      // a full disk: the messages are safe in the spool; keep them here, answer reads with
      // them too (page), and try again in a while
      if (this.failure === null)
        this.log(`index: cannot write (${(err as Error).message}); trying again every second`);
      this.failure = (err as Error).message;
      this.timer = setTimeout(() => this.flush(), 1000);
      this.timer.unref();
      return;
    }
    this.arrivals = new Map();
    this.removals = new Set();
    if (this.failure !== null) this.log('index: writing again');
    this.failure = null;
  }

  /** Writes now when enough are waiting, else within flushDelayMs. */
  schedule(): void {
    if (this.arrivals.size + this.removals.size >= flushBatch) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), flushDelayMs);
  }

  /** At close: no write may fire on a closed database. */
  cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}
