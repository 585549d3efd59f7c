// The SQLite message index on a real file: order, counts and paging after pruning from the front
// (the retention cap) and elsewhere; the oldest page the same as the newest; one object per
// message while it is held; changes that survive closing and opening again.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { loadSqlite } from '../../main/core/index/index-database.js';
import { listPage, type ListSource } from '../../main/core/index/index-list-queries.js';
import { messageIdLookupSql } from '../../main/core/index/index-statements.js';
import { MessageIndex } from '../../main/core/index/message-index.js';
import type { RecipientState } from '../../preload/api-contract.js';
import type { MessageRecord, RecipientDelivery } from '../../main/core/message-record.js';
import { newRecipient } from '../../main/core/queue/delivery-transition.js';
import { parseSearchQuery } from '../../main/core/search/index.js';
import { makeRecord } from '../search/record-factory.js';

let dir: string;
let index: MessageIndex;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relaydesk-index-'));
  index = new MessageIndex();
  index.open(join(dir, 'index.sqlite'));
});

afterEach(async () => {
  index.close();
  await rm(dir, { recursive: true, force: true });
});

function record(n: number, relayed = false): MessageRecord {
  return makeRecord({
    id: `m${String(n).padStart(6, '0')}`,
    read: n % 2 === 0,
    summary: { subject: `message ${n}` },
    ...(relayed ? { delivery: [] } : {}),
  });
}

const ids = (): string[] => [...index.oldestFirst()].map((r) => r.id);

it('removes the oldest from the front and keeps order, counts and paging right', () => {
  for (let n = 1; n <= 6; n++) index.add(record(n, n === 2 || n === 5));
  expect(index.withDelivery).toBe(2);
  expect(index.oldestIds(2)).toEqual(['m000001', 'm000002']);

  expect(index.remove(index.oldestIds(2))).toEqual(['m000001', 'm000002']);
  expect(ids()).toEqual(['m000003', 'm000004', 'm000005', 'm000006']);
  expect(index.size).toBe(4);
  expect(index.unread).toBe(2);
  expect(index.withDelivery).toBe(1);
  expect(index.page(0, 2).records.map((r) => r.id)).toEqual(['m000006', 'm000005']);
  expect(index.latest()?.id).toBe('m000006');

  // not a prefix: the middle goes, the rest keeps its order
  expect(index.remove(['m000005', 'm000003', 'absent'])).toEqual(['m000005', 'm000003']);
  expect(ids()).toEqual(['m000004', 'm000006']);
  expect(index.withDelivery).toBe(0);

  index.add(record(7));
  expect(ids()).toEqual(['m000004', 'm000006', 'm000007']);
  expect(index.oldestIds(0)).toEqual([]);

  // an arrival pruned before its write (a burst at the cap) never reaches the file
  index.add(record(9));
  expect(index.remove(['m000009', 'm000004'])).toEqual(['m000009', 'm000004']);
  expect(index.remove(['m000004'])).toEqual([]);
  expect([index.size, index.unread]).toEqual([2, 1]);
  expect(ids()).toEqual(['m000006', 'm000007']);
});

it('serves every page, the oldest too, in newest-first order, filtered or not', () => {
  for (let n = 1; n <= 250; n++) index.add(record(n));
  const all = Array.from({ length: 250 }, (_, i) => `m${String(250 - i).padStart(6, '0')}`);
  for (const start of [0, 50, 120, 200, 240, 249, 250, 300]) {
    const page = index.page(start, 50);
    expect(
      page.records.map((r) => r.id),
      `start ${start}`,
    ).toEqual(all.slice(start, start + 50));
    expect(page.total).toBe(250);
  }
  const unread = parseSearchQuery('is:unread');
  const odd = all.filter((id) => Number(id.slice(1)) % 2 === 1);
  for (const start of [0, 60, 100, 124]) {
    const page = index.page(start, 20, unread);
    expect(page.records.map((r) => r.id)).toEqual(odd.slice(start, start + 20));
    expect([page.total, page.unread]).toEqual([125, 125]);
  }
});

