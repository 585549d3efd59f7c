// The index is written by a worker thread in batches; kill -9 at any moment leaves it able to
// catch up from the spool: messages acknowledged just before are listed and found, a read flag
// changed just before is kept (its sidecar is rewritten only after the index committed it),
// messages deleted just before stay deleted.
import { readdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import nodemailer from 'nodemailer';
import { afterEach, expect, it } from 'vitest';
import type { MessagesPage } from '../../preload/api-contract.js';
import {
  cleanupCliProcesses,
  makeTempDir,
  startServe,
  type ServeProcess,
} from '../helpers/cli-process.js';
import { eventually, waitFor } from '../helpers/eventually.js';

afterEach(cleanupCliProcesses);

const json = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

it('keeps arrivals, read flags and deletions made just before a kill -9', async () => {
  const dataDir = await makeTempDir();
  const first = await startServe({ dataDir });
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: first.smtp.port,
    secure: false,
    ignoreTLS: true,
  });
  const byMarker = new Map<number, string>();
  await Promise.all(
    Array.from({ length: 12 }, async (_, n) => {
      const info = (await transport.sendMail({
        from: 'app@example.test',
        to: 'user@example.test',
        subject: `crash ${n}`,
        text: `marker qz${n}qz`,
      })) as { response: string };
      byMarker.set(n, /queued as ([0-9a-z]+)/.exec(info.response)?.[1] as string);
    }),
  );
  transport.close();
  const ids = [...byMarker.values()];
  first.kill('SIGKILL');
  await first.exited;

  const second = await startServe({ dataDir });
  expect(second.stdout).toMatch(/index: 12 message\(s\) after an unclean stop/);
  const [read1, read2, gone1, gone2] = ids as [string, string, string, string];
  const marked = await second.fetch(
    '/api/v1/messages',
    json('PUT', { IDs: [read1, read2], Read: true }),
  );
  expect(marked.status).toBe(200);
  const deleted = await second.fetch('/api/v1/messages', json('DELETE', { IDs: [gone1, gone2] }));
  expect(deleted.status).toBe(200);
  second.kill('SIGKILL');
  await second.exited;

  const third = await startServe({ dataDir });
  const page = await third.api<MessagesPage>('/api/v1/messages?limit=100');
  expect(page.messages.map((m) => m.ID).sort()).toEqual(
    ids.filter((id) => id !== gone1 && id !== gone2).sort(),
  );
  expect([page.total, page.unread]).toEqual([10, 8]);
  const read = await third.api<MessagesPage>('/api/v1/search?query=is:read');
  expect(read.messages.map((m) => m.ID).sort()).toEqual([read1, read2].sort());
  // messages the index took from their sidecars after a crash have their body text read again
  // from the .eml in the background (body-text-refill.ts); a kill -9 may have cut the second
  // run's refill short, so the third's may still be under way when asked
  for (const [n, id] of byMarker) {
    await eventually(async () =>
      (await third.api<MessagesPage>(`/api/v1/search?query=qz${n}qz`)).messages.map((m) => m.ID),
    ).toEqual(id === gone1 || id === gone2 ? [] : [id]);
  }
  expect((await third.stop()).code).toBe(0);
  expect((await readdir(join(dataDir, 'spool'))).length).toBe(20);
}, 60_000);

async function call(server: ServeProcess, method: string, body: unknown): Promise<void> {
  const res = await server.fetch('/api/v1/messages', json(method, body));
  expect(res.status).toBe(200);
}

async function send(server: ServeProcess, subjects: string[]): Promise<string[]> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: server.smtp.port,
    secure: false,
    ignoreTLS: true,
  });
  const ids: string[] = [];
  for (const subject of subjects) {
    const info = (await transport.sendMail({
      from: 'app@example.test',
      to: 'user@example.test',
      subject,
      text: `body of ${subject}`,
    })) as { response: string };
    ids.push(/queued as ([0-9a-z]+)/.exec(info.response)?.[1] as string);
  }
  transport.close();
  return ids;
}

/**
 * True once the running server's index has recorded the spool folder as it is now (its
 * checkpoint): read from its database file, as the next start reads it.
 */
async function checkpointed(dataDir: string): Promise<boolean> {
  const Sqlite = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
  const db = new Sqlite(join(dataDir, 'index.sqlite'), { readonly: true });
  try {
    const stamp = db.prepare("SELECT value FROM meta WHERE key = 'spool_stamp'").pluck().get();
    const { mtimeNs } = await stat(join(dataDir, 'spool'), { bigint: true });
    return stamp === (mtimeNs / 1_000_000n).toString();
  } finally {
    db.close();
  }
}

it('after a kill -9 in a quiet moment starts without listing the spool, and still lists what changed after it', async () => {
  const dataDir = await makeTempDir();
  const first = await startServe({ dataDir });
  const ids = await send(first, ['one', 'two', 'three', 'four']);
  const [kept, read, gone, last] = ids as [string, string, string, string];
  await call(first, 'PUT', { IDs: [read], Read: true });
  await call(first, 'DELETE', { IDs: [gone] });
  // the app sits idle for a moment, then dies
  await waitFor('the index to record a checkpoint', () => checkpointed(dataDir));
  first.kill('SIGKILL');
  await first.exited;

  const second = await startServe({ dataDir });
  expect(second.stdout).toMatch(
    /index: 3 message\(s\) after an unclean stop \(the spool unchanged since the index's last checkpoint: nothing listed\)/,
  );
  const page = await second.api<MessagesPage>('/api/v1/messages?limit=100');
  expect(page.messages.map((m) => m.ID).sort()).toEqual([kept, read, last].sort());
  expect([page.total, page.unread]).toEqual([3, 2]);
  expect(page.messages.find((m) => m.ID === read)?.Read).toBe(true);
  // now a crash in the middle of work: stored and deleted after the last checkpoint
  const [late] = await send(second, ['five']);
  await call(second, 'DELETE', { IDs: [kept] });
  second.kill('SIGKILL');
  await second.exited;

  const third = await startServe({ dataDir });
  const after = await third.api<MessagesPage>('/api/v1/messages?limit=100');
  expect(after.messages.map((m) => m.ID).sort()).toEqual([read, last, late].sort());
  const found = await third.api<MessagesPage>('/api/v1/search?query=five');
  expect(found.messages.map((m) => m.ID)).toEqual([late]);
  expect((await third.stop()).code).toBe(0);
  expect((await readdir(join(dataDir, 'spool'))).sort()).toEqual(
    [read, last, late].flatMap((id) => [`${id}.eml`, `${id}.json`]).sort(),
  );
  // three starts and two kills: past the default 30 s on a loaded 2-core machine
}, 60_000);
