// The index's order and counts after pruning from the front (the retention cap) and elsewhere.
import { expect, it } from 'vitest';
import { MessageIndex } from '../../main/core/index/message-index.js';
import type { MessageRecord } from '../../main/core/message-record.js';

function record(n: number, relayed = false): MessageRecord {
  return {
    id: `m${String(n).padStart(4, '0')}`,
    read: n % 2 === 0,
    ...(relayed ? { delivery: [] } : {}),
  } as unknown as MessageRecord;
}

const ids = (index: MessageIndex): string[] => [...index.oldestFirst()].map((r) => r.id);

it('removes the oldest from the front and keeps order, counts and paging right', () => {
  const index = new MessageIndex();
  for (let n = 1; n <= 6; n++) index.add(record(n, n === 2 || n === 5));
  expect(index.withDelivery).toBe(2);
  expect(index.oldestIds(2)).toEqual(['m0001', 'm0002']);

  expect(index.remove(index.oldestIds(2))).toEqual(['m0001', 'm0002']);
  expect(ids(index)).toEqual(['m0003', 'm0004', 'm0005', 'm0006']);
  expect(index.size).toBe(4);
  expect(index.unread).toBe(2);
  expect(index.withDelivery).toBe(1);
  expect(index.page(0, 2).records.map((r) => r.id)).toEqual(['m0006', 'm0005']);
  expect(index.latest()?.id).toBe('m0006');

  // not a prefix: the middle goes, the rest keeps its order
  expect(index.remove(['m0005', 'm0003', 'absent'])).toEqual(['m0005', 'm0003']);
  expect(ids(index)).toEqual(['m0004', 'm0006']);
  expect(index.withDelivery).toBe(0);

  index.add(record(7));
  expect(ids(index)).toEqual(['m0004', 'm0006', 'm0007']);
  expect(index.oldestIds(0)).toEqual([]);
});
