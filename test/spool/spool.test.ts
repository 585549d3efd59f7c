// The spool on real files: what is stored comes back, updates and removals stick, unreadable files
// go to quarantine with a reason while the rest still loads, and open() fails clearly.
import { existsSync } from 'node:fs';
import {
  cp,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MessageRecord } from '../../main/core/message-record.js';
import { writeFilesDurably } from '../../main/core/spool/durable-file.js';
import { isMessageId, newMessageId } from '../../main/core/spool/message-id.js';
import { MessageParser } from '../../main/core/parse/message-parser.js';
import { foldedEmlSyncCount } from '../../main/core/spool/arrival-journal.js';
import { JournalFile } from '../../main/core/spool/journal-file.js';
import { Spool, SpoolError } from '../../main/core/spool/spool.js';
import { letTimePass } from '../helpers/eventually.js';
import { makeRecord } from '../search/record-factory.js';

let dataDir: string;
let spool: Spool;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'relaydesk-spool-'));
  spool = new Spool(dataDir);
  await spool.open();
});

afterEach(async () => {
  // its folder and journal stay open until closed (a test may have closed it already)
  await spool.close();
  await rm(dataDir, { recursive: true, force: true });
});

function record(subject: string, overrides: Partial<MessageRecord> = {}): MessageRecord {
  return makeRecord({ id: newMessageId(), summary: { subject }, ...overrides });
}

const raw = (subject: string): Buffer =>
  Buffer.from(
    `Received: from x by y; Sat, 1 Jun 2024 10:00:00 +0000\r\nSubject: ${subject}\r\n\r\nbody \xe9\r\n`,
    'latin1',
  );

async function spoolFiles(): Promise<string[]> {
  return (await readdir(spool.messagesDir)).sort();
}