it('hands out one object per message while it is held, and writes changes through', () => {
  index.add(record(1));
  index.add(record(2, true));
  const held = index.get('m000001') as MessageRecord;
  expect(index.page(0, 10).records.find((r) => r.id === 'm000001')).toBe(held);
  index.setRead(held, true);
  held.tags = ['Finance'];
  index.update(held);
  expect(index.unread).toBe(0);
  expect([...index.relayedOldestFirst()].map((r) => r.id)).toEqual(['m000002']);

  index.close();
  index = new MessageIndex();
  expect(index.open(join(dir, 'index.sqlite'))).toEqual({
    rebuildReason: null,
    uncleanStop: false,
  });
  const again = index.get('m000001') as MessageRecord;
  expect([again.read, again.tags, index.unread, index.size]).toEqual([true, ['Finance'], 0, 2]);
  expect(index.page(0, 10, parseSearchQuery('tag:finance')).records.map((r) => r.id)).toEqual([
    'm000001',
  ]);
  expect(index.mailboxes()).toEqual([{ Name: 'default', Total: 2, Unread: 0 }]);
  expect(index.totalBytes()).toBe(4096);
});

it('answers sizes, mailboxes and tags again after every kind of write', () => {
  index.add(record(1));
  // asked several times at once, as the GUI's panels do when it opens: one answer
  expect(index.mailboxes()).toEqual([{ Name: 'default', Total: 1, Unread: 1 }]);
  expect(index.totalBytes()).toBe(2048);
  index.add(record(3));
  expect(index.mailboxes()).toEqual([{ Name: 'default', Total: 2, Unread: 2 }]);
  expect(index.totalBytes()).toBe(4096);
  const held = index.get('m000001') as MessageRecord;
  index.setRead(held, true);
  held.tags = ['Finance'];
  index.update(held);
  expect(index.mailboxes()).toEqual([{ Name: 'default', Total: 2, Unread: 1 }]);
  expect([...index.tagged()].map((r) => r.id)).toEqual(['m000001']);
  index.remove(['m000003']);
  expect(index.mailboxes()).toEqual([{ Name: 'default', Total: 1, Unread: 0 }]);
  expect(index.totalBytes()).toBe(2048);
});

it('finds a body word only by the whole substring, not by its trigrams in another order', () => {
  index.add(makeRecord({ id: 'm1', summary: { searchText: 'the quick brown fox' } }));
  index.add(makeRecord({ id: 'm2', summary: { searchText: 'brown the quick' } }));
  const found = (q: string): string[] =>
    index.page(0, 10, parseSearchQuery(q)).records.map((r) => r.id);
  expect(found('"quick brown"')).toEqual(['m1']);
  expect(found('QUICK')).toEqual(['m2', 'm1']);
  expect(found('ox')).toEqual(['m1']);
  expect(found('!fox')).toEqual(['m2']);
  expect(index.matches('m2', parseSearchQuery('brown'))).toBe(true);
  expect(index.matches('m2', parseSearchQuery('fox'))).toBe(false);
});

it('answers from what was just written: arrivals, changes and removals before their commit', () => {
  for (let n = 1; n <= 3; n++) index.add(record(n));
  const first = index.get('m000001') as MessageRecord;
  index.setRead(first, false);
  first.tags = ['Urgent'];
  index.update(first);
  expect(index.page(0, 10, parseSearchQuery('tag:urgent')).records.map((r) => r.id)).toEqual([
    'm000001',
  ]);
  expect(index.page(0, 10, parseSearchQuery('is:unread')).total).toBe(2);
  expect(index.remove(['m000003'])).toEqual(['m000003']);
  expect(index.get('m000003')).toBeUndefined();
  expect(index.oldestIds(5)).toEqual(['m000001', 'm000002']);
  index.add(record(4));
  expect(index.oldestIds(5)).toEqual(['m000001', 'm000002', 'm000004']);
  expect(index.page(0, 10).records.map((r) => r.id)).toEqual(['m000004', 'm000002', 'm000001']);
  expect([index.size, index.unread]).toEqual([3, 1]);
  expect(index.matches('m000004', parseSearchQuery('subject:"message 4"'))).toBe(true);
});

