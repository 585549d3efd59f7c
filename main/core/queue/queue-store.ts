// The queue's view of the message store: records from the index, state changes to the journal,
// the bytes to send from the spool, the redirect header and the DKIM signature.
import { readFileSync } from 'node:fs';
import type { MessageRecord } from '../message-record.js';
import { applyRedirect } from '../routing-rules/index.js';
import type { MessageStore } from '../service/message-store.js';
import type { DkimSigning } from '../signing/dkim-signing.js';
import type { DeliveryJournal } from './delivery-journal.js';
import type { QueueStore } from './queue-options.js';
import { messageStatus } from './recipient-state.js';

/**
 * Up to this size a message is read with one synchronous call: the file was written moments ago
 * (in the page cache), and four trips through libuv's thread pool (open, stat, read, close) cost
 * the main thread more than the copy, and make the spool's writes of new arrivals wait.
 */
export const readAtOnceBelow = 64 * 1024;

export function queueStore(
  store: MessageStore,
  journal: DeliveryJournal,
  dkim: DkimSigning,
  now: () => number,
): QueueStore {
  return {
    records: () => store.index.workingOldestFirst(),
    get: (id) => store.index.get(id),
    save: (record, passing, replaced) => {
      if (messageStatus(record.delivery) !== 'queued') store.arrivalBytes.forget(record.id);
      // until its line is on disk, the record's other writes (a read flag, tags) take `replaced`
      store.unsyncedDeliveries.handed(record.id, replaced);
      if (passing) return journal.append(record);
      // the working set takes the change now, the index's database once the journal has it on
      // disk (JournalOptions.index)
      store.index.remember(record);
      return journal.append(record, true);
    },
    raw: (id) => messageBytes(store, id),
    redirectBody: (raw, originals) => applyRedirect(raw, originals),
    sign: (raw) => dkim.sign(raw, new Date(now())),
  };
}

async function messageBytes(store: MessageStore, id: string): Promise<Buffer> {
  const kept = store.arrivalBytes.get(id);
  if (kept) return kept;
  const record: MessageRecord | undefined = store.index.get(id);
  const path = store.spool.emlPath(id);
  if (record && record.size < readAtOnceBelow) {
    try {
      return readFileSync(path);
    } catch {
      // said by the asynchronous read below, as for a large message
    }
  }
  // a file that cannot be read is said in the user's words, without its path (the attempt's
  // reason is shown in the Delivery tab and given by the API)
  return store.spool.readRaw(id);
}