describe('store and load', () => {
  it('hands the records over in chunks, in ID order, keeping none (an index rebuild)', async () => {
    const stored: MessageRecord[] = [];
    for (let n = 0; n < 40; n++) {
      const r = record(`message ${n}`);
      stored.push(r);
      await spool.store(r, raw(`message ${n}`));
    }
    await spool.close();
    const chunks: string[][] = [];
    const loaded = await new Spool(dataDir).load(
      undefined,
      (records) => chunks.push(records.map((r) => r.id)),
      16,
    );
    expect(chunks.map((c) => c.length)).toEqual([16, 16, 8]);
    expect(chunks.flat()).toEqual(stored.map((r) => r.id).sort());
    expect(loaded).toEqual({ records: [], quarantined: [] });
  });

  it('round-trips the record and the exact raw bytes, in arrival order', async () => {
    const first = record('first', { tags: ['a'], notes: ['1 bare LF normalised to CRLF'] });
    const second = record('second', { read: true });
    await spool.store(first, raw('first'));
    await spool.store(second, raw('second'));
    // a clean stop folds the arrivals journal into the sidecars
    await spool.close();

    const loaded = await new Spool(dataDir).load();
    expect(loaded.quarantined).toEqual([]);
    expect(loaded.records).toEqual([first, second]);
    expect(await spool.readRaw(first.id)).toEqual(raw('first'));
    expect(await spoolFiles()).toEqual(
      [`${first.id}.eml`, `${first.id}.json`, `${second.id}.eml`, `${second.id}.json`].sort(),
    );
  });

  it('writes the sidecar as JSON with a version, and leaves no temporary file', async () => {
    const r = record('versioned');
    await spool.store(r, raw('versioned'));
    await spool.arrivals.compact();
    const sidecar = JSON.parse(
      await readFile(join(spool.messagesDir, `${r.id}.json`), 'utf8'),
    ) as Record<string, unknown>;
    expect(sidecar).toMatchObject({ version: 1, id: r.id });
    expect((await spoolFiles()).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('update', () => {
  it('rewrites the sidecar; the raw file is untouched', async () => {
    const r = record('to update');
    await spool.store(r, raw('to update'));
    await spool.update({ ...r, read: true, tags: ['invoice'] });
    const [loaded] = (await spool.load()).records;
    expect(loaded).toMatchObject({ id: r.id, read: true, tags: ['invoice'] });
    expect(await spool.readRaw(r.id)).toEqual(raw('to update'));
  });

  it('many updates of one message at once all succeed, and the last one asked for is kept', async () => {
    const r = record('busy');
    await spool.store(r, raw('busy'));
    const results = await Promise.allSettled(
      Array.from({ length: 25 }, (_, i) => spool.update({ ...r, tags: [`t${i}`] })),
    );
    expect(results.filter((x) => x.status === 'rejected')).toEqual([]);
    const [loaded] = (await new Spool(dataDir).load()).records;
    expect(loaded?.tags).toEqual(['t24']);
    expect((await spoolFiles()).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('remove', () => {
  it('deletes both files; the message does not come back', async () => {
    const keep = record('keep');
    const drop = record('drop');
    await spool.store(keep, raw('keep'));
    await spool.store(drop, raw('drop'));
    await spool.arrivals.compact();
    await spool.remove(drop.id);
    await spool.remove(drop.id); // twice is fine
    expect(await spoolFiles()).toEqual([`${keep.id}.eml`, `${keep.id}.json`]);
    const loaded = await spool.load();
    expect(loaded.records.map((x) => x.id)).toEqual([keep.id]);
    expect(loaded.quarantined).toEqual([]);
  });
});

describe('load: quarantine', () => {
  it('moves each kind of bad file to quarantine with its reason; the good ones still load', async () => {
    const good = record('good');
    await spool.store(good, raw('good'));
    await spool.arrivals.compact();
    const goodSidecar = await readFile(join(spool.messagesDir, `${good.id}.json`), 'utf8');
    const put = (name: string, data: string | Buffer) =>
      writeFile(join(spool.messagesDir, name), data);

    const orphan = newMessageId();
    await put(`${orphan}.eml`, raw('orphan'));
    const noEml = newMessageId();
    await put(`${noEml}.json`, goodSidecar.replaceAll(good.id, noEml));
    const truncated = newMessageId();
    await put(`${truncated}.eml`, raw('truncated'));
    await put(`${truncated}.json`, goodSidecar.slice(0, 30));
    const fieldless = newMessageId();
    await put(`${fieldless}.eml`, raw('fieldless'));
    await put(`${fieldless}.json`, JSON.stringify({ version: 1, id: fieldless }));
    const otherId = newMessageId();
    await put(`${otherId}.eml`, raw('other id'));
    await put(`${otherId}.json`, goodSidecar); // names another message
    await put('not-an-id.json', goodSidecar);
    await put('notes.txt', 'stray');
    await put(`${good.id}.json.123-4.tmp`, goodSidecar.slice(0, 10));

    const loaded = await spool.load();
    expect(loaded.records.map((r) => r.id)).toEqual([good.id]);
    const reasons = Object.fromEntries(loaded.quarantined.map((q) => [q.file, q.reason]));
    expect(reasons).toEqual({
      [`${orphan}.eml`]: 'no sidecar: the message was never acknowledged',
      [`${noEml}.json`]: 'the raw .eml file is missing',
      [`${truncated}.json`]: expect.stringMatching(/^sidecar is unreadable \(.*JSON.*\)$/),
      [`${truncated}.eml`]: expect.stringMatching(/^sidecar is unreadable/),
      [`${fieldless}.json`]: 'sidecar field mailbox: missing (expected string)',
      [`${fieldless}.eml`]: 'sidecar field mailbox: missing (expected string)',
      [`${otherId}.json`]: `sidecar field id: "${good.id}" is not the file's name (${otherId})`,
      [`${otherId}.eml`]: `sidecar field id: "${good.id}" is not the file's name (${otherId})`,
      'not-an-id.json': 'file name is not a message ID',
      'notes.txt': 'not a spool file',
    });
    // moved, not copied; the temporary file is simply deleted
    expect((await readdir(spool.quarantineDir)).sort()).toEqual(Object.keys(reasons).sort());
    expect(await spoolFiles()).toEqual([`${good.id}.eml`, `${good.id}.json`]);

    // a second start finds a clean spool
    expect(await spool.load()).toEqual({ records: [good], quarantined: [] });
  });

  it('names the field that failed, deep inside the sidecar; the sound ones still load', async () => {
    const good = record('good');
    await spool.store(good, raw('good'));
    await spool.arrivals.compact();
    const sound = JSON.parse(
      await readFile(join(spool.messagesDir, `${good.id}.json`), 'utf8'),
    ) as Record<string, unknown>;
    const damaged = async (change: (s: Record<string, unknown>) => void): Promise<string> => {
      const id = newMessageId();
      const copy = structuredClone({ ...sound, id });
      change(copy);
      await writeFile(join(spool.messagesDir, `${id}.eml`), raw('damaged'));
      await writeFile(join(spool.messagesDir, `${id}.json`), JSON.stringify(copy));
      return id;
    };
    const rcptTo = await damaged((s) => {
      (s.envelope as Record<string, unknown>).rcptTo = 'bob@rcpt.example';
    });
    const state = await damaged((s) => {
      s.delivery = [
        {
          address: 'bob@rcpt.example',
          deliverTo: 'bob@rcpt.example',
          state: 'lost',
          rule: 'relay everything',
          nextAttemptAt: null,
          firstAttemptAt: null,
          attempts: [],
          history: [],
        },
      ];
    });
    const version = await damaged((s) => {
      s.version = 7;
    });

    const loaded = await spool.load();
    expect(loaded.records).toEqual([good]);
    const reasons = Object.fromEntries(loaded.quarantined.map((q) => [q.file, q.reason]));
    expect(reasons[`${rcptTo}.json`]).toBe(
      'sidecar field envelope.rcptTo: expected array, got "bob@rcpt.example"',
    );
    expect(reasons[`${rcptTo}.eml`]).toBe(reasons[`${rcptTo}.json`]);
    expect(reasons[`${state}.json`]).toMatch(
      /^sidecar field delivery\.0\.state: expected "pending" or .*"captured" or "quarantined", got "lost"$/,
    );
    expect(reasons[`${version}.json`]).toBe('sidecar field version: expected 1, got 7');
    expect(Object.keys(reasons)).toHaveLength(6);
  });

  it('loads a sidecar written before the rule was called `rule` (it said `route`)', async () => {
    const id = newMessageId();
    const old = {
      version: 1,
      ...record('old', { id }),
      delivery: [
        {
          address: 'bob@rcpt.example',
          deliverTo: 'bob@rcpt.example',
          state: 'relayed',
          route: 'relay everything',
          nextAttemptAt: null,
          firstAttemptAt: null,
          attempts: [],
          history: [{ state: 'pending', at: '2026-11-28T10:00:00.000Z', reason: 'x' }],
        },
      ],
    };
    await writeFile(join(spool.messagesDir, `${id}.eml`), raw('old'));
    await writeFile(join(spool.messagesDir, `${id}.json`), JSON.stringify(old));
    const loaded = await spool.load();
    expect(loaded.quarantined).toEqual([]);
    expect(loaded.records[0]?.delivery?.[0]).toMatchObject({ rule: 'relay everything' });
    expect(loaded.records[0]?.delivery?.[0]).not.toHaveProperty('route');
  });

  it('never overwrites a file quarantined earlier under the same name', async () => {
    const id = newMessageId();
    await writeFile(join(spool.messagesDir, `${id}.eml`), 'first');
    await spool.load();
    await writeFile(join(spool.messagesDir, `${id}.eml`), 'second');
    await spool.load();
    const files = await readdir(spool.quarantineDir);
    expect(files).toHaveLength(2);
    const contents = await Promise.all(
      files.map((f) => readFile(join(spool.quarantineDir, f), 'utf8')),
    );
    expect(contents.sort()).toEqual(['first', 'second']);
  });
});

describe('open', () => {
  it('creates missing folders', async () => {
    const deep = new Spool(join(dataDir, 'a', 'b', 'c'));
    await deep.open();
    await deep.close();
    expect((await readdir(join(dataDir, 'a', 'b', 'c'))).sort()).toEqual([
      'arrivals',
      'quarantine',
      'spool',
    ]);
  });

  it('fails with a SpoolError naming --data under a regular file', async () => {
    const file = join(dataDir, 'a-file');
    await writeFile(file, '');
    const error = await new Spool(join(file, 'sub')).open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpoolError);
    expect((error as Error).message).toBe(
      `--data: cannot write to ${JSON.stringify(join(file, 'sub'))} (ENOTDIR); choose a folder you can write to`,
    );
  });

  it('fails, and does not hang, under /proc', async () => {
    const opened = new Spool('/proc/relaydesk-spool-test/data').open();
    const outcome = await Promise.race([
      opened.then(
        () => 'opened',
        (e: Error) => e.message,
      ),
      // a window long enough to call it a hang (the bug made open() never settle at all)
      letTimePass(3000).then(() => 'hung'),
    ]);
    expect(outcome).toBe(
      '--data: cannot write to "/proc/relaydesk-spool-test/data" (ENOENT); choose a folder you can write to',
    );
  });
});

describe('an open that fails after it took its handles', () => {
  it.skipIf(!hasProcFds)(
    'lets go of the messages folder when the arrivals journal cannot be read',
    async () => {
      const other = join(dataDir, 'unreadable-journal');
      // a folder where the journal's file should be: reading it fails (EISDIR)
      await mkdir(join(other, 'arrivals', 'journal.log'), { recursive: true });
      const failing = new Spool(other);
      await expect(failing.open()).rejects.toMatchObject({ code: 'EISDIR' });
      // its owner does not close a spool that did not open: nothing may be left to the GC
      expect(await heldOpen(failing.messagesDir)).toBe(false);
    },
  );

  it.skipIf(!hasProcFds || !existsSync('/dev/full'))(
    'a journal whose first write fails (a full disk) lets go of its file',
    async () => {
      const dir = join(dataDir, 'full-disk-journal');
      await mkdir(dir);
      // /dev/full takes the open and refuses every write with ENOSPC
      await symlink('/dev/full', join(dir, 'journal.log'));
      const journal = new JournalFile(
        dir,
        'journal',
        () => undefined,
        'test',
        () => '{}',
      );
      await expect(journal.start()).rejects.toMatchObject({ code: 'ENOSPC' });
      expect(await heldOpen('/dev/full')).toBe(false);
    },
  );
});

describe('durable writes and IDs', () => {
  it('writeFilesDurably renames every file into place and cleans up after a failure', async () => {
    const a = join(spool.messagesDir, 'a.eml');
    await writeFilesDurably([{ path: a, data: 'A' }]);
    expect(await readFile(a, 'utf8')).toBe('A');
    await expect(
      writeFilesDurably([{ path: join(spool.messagesDir, 'missing-folder', 'b.eml'), data: 'B' }]),
    ).rejects.toThrow(/ENOENT/);
    expect((await spoolFiles()).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('message IDs are spool names and sort by arrival', () => {
    const ids = Array.from({ length: 200 }, () => newMessageId());
    expect(ids.every(isMessageId)).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(isMessageId('../../etc/passwd')).toBe(false);
  });
});

/** Whether this process has a descriptor open on `path` or under it (read from /proc: Linux). */
async function heldOpen(path: string): Promise<boolean> {
  const fds = await readdir('/proc/self/fd');
  const targets = await Promise.all(
    fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')),
  );
  return targets.some((target) => target.startsWith(path));
}

const hasProcFds = existsSync('/proc/self/fd');

describe('a stop that cannot fold the arrivals journal', () => {
  it.skipIf(!hasProcFds)(
    'fails, and still lets go of the messages folder it held open',
    async () => {
      await spool.store(record('kept'), raw('kept'));
      const messagesDir = spool.messagesDir;
      expect(await heldOpen(messagesDir)).toBe(true);
      // the folding's writes fail: the folder is gone (as on a disk unplugged)
      await rm(dataDir, { recursive: true, force: true });
      await expect(spool.close()).rejects.toThrow();
      expect(await heldOpen(messagesDir)).toBe(false);
      // (afterEach closes a spool that never opened)
      spool = new Spool(dataDir);
    },
  );
});

describe('a folding of the arrivals journal that fails while mail arrives', () => {
  it('is said once, keeps the records, and succeeds once the disk takes the sidecar', async () => {
    const lines: string[] = [];
    const own = new Spool(join(dataDir, 'own'), (line) => lines.push(line));
    await own.open();
    const before = process.env.RELAYDESK_TEST_ARRIVALS_COMPACT_AT;
    // every arrival starts a folding
    process.env.RELAYDESK_TEST_ARRIVALS_COMPACT_AT = '1';
    try {
      const blocked = record('blocked');
      // its sidecar cannot be written: a folder in its place (as a full disk refuses it)
      const inTheWay = join(own.messagesDir, `${blocked.id}.json`);
      await mkdir(inTheWay);
      await own.store(blocked, raw('blocked'));
      for (let n = 0; n < 5; n++) {
        await own.store(record(`after ${n}`), raw(`after ${n}`));
        await letTimePass(20);
      }
      const failures = () => lines.filter((l) => l.includes('folding into the sidecars failed'));
      await expect.poll(() => failures().length).toBe(1);
      expect(failures()[0]).toMatch(/^arrivals journal: folding into the sidecars failed \(/);
      await rm(inTheWay, { recursive: true });
      await own.store(record('later'), raw('later'));
      await expect
        .poll(async () => JSON.parse(await readFile(inTheWay, 'utf8').catch(() => 'null')))
        .toMatchObject({ id: blocked.id });
    } finally {
      if (before === undefined) delete process.env.RELAYDESK_TEST_ARRIVALS_COMPACT_AT;
      else process.env.RELAYDESK_TEST_ARRIVALS_COMPACT_AT = before;
      await own.close();
    }
    expect((await new Spool(join(dataDir, 'own')).load()).records).toHaveLength(7);
  });
});

describe('a message committed before its parse is done (its intake)', () => {
  const journalText = (dir: string): Promise<string> =>
    readFile(join(dir, 'arrivals', 'journal.log'), 'utf8').catch(() => '');
  const intakeOf = (r: MessageRecord): object => {
    const { summary: _summary, tags: _tags, ...rest } = r;
    return { record: rest, ruleTags: [], fromOutside: true };
  };

  it('writes the journal line while the parse runs, and the parsed record at the folding', async () => {
    const r = record('parsed later');
    let parsed!: (done: MessageRecord) => void;
    const parse = new Promise<MessageRecord>((resolve) => (parsed = resolve));
    let stored = false;
    const storing = spool.storeWhile(r.id, raw('parsed later'), parse, intakeOf(r)).then(() => {
      stored = true;
    });
    // the line is on disk with the parse still running: the 250 no longer waits for one, then
    // the other
    await expect.poll(() => journalText(dataDir)).toContain(`"id":"${r.id}"`);
    expect(await journalText(dataDir)).toContain('"intake":');
    await letTimePass(20);
    expect(stored).toBe(false);
    parsed(r);
    await storing;
    // readers take the parsed record until the sidecar exists
    expect([...spool.arrivals.pendingSidecars()].map(([, text]) => JSON.parse(text))).toEqual([
      expect.objectContaining({
        id: r.id,
        summary: expect.objectContaining({ subject: 'parsed later' }),
      }),
    ]);
    await spool.close();
    const sidecar = JSON.parse(await readFile(join(spool.messagesDir, `${r.id}.json`), 'utf8'));
    expect(sidecar.summary.subject).toBe('parsed later');
  });

  it('folds again once a folding ends when more arrived meanwhile, with no arrival after', async () => {
    const before = process.env.RELAYDESK_TEST_ARRIVALS_COMPACT_AT;
    // every arrival is due for a folding
    process.env.RELAYDESK_TEST_ARRIVALS_COMPACT_AT = '1';
    try {
      const first = record('still parsing');
      let parsed!: (done: MessageRecord) => void;
      const parse = new Promise<MessageRecord>((resolve) => (parsed = resolve));
      // its folding begins, and waits for its record (the spool's per-message order)
      const storing = spool.storeWhile(first.id, raw('still parsing'), parse, intakeOf(first));
      await expect.poll(() => journalText(dataDir)).toContain(first.id);
      // the journal is moved aside: the folding has taken its records
      await expect
        .poll(() => readdir(join(dataDir, 'arrivals')))
        .toContain('journal.compacting.log');
      const second = record('arrived during the folding');
      await spool.store(second, raw('arrived during the folding'));
      parsed(first);
      await storing;
      // the first folding took only the first; the second's sidecar comes from the next one
      await expect
        .poll(() => readFile(join(spool.messagesDir, `${second.id}.json`), 'utf8').catch(() => ''))
        .toContain('arrived during the folding');
    } finally {
      if (before === undefined) delete process.env.RELAYDESK_TEST_ARRIVALS_COMPACT_AT;
      else process.env.RELAYDESK_TEST_ARRIVALS_COMPACT_AT = before;
    }
  });

  it('after a crash, makes the record again from the intake and the .eml, and says so', async () => {
    const r = record('before the crash', { tags: ['from-parse'] });
    await spool.storeWhile(r.id, raw('before the crash'), Promise.resolve(r), intakeOf(r));
    // the disk as kill -9 would leave it: the journal's line, the .eml, no sidecar
    const crashed = join(dataDir, 'crashed');
    await cp(join(dataDir, 'spool'), join(crashed, 'spool'), { recursive: true });
    await cp(join(dataDir, 'arrivals'), join(crashed, 'arrivals'), { recursive: true });
    const lines: string[] = [];
    const seen: { intake: unknown; raw: string }[] = [];
    const again = new Spool(crashed, (line) => lines.push(line));
    again.completeArrivalsWith(async (intake, bytes) => {
      seen.push({ intake, raw: bytes.toString('latin1') });
      const { record: partial } = intake as { record: Omit<MessageRecord, 'summary' | 'tags'> };
      const subject = /^Subject: (.*)$/m.exec(bytes.toString('latin1'))?.[1]?.trim() ?? '';
      return { ...partial, tags: ['from-parse'], summary: { ...r.summary, subject } };
    });
    await again.open();
    try {
      expect(seen).toEqual([
        { intake: intakeOf(r), raw: raw('before the crash').toString('latin1') },
      ]);
      expect(lines).toContain(
        'arrivals journal: 1 sidecar(s) written from the journal after an unclean stop (1 parsed again from their .eml)',
      );
      const [loaded] = (await again.load()).records;
      expect(loaded).toMatchObject({ id: r.id, tags: ['from-parse'] });
      expect(loaded?.summary.subject).toBe('before the crash');
    } finally {
      await again.close();
    }
  });

  it('fails to open, naming the message, where no record builder was given', async () => {
    const r = record('needs a parse');
    await spool.storeWhile(r.id, raw('needs a parse'), Promise.resolve(r), intakeOf(r));
    const crashed = join(dataDir, 'crashed');
    await cp(join(dataDir, 'spool'), join(crashed, 'spool'), { recursive: true });
    await cp(join(dataDir, 'arrivals'), join(crashed, 'arrivals'), { recursive: true });
    const bare = new Spool(crashed);
    await expect(bare.open()).rejects.toThrow(
      `arrivals journal: the record of ${r.id} could not be made again from its .eml (the spool was opened without a record builder)`,
    );
    await bare.close();
  });
});

describe('small messages committed with their bytes in the journal line', () => {
  it('have their .eml synced by the folding before the journal goes; a removed one is not brought back', async () => {
    const parser = new MessageParser();
    const own = new Spool(join(dataDir, 'own'), () => undefined, parser);
    await own.open();
    const journal = (): Promise<string> =>
      readFile(join(dataDir, 'own', 'arrivals', 'journal.log'), 'utf8');
    try {
      const kept = [record('kept 1'), record('kept 2'), record('kept 3')];
      for (const r of kept) await own.store(r, raw(r.summary.subject));
      const removed = record('removed');
      await own.store(removed, raw('removed'));
      // the line is the commit: it carries the bytes, written to the .eml without a sync
      for (const r of [...kept, removed]) {
        const line = (await journal()).split('\n').find((l) => l.includes(`"id":"${r.id}"`));
        const carried = /"raw":"([^"]+)"/.exec(line ?? '')?.[1] ?? '';
        expect(Buffer.from(carried, 'base64')).toEqual(raw(r.summary.subject));
        expect(await readFile(own.emlPath(r.id))).toEqual(raw(r.summary.subject));
      }
      await own.remove(removed.id);
      expect(await journal()).toContain(`{"id":"${removed.id}","gone":true}`);
      const before = foldedEmlSyncCount();
      await own.arrivals.compact();
      // each .eml whose bytes only the folded journal held, and not the removed one's
      expect(foldedEmlSyncCount() - before).toBe(3);
      expect(await readdir(join(dataDir, 'own', 'arrivals'))).toEqual(['journal.log']);
      expect(await journal()).not.toContain('"raw"');
      // a second folding has nothing left to sync
      await own.store(record('after'), raw('after'));
      await own.arrivals.compact();
      expect(foldedEmlSyncCount() - before).toBe(4);
    } finally {
      await own.close();
      await parser.close();
    }
    const loaded = (await new Spool(join(dataDir, 'own')).load()).records;
    expect(loaded.map((r) => r.summary.subject).sort()).toEqual([
      'after',
      'kept 1',
      'kept 2',
      'kept 3',
    ]);
  });
});
