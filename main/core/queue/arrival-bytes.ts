// The bytes of small messages planned for relaying, kept from their arrival until the queue has
// sent them: the queue sends most messages within a second of their 250, and reading the .eml
// back (open, fstat, read, close) was 2 % of the SMTP thread's time when relaying (bench/relay-e2e.js,
// --cpu-prof). The .eml stays the source of truth: these are the same bytes, written there before
// the 250, and a message not kept here (too large, evicted, or after a restart) is read from it.
//
// Bounded by bytes, oldest out first: a queue that lags (an upstream down) falls back to the files
// rather than growing the memory.

/** Bytes kept at most, all messages together. */
export const keptBytesAtMost = 2 * 1024 * 1024;
/** A message larger than this is always read from its file. */
const keptMessageAtMost = 64 * 1024;

export class ArrivalBytes {
  private readonly kept = new Map<string, Buffer>();
  private bytes = 0;

  constructor(private readonly atMost = keptBytesAtMost) {}

  /** Keeps a message's bytes as written to its .eml (the caller must not change them after). */
  keep(id: string, raw: Buffer): void {
    if (raw.length > keptMessageAtMost || raw.length > this.atMost) return;
    this.forget(id);
    this.kept.set(id, raw);
    this.bytes += raw.length;
    for (const [oldest, bytes] of this.kept) {
      if (this.bytes <= this.atMost) break;
      this.kept.delete(oldest);
      this.bytes -= bytes.length;
    }
  }

  get(id: string): Buffer | undefined {
    return this.kept.get(id);
  }

  /** Nothing left to send (or the message is gone): the file will do for anything later. */
  forget(id: string): void {
    const raw = this.kept.get(id);
    if (!raw) return;
    this.kept.delete(id);
    this.bytes -= raw.length;
  }

  get size(): { messages: number; bytes: number } {
    return { messages: this.kept.size, bytes: this.bytes };
  }
}
