// The delivery lists the queue has handed to its journal that are not on disk yet, and for each
// such message the newest list that is. Another change to the message (a read flag, tags, a
// release, a folding of the journal) writes that list to the index and the sidecar, never the
// queue's newer one: the index commits in batches of its own, and a list written there before its
// journal line was on disk could outlive a kill -9 that kept the line off the disk. The restarted
// relay then trusted an index saying `relayed` where the journal and the sidecar said `sending`,
// and an index made anew from the sidecars sent the message again. The newer list reaches the
// index when its line is on disk (DeliveryJournal's `index`), the sidecar when the journal is
// folded.
import type { MessageRecord, RecipientDelivery } from '../message-record.js';

interface Waiting {
  /** Lists of the message handed to the journal and not yet written (or failed). */
  lists: number;
  /** The newest list of the message on disk. */
  onDisk: RecipientDelivery[] | undefined;
}

export class UnsyncedDeliveries {
  /** Only messages with a list on its way (or one that failed): a few at a time. */
  private readonly byId = new Map<string, Waiting>();

  /**
   * The queue hands the message's list to the journal; `replaced`: its list before this change,
   * on disk unless an earlier list of it is still on its way (then that one's predecessor is).
   */
  handed(id: string, replaced: RecipientDelivery[] | undefined): void {
    const waiting = this.byId.get(id);
    if (waiting) waiting.lists++;
    else this.byId.set(id, { lists: 1, onDisk: replaced });
  }

  /** A list handed over is on disk now (lists of one message are written in the order handed). */
  written(id: string, delivery: RecipientDelivery[] | undefined): void {
    const waiting = this.byId.get(id);
    if (!waiting) return;
    waiting.onDisk = delivery;
    if (--waiting.lists <= 0) this.byId.delete(id);
  }

  /**
   * A list handed over never reached the disk (its write failed): the message's list on disk
   * stays the one before, even with nothing on its way, until a later list of it is written (the
   * journal's lines carry the whole list).
   */
  lost(id: string): void {
    const waiting = this.byId.get(id);
    if (waiting) waiting.lists--;
  }

  /** The newest delivery list of `record` that is on disk (its own when none is on its way). */
  onDisk(record: MessageRecord): RecipientDelivery[] | undefined {
    const waiting = this.byId.get(record.id);
    return waiting ? waiting.onDisk : record.delivery;
  }

  /** The record as it may be written to its sidecar: with its delivery list on disk. */
  stored(record: MessageRecord): MessageRecord {
    const delivery = this.onDisk(record);
    if (delivery === record.delivery) return record;
    const { delivery: _unsynced, ...rest } = record;
    return delivery ? { ...rest, delivery } : rest;
  }
}
