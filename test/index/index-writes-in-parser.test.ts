// The service runs the message index's writes in its parse worker (one thread and one V8 heap
// fewer than a worker of their own). They reach the database as before, and they survive that
// worker being stopped for a message that overruns its parse budget while they wait for their
// commit: what it had not committed goes to the next worker. A clean stop commits them first.
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { portHost } from '../../main/core/index/index-writer.js';
import { MessageIndex } from '../../main/core/index/message-index.js';
import { MessageParser } from '../../main/core/parse/message-parser.js';
import { eventually, letTimePass } from '../helpers/eventually.js';
import { makeRecord } from '../search/record-factory.js';
import { overrunBudgetMs, slowSummaryMessage } from '../helpers/slow-summary.js';

// writes are committed only when a read asks (or at a clean stop), never by the clock: what is
// committed when the worker is stopped does not depend on how fast this machine is
vi.hoisted(() => {
  process.env.RELAYDESK_TEST_INDEX_COMMIT_MS = '600000';
});

type Db = {
  prepare(sql: string): { pluck(): { all(): unknown[] } };
  close(): void;
};
const Sqlite = createRequire(import.meta.url)('better-sqlite3') as new (
  path: string,
  options: { readonly: boolean },
) => Db;

let dir = '';
let parser: MessageParser | null = null;
let index: MessageIndex | null = null;
afterEach(async () => {
  index?.close();
  index = null;
  await parser?.close();
  parser = null;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = '';
});

/** The IDs committed to the database, as another connection reads them. */
function committedIds(path: string): string[] {
  const db = new Sqlite(path, { readonly: true });
  try {
    return db.prepare('SELECT id FROM messages ORDER BY id').pluck().all() as string[];
  } finally {
    db.close();
  }
}

function indexInParser(log: string[]): MessageIndex {
  const p = parser as MessageParser;
  return new MessageIndex(
    (line) => log.push(line),
    (data, events) => portHost(p.hostIndexWrites(data, events.ended), events),
  );
}

it('commits arrivals in the parse worker, also when it is stopped while they wait', async () => {
  dir = await mkdtemp(join(tmpdir(), 'relaydesk-index-host-'));
  const path = join(dir, 'index.sqlite');
  parser = new MessageParser({ budgetMs: overrunBudgetMs });
  const log: string[] = [];
  index = indexInParser(log);
  index.open(path);
  // a started worker, so that only the slow parse counts against the budget
  await parser.summarize(Buffer.from('Subject: warm\r\n\r\nup\r\n'));

  index.add(makeRecord({ id: 'a1', summary: { subject: 'first' } }));
  // a read commits what was sent
  expect(index.page(0, 10).records.map((m) => m.id)).toEqual(['a1']);
  expect(committedIds(path)).toEqual(['a1']);

  // these wait in the worker for company while it spends seconds on one parse: it is
  // stopped with them uncommitted
  for (const n of [2, 3, 4])
    index.add(makeRecord({ id: `a${n}`, summary: { subject: `arrival ${n}` } }));
  const stopped = await parser.summarize(slowSummaryMessage());
  expect(stopped.parseError).toBe(`parsing took longer than ${overrunBudgetMs} ms and was stopped`);
  expect(committedIds(path)).toEqual(['a1']);

  // the next worker gets them; reads meanwhile see them laid over the database, at once: a read
  // waits for the commit blocking this thread, and must not wait out its 5 s for a stopped worker
  const readAt = Date.now();
  const listed = index.page(0, 10).records.map((m) => m.id);
  expect(Date.now() - readAt).toBeLessThan(2500);
  expect(listed.sort()).toEqual(['a1', 'a2', 'a3', 'a4']);
  // a read a second later finds the next worker, which commits them
  await eventually(() => {
    index?.flush();
    return committedIds(path);
  }).toEqual(['a1', 'a2', 'a3', 'a4']);
  // and it parses as before
  expect(await parser.summarize(Buffer.from('Subject: after\r\n\r\nok\r\n'))).toMatchObject({
    subject: 'after',
    parseError: null,
  });
  expect(log.filter((line) => /failed|cannot write/.test(line))).toEqual([]);
});

