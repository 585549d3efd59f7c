// The in-memory index of summaries: what the list, search and the API's counts read. It is
// rebuilt from the sidecars at start. IDs sort by arrival, so one sorted array gives the order.
import type { MessageRecord } from '../message-record.js';

export class MessageIndex {
  private readonly byId = new Map<string, MessageRecord>();
  /** Ascending by ID, i.e. oldest first. */
  private ordered: string[] = [];
  private unreadCount = 0;
  /** Records planned for relaying: fixed from arrival on, and they count apart at retention. */
  private deliveryCount = 0;

  load(records: MessageRecord[]): void {
    this.byId.clear();
    this.unreadCount = 0;
    this.deliveryCount = 0;
    for (const record of records) {
      this.byId.set(record.id, record);
      if (!record.read) this.unreadCount++;
      if (record.delivery) this.deliveryCount++;
    }
    this.ordered = [...this.byId.keys()].sort();
  }

  add(record: MessageRecord): void {
    this.byId.set(record.id, record);
    if (!record.read) this.unreadCount++;
    if (record.delivery) this.deliveryCount++;
    const last = this.ordered[this.ordered.length - 1];
    if (last === undefined || last < record.id) this.ordered.push(record.id);
    else {
      // rare: a message stored out of order (clock step); keep the array sorted
      let i = this.ordered.length;
      while (i > 0 && (this.ordered[i - 1] as string) > record.id) i--;
      this.ordered.splice(i, 0, record.id);
    }
  }

  get(id: string): MessageRecord | undefined {
    return this.byId.get(id);
  }

  latest(): MessageRecord | undefined {
    const id = this.ordered[this.ordered.length - 1];
    return id === undefined ? undefined : this.byId.get(id);
  }

  setRead(record: MessageRecord, read: boolean): boolean {
    if (record.read === read) return false;
    record.read = read;
    this.unreadCount += read ? -1 : 1;
    return true;
  }

  remove(ids: Iterable<string>): string[] {
    const removed: string[] = [];
    for (const id of ids) {
      const record = this.byId.get(id);
      if (!record) continue;
      this.byId.delete(id);
      if (!record.read) this.unreadCount--;
      if (record.delivery) this.deliveryCount--;
      removed.push(id);
    }
    if (removed.length > 0) {
      const gone = new Set(removed);
      // pruning at the retention cap removes the oldest: drop them from the front without a
      // pass over the whole list (shift is cheap in V8); anything else filters the list once
      let front = 0;
      while (front < this.ordered.length && gone.has(this.ordered[front] as string)) front++;
      if (front === removed.length) for (let i = 0; i < front; i++) this.ordered.shift();
      else this.ordered = this.ordered.filter((id) => !gone.has(id));
    }
    return removed;
  }

  /** IDs of the `count` oldest messages. */
  oldestIds(count: number): string[] {
    return this.ordered.slice(0, Math.max(0, count));
  }

  get size(): number {
    return this.byId.size;
  }

  get unread(): number {
    return this.unreadCount;
  }

  /** How many messages have a delivery plan (were routed to be relayed). */
  get withDelivery(): number {
    return this.deliveryCount;
  }

  /** Newest first, optionally filtered, with paging; `total` counts all matches. */
  page(
    start: number,
    limit: number,
    filter?: (record: MessageRecord) => boolean,
  ): { records: MessageRecord[]; total: number; unread: number } {
    const records: MessageRecord[] = [];
    let total = 0;
    let unread = 0;
    for (let i = this.ordered.length - 1; i >= 0; i--) {
      const record = this.byId.get(this.ordered[i] as string) as MessageRecord;
      if (filter && !filter(record)) continue;
      if (total >= start && records.length < limit) records.push(record);
      total++;
      if (!record.read) unread++;
    }
    return { records, total, unread };
  }

  /** Oldest first. */
  *oldestFirst(): Generator<MessageRecord> {
    for (const id of this.ordered) yield this.byId.get(id) as MessageRecord;
  }
}
