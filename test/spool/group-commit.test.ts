// Group commit of the spool's folder fsync: messages stored at once share folder fsyncs instead of
// one each, every one of them is whole on disk when its store resolves, and a caller that comes
// while an fsync runs waits for the next one (the running one may have begun before its rename).
// The kill -9 side is in test/cli/kill9.test.ts.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { folderFsyncCount, syncFolder } from '../../main/core/spool/durable-file.js';
import { newMessageId } from '../../main/core/spool/message-id.js';
import { Spool } from '../../main/core/spool/spool.js';
import { makeRecord } from '../search/record-factory.js';

let dataDir: string;
let spool: Spool;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'relaydesk-group-commit-'));
  spool = new Spool(dataDir);
  await spool.open();
});

afterEach(async () => {
  // its folder and arrivals journal stay open until closed (the first test closes it already):
  // left to the garbage collector they were "Closing file descriptor … on garbage collection"
  await spool.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('group commit of the folder fsync', () => {
  it('stores 50 messages at once with far fewer folder fsyncs, each whole when it resolves', async () => {
    const before = folderFsyncCount();
    const ids = Array.from({ length: 50 }, () => newMessageId());
    await Promise.all(
      ids.map(async (id, n) => {
        const record = makeRecord({ id, summary: { subject: `grouped ${n}` } });
        await spool.store(record, Buffer.from(`Subject: grouped ${n}\r\n\r\nbody ${n}\r\n`));
        // resolved: the .eml is there under its own name, complete, and the record readable
        expect(await spool.readRaw(id)).toEqual(
          Buffer.from(`Subject: grouped ${n}\r\n\r\nbody ${n}\r\n`),
        );
      }),
    );
    const fsyncs = folderFsyncCount() - before;
    expect(fsyncs).toBeGreaterThanOrEqual(1);
    // one each without the group commit
    expect(fsyncs).toBeLessThan(25);
    const files = await readdir(spool.messagesDir);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const loaded = await spool.load();
    expect(loaded.records.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(loaded.records.map((r) => r.summary.subject)).toContain('grouped 7');
    // and the sidecars, written when the journal is folded in
    await spool.close();
    for (const [n, id] of ids.entries()) {
      const sidecar = JSON.parse(await readFile(join(spool.messagesDir, `${id}.json`), 'utf8'));
      expect(sidecar.summary.subject).toBe(`grouped ${n}`);
    }
  });

  it('makes a caller that comes while an fsync runs wait for the next one, shared by all such', async () => {
    const folder = spool.messagesDir;
    const before = folderFsyncCount();
    const first = syncFolder(folder);
    // these come while the first runs: it may have begun before their renames
    const second = syncFolder(folder);
    const third = syncFolder(folder);
    expect(second).toBe(third);
    expect(second).not.toBe(first);
    let firstDone = false;
    void first.then(() => (firstDone = true));
    await second;
    expect(firstDone).toBe(true);
    await Promise.all([first, second, third]);
    expect(folderFsyncCount() - before).toBe(2);
    // idle again: the next caller starts an fsync of its own at once
    const fourth = syncFolder(folder);
    expect(fourth).not.toBe(second);
    await fourth;
    expect(folderFsyncCount() - before).toBe(3);
  });

  it('reports a folder that cannot be synced to each caller, and the next call tries again', async () => {
    const missing = join(dataDir, 'no-such-folder');
    const calls = [syncFolder(missing), syncFolder(missing), syncFolder(missing)];
    for (const call of calls) await expect(call).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(syncFolder(spool.messagesDir)).resolves.toBeUndefined();
  });
});
