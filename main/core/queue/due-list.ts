// Which messages have work for the queue, kept as their delivery states change, so that finding
// the next message to send and the next time to wake up never walks every relayed message (a
// walk per arrival and per finished attempt made the relay quadratic in the queue's length).
//
// - ready: messages with a recipient that may go now (pending, or deferred without a time),
//   oldest first (IDs sort by arrival, as the index's relayedOldestFirst does);
// - later: messages whose recipients wait for a time: the earliest of those times.
// A message is in at most one of the two; held, sending and final recipients put it in neither.
import type { MessageRecord } from '../message-record.js';

export class DueList {
  private readonly ready: string[] = [];
  private readonly readySet = new Set<string>();
  private readonly later = new Map<string, number>();

  /** Files a message by its recipients' states as they are now. */
  note(record: MessageRecord): void {
    let goesNow = false;
    let waitsUntil = Infinity;
    for (const r of record.delivery ?? []) {
      if (r.state === 'pending') goesNow = true;
      else if (r.state === 'deferred') {
        if (r.nextAttemptAt === null) goesNow = true;
        else waitsUntil = Math.min(waitsUntil, Date.parse(r.nextAttemptAt));
      }
    }
    if (goesNow) {
      this.later.delete(record.id);
      this.addReady(record.id);
    } else {
      this.removeReady(record.id);
      if (waitsUntil < Infinity) this.later.set(record.id, waitsUntil);
      else this.later.delete(record.id);
    }
  }

  forget(id: string): void {
    this.removeReady(id);
    this.later.delete(id);
  }

  /** Empties the list and files every message of `records` (at start, or when asked to look again). */
  rebuild(records: Iterable<MessageRecord>): void {
    this.ready.length = 0;
    this.readySet.clear();
    this.later.clear();
    for (const record of records) this.note(record);
  }

  /** Messages that may go at `now`, oldest first; those whose time has come join them first. */
  readyAt(now: number): readonly string[] {
    for (const [id, at] of this.later) {
      if (at > now) continue;
      this.later.delete(id);
      this.addReady(id);
    }
    return this.ready;
  }

  /** The earliest time a waiting message is due, or Infinity. */
  wakeAt(): number {
    let next = Infinity;
    for (const at of this.later.values()) if (at < next) next = at;
    return next;
  }

  /** Whether a message may go now without waiting for a time (pending mail, a retry by hand). */
  get hasReady(): boolean {
    return this.ready.length > 0;
  }

  get size(): number {
    return this.ready.length + this.later.size;
  }

  private addReady(id: string): void {
    if (this.readySet.has(id)) return;
    this.readySet.add(id);
    const last = this.ready[this.ready.length - 1];
    // arrivals come in ID order: appending is the usual case
    if (last === undefined || last < id) this.ready.push(id);
    else this.ready.splice(this.position(id), 0, id);
  }

  private removeReady(id: string): void {
    if (!this.readySet.delete(id)) return;
    this.ready.splice(this.position(id), 1);
  }

  /** Where `id` is or would go in the sorted ready list. */
  private position(id: string): number {
    let low = 0;
    let high = this.ready.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.ready[mid] as string) < id) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
