// The index against the spool it describes, on real files: a clean stop is trusted without
// reading a sidecar; after an unclean stop the spool's listing puts it right; a missing,
// truncated, garbage or older-schema database is rebuilt from the sidecars, with a log line.
import { truncate, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type BetterSqlite3 from 'better-sqlite3';
import { indexFileName, openIndex } from '../../main/core/index/index-startup.js';
import { MessageIndex } from '../../main/core/index/message-index.js';
import type { MessageRecord } from '../../main/core/message-record.js';
import { newMessageId } from '../../main/core/spool/message-id.js';
import { Spool } from '../../main/core/spool/spool.js';
import { makeRecord } from '../search/record-factory.js';

let dataDir: string;
let spool: Spool;
let index: MessageIndex;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'relaydesk-index-start-'));
  spool = new Spool(dataDir);
  await spool.open();
  index = new MessageIndex();
});

afterEach(async () => {
  index.close();
  await rm(dataDir, { recursive: true, force: true });
});

const dbPath = (): string => join(dataDir, indexFileName);

async function stored(subject: string): Promise<MessageRecord> {
  const record = makeRecord({ id: newMessageId(), summary: { subject } });
  await spool.store(record, Buffer.from(`Subject: ${subject}\r\n\r\nbody\r\n`));
  return record;
}

async function fill(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await stored(`message ${i}`)).id);
  const first = await openIndex(index, spool);
  expect(first.summary).toMatch(/^index: rebuilt from the sidecars \(.*\): \d+ message\(s\)$/);
  index.close();
  return ids;
}

async function reopen(): Promise<string> {
  index = new MessageIndex();
  return (await openIndex(index, spool)).summary;
}

const listed = (): string[] =>
  index
    .page(0, 1000)
    .records.map((r) => r.id)
    .sort();

it('trusts the database after a clean stop: no sidecar is read', async () => {
  const ids = await fill(3);
  // a sidecar spoiled behind its back is not read, so not quarantined either
  await writeFile(join(spool.messagesDir, `${ids[0]}.json`), 'not json');
  expect(await reopen()).toBe('index: 3 message(s) (clean stop)');
  expect(listed()).toEqual(ids);
  expect(index.get(ids[0] as string)?.summary.subject).toBe('message 0');
});

it('after an unclean stop, adds what the spool has and drops what it lost', async () => {
  const ids = await fill(3);
  index = new MessageIndex();
  await openIndex(index, spool);
  // a crash: the index is never closed; meanwhile one message arrives, one is removed
  const late = await stored('late');
  await unlink(join(spool.messagesDir, `${ids[1]}.json`));
  await unlink(join(spool.messagesDir, `${ids[1]}.eml`));
  const crashed = index;
  expect(await reopen()).toBe(
    'index: 3 message(s) after an unclean stop (1 added from sidecars, 1 dropped)',
  );
  crashed.close();
  expect(listed()).toEqual([ids[0], ids[2], late.id].sort());
  expect(index.page(0, 10, null).records[0]?.summary.subject).toBe('late');
});

describe('rebuilds from the sidecars when the database', () => {
  it.each<[string, () => Promise<void>, RegExp]>([
    ['is missing', () => unlink(dbPath()), /new or empty/],
    ['is cut short', async () => truncate(dbPath(), 6000), /./],
    [
      'holds garbage',
      async () => writeFile(dbPath(), Buffer.alloc(70_000, 'garbage ')),
      /not a database|malformed|damaged/,
    ],
    [
      'is of another schema version',
      async () => {
        const Sqlite = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
        const db = new Sqlite(dbPath());
        db.pragma('user_version = 99');
        db.close();
      },
      /schema version 99, this Relaydesk uses 2/,
    ],
  ])('%s', async (_name, spoil, why) => {
    const ids = await fill(40);
    expect((await readFile(dbPath())).length).toBeGreaterThan(6000);
    await spoil();
    const summary = await reopen();
    expect(summary).toMatch(/^index: rebuilt from the sidecars \(/);
    expect(summary).toMatch(why);
    expect(summary).toMatch(/: 40 message\(s\)$/);
    expect(listed()).toEqual(ids);
    expect(index.page(0, 1, null).records[0]?.summary.subject).toBe('message 39');
  });
});
