// The index against the spool it describes, on real files: a clean stop is trusted without
// reading a sidecar; after an unclean stop the spool's listing puts it right; a missing,
// truncated, garbage or older-schema database is rebuilt from the sidecars, with a log line.
import {
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  truncate,
  unlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type BetterSqlite3 from 'better-sqlite3';
import { indexFileName, openIndex } from '../../main/core/index/index-startup.js';
import { indexSchemaVersion, MessageIndex } from '../../main/core/index/message-index.js';
import type { MessageRecord } from '../../main/core/message-record.js';
import { newMessageId } from '../../main/core/spool/message-id.js';
import { Spool } from '../../main/core/spool/spool.js';
import { makeRecord } from '../search/record-factory.js';

let dataDir: string;
let spool: Spool;
let index: MessageIndex;
/** Every spool a test opened: a simulated crash leaves one open, as a killed process would. */
let opened: Spool[] = [];

async function openSpool(): Promise<Spool> {
  const opening = new Spool(dataDir);
  await opening.open();
  opened.push(opening);
  return opening;
}

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'relaydesk-index-start-'));
  spool = await openSpool();
  index = new MessageIndex();
});

afterEach(async () => {
  index.close();
  // their folder and journal handles: the newest first, so an older one cannot fold into it
  for (const left of opened.reverse()) await left.close().catch(() => undefined);
  opened = [];
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
  // a clean stop: the arrivals journal folded into the sidecars, then the index closed
  await spool.close();
  index.close();
  return ids;
}

async function reopen(): Promise<string> {
  // as at a start: the spool is opened first, and finds its folder as it is now
  spool = await openSpool();
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

it('after a clean stop with the spool folder untouched, does not even list it', async () => {
  const ids = await fill(3);
  const { mtimeNs } = await stat(spool.messagesDir, { bigint: true });
  // to the millisecond the index records, set halfway into it so float seconds cannot round out
  const seconds = (Number(mtimeNs / 1_000_000n) + 0.5) / 1000;
  // a temp file a listing would tidy away, planted with the folder's time put back as it was
  const planted = `${ids[0]}.json.4242-1.tmp`;
  await writeFile(join(spool.messagesDir, planted), 'x');
  await utimes(spool.messagesDir, seconds, seconds);
  expect(await reopen()).toBe('index: 3 message(s) (clean stop)');
  expect(await readdir(spool.messagesDir)).toContain(planted);
});

it('after a clean stop, notices messages removed from the spool by hand', async () => {
  const ids = await fill(3);
  await unlink(join(spool.messagesDir, `${ids[2]}.json`));
  await unlink(join(spool.messagesDir, `${ids[2]}.eml`));
  expect(await reopen()).toBe(
    'index: 2 message(s) after the spool changed while stopped (0 added from sidecars, 1 dropped)',
  );
  expect(listed()).toEqual([ids[0], ids[1]].sort());
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

/** Puts the spool folder's modification time `seconds` back, as a quiet spool would have it. */
async function ageFolder(seconds = 5): Promise<void> {
  const at = Date.now() / 1000 - seconds;
  await utimes(spool.messagesDir, at, at);
}

/**
 * Opens the index as a start does and lets it record a checkpoint of the quiet folder. Its own
 * checkpoints (every 250 ms once the folder has been quiet) are stopped: the test takes them
 * itself, and plays a crash with this index still in memory. Left running, one could come during
 * an await of the test: before its checkpoint() (which then found one recorded and said false),
 * or after a write the test makes to void the checkpoint (a crashed process takes none), with the
 * folder still quiet, so the start trusted a stamp taken after the crash's moment.
 */
async function runUntilCheckpoint(): Promise<MessageIndex> {
  spool = await openSpool();
  const running = new MessageIndex();
  await openIndex(running, spool);
  running.stopCheckpointsWhileRunning();
  await ageFolder();
  expect(running.checkpoint()).toBe(true);
  await running.settled();
  return running;
}

it('after a crash that followed a checkpoint, does not list the folder', async () => {
  const ids = await fill(3);
  const crashed = await runUntilCheckpoint();
  // a temp file a listing would tidy away, planted with the folder's time put back as it was
  const { mtimeNs } = await stat(spool.messagesDir, { bigint: true });
  const seconds = (Number(mtimeNs / 1_000_000n) + 0.5) / 1000;
  const planted = `${ids[0]}.json.4242-1.tmp`;
  await writeFile(join(spool.messagesDir, planted), 'x');
  await utimes(spool.messagesDir, seconds, seconds);
  // the crash: `crashed` is never closed
  spool = await openSpool();
  index = new MessageIndex();
  const opened = await openIndex(index, spool);
  expect(opened.summary).toBe(
    "index: 3 message(s) after an unclean stop (the spool unchanged since the index's last checkpoint: nothing listed)",
  );
  crashed.close();
  expect(listed()).toEqual(ids);
  // the crash's temporary file is removed after the start, a write of this process's is not
  const ours = `${ids[1]}.json.${process.pid}-1.tmp`;
  await writeFile(join(spool.messagesDir, ours), 'x');
  expect(await opened.leftovers).toBe(1);
  const names = await readdir(spool.messagesDir);
  expect(names).not.toContain(planted);
  expect(names).toContain(ours);
});

it('after a crash, lists the folder when the spool changed after the checkpoint', async () => {
  const ids = await fill(3);
  const crashed = await runUntilCheckpoint();
  const late = await stored('late');
  crashed.add(late);
  await crashed.settled();
  await unlink(join(spool.messagesDir, `${ids[1]}.json`));
  await unlink(join(spool.messagesDir, `${ids[1]}.eml`));
  expect(await reopen()).toMatch(/^index: 3 message\(s\) after an unclean stop \(0 added/);
  crashed.close();
  expect(listed()).toEqual([ids[0], ids[2], late.id].sort());
});

it('a write to the index after the checkpoint voids it, even when the folder did not change', async () => {
  const ids = await fill(3);
  const crashed = await runUntilCheckpoint();
  // a deletion is committed to the index first; the crash comes before its files are removed,
  // so the folder keeps its time: the message must come back from its sidecar, not vanish
  expect(crashed.remove([ids[1] as string])).toEqual([ids[1]]);
  await crashed.settled();
  expect(await reopen()).toBe(
    'index: 3 message(s) after an unclean stop (1 added from sidecars, 0 dropped)',
  );
  crashed.close();
  expect(listed()).toEqual(ids);
});

it('records no checkpoint while the folder is changing or the spool is writing', async () => {
  await fill(2);
  spool = await openSpool();
  await openIndex(index, spool);
  // (the test takes the checkpoints: one of the timer's during an await would make the last
  // checkpoint() find one recorded)
  index.stopCheckpointsWhileRunning();
  // the spool's open just probed the folder: not quiet for a minute
  expect(index.checkpoint(60_000)).toBe(false);
  await ageFolder();
  const writing = spool.store(
    makeRecord({ id: newMessageId(), summary: { subject: 'slow' } }),
    Buffer.from('Subject: slow\r\n\r\nbody\r\n'),
  );
  expect(index.checkpoint()).toBe(false);
  await writing;
  // its files just landed: not quiet again until the folder has been still for a moment
  expect(index.checkpoint(60_000)).toBe(false);
  await ageFolder();
  expect(index.checkpoint()).toBe(true);
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
      new RegExp(`schema version 99, this Relaydesk uses ${indexSchemaVersion}`),
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
