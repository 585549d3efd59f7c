// One object per message: the records the index hands out. Those planned for relaying stay in
// memory (the queue walks them on every run, and they are few next to captured mail); any other
// record is remembered only while someone still holds it (a weak reference), so two callers never
// change two copies of one message, and memory stays flat with the number of messages.
import type { MessageRecord } from '../message-record.js';

export class HeldRecords {
  /** Records planned for relaying, by ID: the queue's working set. */
  private readonly relayed = new Map<string, MessageRecord>();
  private readonly live = new Map<string, WeakRef<MessageRecord>>();
  private readonly gone = new FinalizationRegistry<string>((id) => {
    if (this.live.get(id)?.deref() === undefined) this.live.delete(id);
  });

  /** The object already handed out for `id`, if it is still held. */
  known(id: string): MessageRecord | undefined {
    return this.relayed.get(id) ?? this.live.get(id)?.deref();
  }

  remember(record: MessageRecord): void {
    if (record.delivery) this.relayed.set(record.id, record);
    else this.relayed.delete(record.id);
    if (this.live.get(record.id)?.deref() !== record) {
      this.live.set(record.id, new WeakRef(record));
      this.gone.register(record, record.id);
    }
  }

  /** The object for a stored row: the one already handed out if it is still held. */
  fromJson(json: string): MessageRecord {
    const parsed = JSON.parse(json) as MessageRecord;
    const known = this.known(parsed.id);
    if (known) return known;
    this.remember(parsed);
    return parsed;
  }

  forget(id: string): void {
    this.relayed.delete(id);
    this.live.delete(id);
  }

  /** The working set read again from the database (at open and after a rebuild). */
  reload(relayed: Iterable<MessageRecord>, { keepLive }: { keepLive: boolean }): void {
    if (!keepLive) this.live.clear();
    this.relayed.clear();
    for (const record of relayed) this.relayed.set(record.id, record);
  }

  /** How many messages have a delivery plan. */
  get relayedCount(): number {
    return this.relayed.size;
  }

  /** Records planned for relaying, oldest first. */
  relayedOldestFirst(): MessageRecord[] {
    return [...this.relayed.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}