it('answers a read at once while a message is being opened, however long its parse', async () => {
  dir = await mkdtemp(join(tmpdir(), 'relaydesk-index-host-'));
  const path = join(dir, 'index.sqlite');
  parser = new MessageParser({ budgetMs: 120_000 });
  index = indexInParser([]);
  index.open(path);
  await parser.summarize(Buffer.from('Subject: warm\r\n\r\nup\r\n'));
  // seconds of mailparser's HTML-to-text in one go, as when a large HTML mail is opened
  let parsed = false;
  const long = parser
    .detail(
      Buffer.from(
        'Subject: long one\r\nContent-Type: text/html\r\n\r\n' +
          '<div><p>word <b>x</b></p></div>\r\n'.repeat(160_000),
      ),
    )
    .finally(() => (parsed = true));
  // reads as the SMTP thread makes them, each after an arrival: each waits for its commit,
  // which the worker of the arrivals gives at once, whatever the opened message's worker does
  let slowest = 0;
  for (let n = 1; !parsed; n++) {
    index.add(makeRecord({ id: `d${n}`, summary: { subject: `during ${n}` } }));
    const readAt = Date.now();
    expect(index.page(0, 1000).records).toHaveLength(n);
    slowest = Math.max(slowest, Date.now() - readAt);
    expect(committedIds(path)).toHaveLength(n);
    // reads spread over the parse's whole length, as the GUI's would come
    await letTimePass(20);
  }
  expect((await long).summary.subject).toBe('long one');
  expect(slowest).toBeLessThan(1000);
});

it('starts the worker for opened messages when asked, and ends it once idle', async () => {
  parser = new MessageParser({ viewerIdleMs: 50 });
  expect(parser.viewerRunning).toBe(false);
  const detail = await parser.detail(Buffer.from('Subject: opened\r\n\r\nhello\r\n'));
  expect(detail.text.trim()).toBe('hello');
  expect(parser.viewerRunning).toBe(true);
  await eventually(() => parser?.viewerRunning).toBe(false);
  // and starts again for the next
  const part = await parser.detail(Buffer.from('Subject: again\r\n\r\nworld\r\n'));
  expect(part.summary.subject).toBe('again');
});

it('a clean stop commits what waits before the parse worker ends, and the next start trusts it', async () => {
  dir = await mkdtemp(join(tmpdir(), 'relaydesk-index-host-'));
  const path = join(dir, 'index.sqlite');
  parser = new MessageParser();
  index = indexInParser([]);
  index.open(path);
  for (let n = 1; n <= 3; n++)
    index.add(makeRecord({ id: `c${n}`, summary: { subject: `c ${n}` } }));
  index.close();
  index = null;
  await parser.close();
  parser = null;
  expect(committedIds(path)).toEqual(['c1', 'c2', 'c3']);

  parser = new MessageParser();
  index = indexInParser([]);
  // a clean stop: nothing to rebuild or check against the spool
  expect(index.open(path)).toMatchObject({ rebuildReason: null, uncleanStop: false });
  expect(index.page(0, 10).total).toBe(3);
});

it('keeps reads answering when the parser is gone: pending writes are laid over', async () => {
  dir = await mkdtemp(join(tmpdir(), 'relaydesk-index-host-'));
  const path = join(dir, 'index.sqlite');
  parser = new MessageParser();
  const log: string[] = [];
  index = indexInParser(log);
  index.open(path);
  await parser.close();
  index.add(makeRecord({ id: 'p1', summary: { subject: 'pending' } }));
  expect(index.page(0, 10).records.map((m) => m.id)).toEqual(['p1']);
  await eventually(() => log.join('\n')).toMatch(
    /index: the write worker failed \(parser closed\)/,
  );
  expect(committedIds(path)).toEqual([]);
});