it('keeps the unread count through delivery changes, read flags and a reopening', async () => {
  const relayed = makeRecord({ id: 'm000001', read: false, delivery: [] });
  const captured = makeRecord({ id: 'm000002', read: true });
  index.add(relayed);
  index.add(captured);
  expect(index.unread).toBe(1);
  // a delivery state changing again and again (every relayed message) leaves the count alone,
  // committed in between or not
  for (let n = 0; n < 3; n++) {
    relayed.delivery = [];
    index.update(relayed);
    await index.settled();
    index.update(relayed);
  }
  expect(index.unread).toBe(1);
  expect(index.setRead(relayed, true)).toBe(true);
  index.update(relayed);
  await index.settled();
  index.update(relayed);
  expect(index.unread).toBe(0);
  expect(index.setRead(captured, false)).toBe(true);
  expect(index.setRead(relayed, false)).toBe(true);
  expect(index.unread).toBe(2);
  await index.settled();
  index.close();

  // another process's view: the rows say the same as the count did
  index = new MessageIndex();
  index.open(join(dir, 'index.sqlite'));
  expect(index.unread).toBe(2);
  const again = index.get('m000001') as MessageRecord;
  index.update(again);
  expect(index.setRead(again, true)).toBe(true);
  expect(index.unread).toBe(1);
});

it('holds in memory only the records with delivery work left, and counts every relayed one', () => {
  const to = (state: RecipientState, address = 'r@example.test'): RecipientDelivery => ({
    ...newRecipient({ address, state: 'pending', rule: 'relay', at: new Date(0) }),
    state,
  });
  const relayed = (n: number, ...states: RecipientState[]): MessageRecord => ({
    ...record(n),
    delivery: states.map((state, i) => to(state, `r${i}@example.test`)),
  });
  index.add(record(1));
  index.add(relayed(2, 'pending'));
  index.add(relayed(3, 'relayed'));
  index.add(relayed(4, 'held', 'bounced'));
  index.add(relayed(5, 'relayed', 'bounced'));
  const working = (): string[] => index.workingOldestFirst().map((r) => r.id);
  const statuses = (): string[] => [...index.relayedStatuses()].sort();
  expect(working()).toEqual(['m000002', 'm000004']);
  expect([...index.relayedOldestFirst()].map((r) => r.id)).toEqual([
    'm000002',
    'm000003',
    'm000004',
    'm000005',
  ]);
  expect(statuses()).toEqual(['delivered', 'held', 'partial', 'queued']);
  expect([index.withDelivery, index.capturedCount]).toEqual([4, 1]);

  // delivered: out of the working set, still counted and listed
  const second = index.get('m000002') as MessageRecord;
  second.delivery = [to('relayed')];
  index.update(second);
  expect(working()).toEqual(['m000004']);
  expect(statuses()).toEqual(['delivered', 'delivered', 'held', 'partial']);
  expect(index.get('m000002')?.delivery?.[0]?.state).toBe('relayed');

  // read again at open from the database alone
  index.close();
  index = new MessageIndex();
  index.open(join(dir, 'index.sqlite'));
  expect(working()).toEqual(['m000004']);
  expect(statuses()).toEqual(['delivered', 'delivered', 'held', 'partial']);
  expect([index.withDelivery, index.capturedCount]).toEqual([4, 1]);
  expect([...index.relayedOldestFirst()].map((r) => r.delivery?.length)).toEqual([1, 1, 2, 2]);
});

