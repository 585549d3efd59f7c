// A message's sidecar keeps its body text through every rewrite, also when the record was read
// back from the index (which keeps the body text in its full-text table only): an index rebuilt
// from the sidecars still finds the message by a word of its body.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { MessagesPage } from '../../preload/api-contract.js';
import { makeDataDir, startTestRelaydesk } from '../helpers/relaydesk.js';

it('keeps the body text in the sidecar when a message read back from the index is marked read', async () => {
  const dataDir = await makeDataDir();
  try {
    const first = await startTestRelaydesk({}, dataDir);
    for (const [subject, text] of [
      ['fish', 'the zebrafish swims'],
      ['deer', 'an okapi grazes'],
    ])
      await first.transport().sendMail({ from: 'a@x.example', to: 'b@y.example', subject, text });
    const ids = (await first.api<MessagesPage>('/api/v1/messages')).messages.map((m) => m.ID);
    // a clean stop: the sidecars are written, and the next start reads records from the index
    await first.dispose();

    const second = await startTestRelaydesk({}, dataDir);
    const marked = await second.fetch('/api/v1/messages', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ IDs: ids, Read: true }),
    });
    expect(marked.status).toBe(200);
    await second.dispose();
    for (const id of ids) {
      const sidecar = JSON.parse(await readFile(join(dataDir, 'spool', `${id}.json`), 'utf8')) as {
        read: boolean;
        summary: { searchText: string };
      };
      expect(sidecar.read).toBe(true);
      expect(sidecar.summary.searchText).toMatch(/zebrafish|okapi/);
    }

    // the index made anew from the sidecars alone
    for (const name of ['index.sqlite', 'index.sqlite-wal', 'index.sqlite-shm'])
      await rm(join(dataDir, name), { force: true });
    const third = await startTestRelaydesk({}, dataDir);
    const found = async (word: string): Promise<string[]> =>
      (await third.api<MessagesPage>(`/api/v1/search?query=${word}`)).messages.map(
        (m) => m.Subject,
      );
    expect([await found('zebrafish'), await found('okapi')]).toEqual([['fish'], ['deer']]);
    expect((await third.api<MessagesPage>('/api/v1/messages')).messages.map((m) => m.Read)).toEqual(
      [true, true],
    );
    await third.dispose();
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
