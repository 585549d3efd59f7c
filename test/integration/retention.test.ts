// Retention keeps the newest captured messages, on disk as well as in the list.
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { formatLogLine, type LogRecord } from '../../main/core/logs/log-record.js';
import type { MessagesPage } from '../../preload/api-contract.js';
import { makeDataDir, startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

let relay: TestRelaydesk;
beforeAll(async () => {
  relay = await startTestRelaydesk({ maxMessages: 3 });
});
afterAll(async () => relay?.dispose());

it('keeps at most maxMessages, dropping the oldest first', async () => {
  const transport = relay.transport();
  for (let i = 1; i <= 5; i++) {
    await transport.sendMail({
      from: 'a@x.example',
      to: 'b@y.example',
      subject: `n${i}`,
      text: 'x',
    });
  }
  await expect
    .poll(async () =>
      (await relay.api<MessagesPage>('/api/v1/messages')).messages.map((m) => m.Subject),
    )
    .toEqual(['n5', 'n4', 'n3']);
  const kept = new Set(
    (await relay.api<MessagesPage>('/api/v1/messages')).messages.map((m) => m.ID),
  );
  // a pruned message leaves the index (so every list) before its files are unlinked: wait for
  // those; nothing of a pruned message is left (sidecars come from the arrivals journal later)
  await expect
    .poll(async () =>
      (await readdir(join(relay.dataDir, 'spool'))).filter(
        (f) => !kept.has(f.split('.')[0] as string),
      ),
    )
    .toEqual([]);
  const files = await readdir(join(relay.dataDir, 'spool'));
  expect(files.filter((f) => f.endsWith('.eml'))).toHaveLength(3);
});

it('prunes a burst of concurrent arrivals at the cap down to the newest', async () => {
  const transport = relay.transport();
  const subjects = Array.from({ length: 8 }, (_, i) => `burst${i}`);
  // five at once over the cap, then three one after the other, so the newest three are known
  await Promise.all(
    subjects
      .slice(0, 5)
      .map((subject) =>
        transport.sendMail({ from: 'a@x.example', to: 'b@y.example', subject, text: 'x' }),
      ),
  );
  for (const subject of subjects.slice(5)) {
    await transport.sendMail({ from: 'a@x.example', to: 'b@y.example', subject, text: 'x' });
  }
  await expect
    .poll(async () =>
      (await relay.api<MessagesPage>('/api/v1/messages')).messages.map((m) => m.Subject),
    )
    .toEqual(['burst7', 'burst6', 'burst5']);
  await expect
    .poll(async () =>
      (await readdir(join(relay.dataDir, 'spool'))).filter((f) => f.endsWith('.eml')),
    )
    .toHaveLength(3);
});

it('keeps read flags across a clean restart, which starts from the index database', async () => {
  const { existsSync } = await import('node:fs');
  const dataDir = await makeDataDir();
  const first = await startTestRelaydesk({}, dataDir);
  await first
    .transport()
    .sendMail({ from: 'a@x.example', to: 'b@y.example', subject: 'kept', text: 'x' });
  const id = (await first.api<MessagesPage>('/api/v1/messages')).messages[0]?.ID as string;
  await first.api(`/api/v1/message/${id}`);
  await first.dispose();
  expect(existsSync(join(dataDir, 'index.sqlite'))).toBe(true);

  const second = await startTestRelaydesk({}, dataDir);
  try {
    const page = await second.api<MessagesPage>('/api/v1/messages');
    expect(page.messages.map((m) => [m.ID, m.Subject, m.Read])).toEqual([[id, 'kept', true]]);
  } finally {
    await second.dispose();
    await rm(dataDir, { recursive: true, force: true });
  }
});

it('prunes what it can when a message file will not go, says why, and keeps taking mail', async () => {
  const own = await startTestRelaydesk({});
  try {
    const records: LogRecord[] = [];
    own.service.on('record', (record: LogRecord) => records.push(record));
    const transport = own.transport();
    for (const subject of ['old1', 'old2', 'new3']) {
      await transport.sendMail({ from: 'a@x.example', to: 'b@y.example', subject, text: 'x' });
    }
    const page = await own.api<MessagesPage>('/api/v1/messages');
    const byId = new Map(page.messages.map((m) => [m.Subject, m.ID]));
    // the oldest's .eml cannot be removed: a folder in its place (as a file another program
    // holds open is, on Windows)
    const stuck = join(own.dataDir, 'spool', `${byId.get('old1')}.eml`);
    await rm(stuck);
    await mkdir(stuck);
    await writeFile(join(stuck, 'held'), 'x');

    await own.service.saveSettings({ maxMessages: 1 });
    await expect
      .poll(async () =>
        (await own.api<MessagesPage>('/api/v1/messages')).messages.map((m) => m.Subject),
      )
      .toEqual(['new3']);
    await expect
      .poll(() => records.map((r) => formatLogLine(r)).join('\n'))
      .toMatch(/retention: could not prune: could not remove the files of 1 message\(s\) \(EISDIR/);
    // the other message's files went
    const files = await readdir(join(own.dataDir, 'spool'));
    expect(files.filter((f) => f.startsWith(byId.get('old2') as string))).toEqual([]);
    // and the relay still takes mail, and prunes
    await transport.sendMail({ from: 'a@x.example', to: 'b@y.example', subject: 'n4', text: 'x' });
    await expect
      .poll(async () =>
        (await own.api<MessagesPage>('/api/v1/messages')).messages.map((m) => m.Subject),
      )
      .toEqual(['n4']);
  } finally {
    await own.dispose();
  }
});
