// Captured mail is for this user alone, also in a data folder the user made with the usual umask
// (`mkdir mail`, 0755): every file Relaydesk writes there is 0600. The message index (SQLite, with
// its write-ahead log) was 0644, so any local account could read each message's addresses,
// subject and body words through it while the .eml beside it was 0600.
import { chmod, mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDataDir, startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { eventually } from '../helpers/eventually.js';

/** Every file under `dir` whose mode lets others than the owner read or write it. */
async function openToOthers(dir: string): Promise<string[]> {
  const open: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile() && ((await stat(path)).mode & 0o077) !== 0) {
      open.push(`${path.slice(dir.length + 1)} ${((await stat(path)).mode & 0o777).toString(8)}`);
    }
  }
  return open.sort();
}

describe('a data folder the user made, 0755', () => {
  let relaydesk: TestRelaydesk;
  let dir: string;

  beforeAll(async () => {
    dir = join(await makeDataDir(), 'mail');
    await mkdir(dir);
    await chmod(dir, 0o755);
    relaydesk = await startTestRelaydesk({}, dir);
  });

  afterAll(async () => {
    await relaydesk?.dispose();
  });

  it('gets no file others can read, the message index included', async () => {
    const transport = relaydesk.transport();
    await transport.sendMail({
      from: 'hr@example.com',
      to: 'me@example.net',
      subject: 'Salary review',
      text: 'confidential',
    });
    transport.close();
    await eventually(async () => (await readdir(dir)).includes('index.sqlite-wal')).toBe(true);
    expect(await openToOthers(dir)).toEqual([]);
  });

  it('makes an index file left readable by an older version owner-only at the next start', async () => {
    await relaydesk.close();
    await chmod(join(dir, 'index.sqlite'), 0o644);
    relaydesk = await startTestRelaydesk({}, dir);
    expect(await openToOthers(dir)).toEqual([]);
  });
});