it('names the tags in use with the oldest spelling and counts them, after every change', () => {
  const tagged = (n: number, tags: string[]): MessageRecord => ({ ...record(n), tags });
  const figures = () => {
    const { spellings, counts } = index.tags();
    return { spellings: Object.fromEntries(spellings), counts: Object.fromEntries(counts) };
  };
  expect(figures()).toEqual({ spellings: {}, counts: {} });
  index.add(tagged(1, ['Orders']));
  index.add(tagged(2, []));
  // sidecars written by hand or by an older version may spell one tag two ways
  index.add(tagged(3, ['orders', 'VIP']));
  index.add(tagged(4, ['Orders']));
  expect(figures()).toEqual({
    spellings: { orders: 'Orders', vip: 'VIP' },
    counts: { Orders: 3, VIP: 1 },
  });

  // the figure is asked again after each write, not kept from before it
  const first = index.get('m000001') as MessageRecord;
  first.tags = ['Signup'];
  index.update(first);
  expect(figures()).toEqual({
    spellings: { orders: 'orders', signup: 'Signup', vip: 'VIP' },
    counts: { orders: 2, Signup: 1, VIP: 1 },
  });
  index.remove(['m000003']);
  expect(figures()).toEqual({
    spellings: { orders: 'Orders', signup: 'Signup' },
    counts: { Orders: 1, Signup: 1 },
  });

  // and read from the file after a restart
  index.close();
  index = new MessageIndex();
  index.open(join(dir, 'index.sqlite'));
  expect(figures().counts).toEqual({ Orders: 1, Signup: 1 });
});

it('lists an arrival once when the worker commits it between the pending writes and the read', async () => {
  // After a full disk, the worker commits what waited as soon as there is space; a page that
  // took the waiting writes just before that commit, and read the database just after it, saw
  // those messages twice (a CI run listed ['after', 'after', 'before', 'before']).
  index.add(record(1));
  index.add(record(2));
  await index.settled();
  const source = (index as unknown as { source: ListSource }).source;
  const committed = [index.get('m000002') as MessageRecord];
  const justBefore: ListSource = {
    ...source,
    pending: () => ({ arrivals: committed, removals: new Set<string>() }),
  };
  const page = listPage(justBefore, 0, 10);
  expect(page.records.map((r) => r.id)).toEqual(['m000002', 'm000001']);
  expect(page.total).toBe(2);
  const found = listPage(justBefore, 0, 10, parseSearchQuery('subject:"message 2"'));
  expect(found.records.map((r) => r.id)).toEqual(['m000002']);
  expect(found.total).toBe(1);
});

it('looks a Message-ID up through its own index (--ignore-duplicate-ids), one made at open for an older file too', async () => {
  const path = join(dir, 'index.sqlite');
  const Sqlite = loadSqlite();
  // the plan SQLite picks for the lookup each arrival makes with duplicates ignored
  const plan = (): string => {
    const db = new Sqlite(path, { readonly: true });
    try {
      return (
        db.prepare(`EXPLAIN QUERY PLAN ${messageIdLookupSql}`).all('x') as { detail: string }[]
      )
        .map((row) => row.detail)
        .join('; ');
    } finally {
      db.close();
    }
  };
  index.add(makeRecord({ id: 'm000001', summary: { messageId: '<a@example.test>' } }));
  index.add(makeRecord({ id: 'm000002', summary: { messageId: '<b@example.test>' } }));
  await index.settled();
  expect(index.idOfMessageId('<b@example.test>')).toBe('m000002');
  expect(plan()).toMatch(/SEARCH m USING INDEX messages_message_ids \(message_id_text=\?\)/);

  // a file written before the index existed (same schema version): the lookup read every row
  index.close();
  const older = new Sqlite(path);
  older.exec('DROP INDEX messages_message_ids');
  older.close();
  expect(plan()).toMatch(/SCAN m\b/);
  index = new MessageIndex();
  index.open(path);
  expect(plan()).toMatch(/SEARCH m USING INDEX messages_message_ids/);
  expect(index.idOfMessageId('<a@example.test>')).toBe('m000001');
});
