// Which due recipients go to the upstream together. A redirected recipient goes to its target
// with the original addresses in a header, so each target is a transaction of its own; the rest
// go together, at most 50 at a time.
import type { MessageRecord } from '../message-record.js';
import { isDue } from './recipient-state.js';

/** RFC 5321 §4.5.3.1.8 requires servers to take 100; 50 is what Postfix and cloud relays use. */
export const maxRecipientsPerTransaction = 50;

export interface Batch {
  id: string;
  /** Indexes into the record's delivery list. */
  indexes: number[];
  deliverTo: string[];
  redirectOriginals: string[] | null;
}

export function dueBatches(record: MessageRecord, now: number): Batch[] {
  const due = (record.delivery ?? [])
    .map((r, index) => ({ r, index }))
    .filter(({ r }) => isDue(r, now));
  const batches: Batch[] = [];
  const direct = due.filter(({ r }) => r.deliverTo === r.address);
  for (let i = 0; i < direct.length; i += maxRecipientsPerTransaction) {
    const slice = direct.slice(i, i + maxRecipientsPerTransaction);
    batches.push({
      id: record.id,
      indexes: slice.map((d) => d.index),
      deliverTo: slice.map((d) => d.r.deliverTo),
      redirectOriginals: null,
    });
  }
  const redirected = new Map<string, typeof due>();
  for (const item of due.filter(({ r }) => r.deliverTo !== r.address)) {
    redirected.set(item.r.deliverTo, [...(redirected.get(item.r.deliverTo) ?? []), item]);
  }
  for (const [target, items] of redirected) {
    batches.push({
      id: record.id,
      indexes: items.map((d) => d.index),
      deliverTo: [target],
      redirectOriginals: items.map((d) => d.r.address),
    });
  }
  return batches;
}
