// One object per message: the records the index hands out. Those with delivery work left (a
// recipient pending, sending, deferred or held) stay in memory: the queue walks them on every
// run. Every other record, relayed ones whose recipients are all final included, is remembered
// only while someone still holds it (a weak reference), so two callers never change two copies of
// one message, and memory stays flat with the number of messages. (Relayed records used to stay
// for as long as they were kept, a heap growing with every message relayed and garbage collection
// marking all of it: 3,000 relayed 2 KB messages added 18 MB of live heap.) Of every relayed
// message only its status is kept, for the counts (retention, the tray).
import type { MessageStatus } from '../../../preload/api-contract.js';
import type { MessageRecord } from '../message-record.js';
import { hasDeliveryWork, messageStatus } from '../queue/recipient-state.js';

export class HeldRecords {
  /** Records with delivery work left, by ID: the queue's working set. */
  private readonly working = new Map<string, MessageRecord>();
  /** The status of every message with a delivery plan, by ID. */
  private readonly relayed = new Map<string, MessageStatus>();
  private readonly live = new Map<string, WeakRef<MessageRecord>>();
  private readonly gone = new FinalizationRegistry<string>((id) => {
    if (this.live.get(id)?.deref() === undefined) this.live.delete(id);
  });

  /** The object already handed out for `id`, if it is still held. */
  known(id: string): MessageRecord | undefined {
    return this.working.get(id) ?? this.live.get(id)?.deref();
  }

  remember(record: MessageRecord): void {
    const status = record.delivery ? messageStatus(record.delivery) : null;
    if (status === null) this.relayed.delete(record.id);
    else this.relayed.set(record.id, status);
    if (status !== null && hasDeliveryWork(status)) this.working.set(record.id, record);
    else this.working.delete(record.id);
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
    this.working.delete(id);
    this.relayed.delete(id);
    this.live.delete(id);
  }

  /**
   * The relayed messages read again from the database (at open and after a rebuild): the status
   * of each, and the records of those with work left (by their status).
   */
  reload(
    statuses: Iterable<[string, MessageStatus]>,
    working: Iterable<MessageRecord>,
    { keepLive }: { keepLive: boolean },
  ): void {
    if (!keepLive) this.live.clear();
    this.working.clear();
    this.relayed.clear();
    for (const [id, status] of statuses) this.relayed.set(id, status);
    for (const record of working) this.working.set(record.id, this.known(record.id) ?? record);
  }

  /** How many messages have a delivery plan. */
  get relayedCount(): number {
    return this.relayed.size;
  }

  /** The statuses of the messages with a delivery plan. */
  relayedStatuses(): IterableIterator<MessageStatus> {
    return this.relayed.values();
  }

  /** Records with delivery work left, oldest first. */
  workingOldestFirst(): MessageRecord[] {
    return [...this.working.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}
