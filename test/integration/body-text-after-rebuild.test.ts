// A sidecar does not keep the message's body text (the index's full-text table does): an index
// made anew from the sidecars reads it again from the .eml files in the background, so a search
// by a word of the body finds the message again soon after the start, with the read flags the
// sidecars keep.
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { MessagesPage } from '../../preload/api-contract.js';
import { waitFor } from '../helpers/eventually.js';
import { makeDataDir, startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

/** The subjects a search for `word` lists, once it lists any. */
async function found(relaydesk: TestRelaydesk, word: string): Promise<string[]> {
  const subjects = await waitFor(`a search for ${word} to find a message`, async () => {
    const page = await relaydesk.api<MessagesPage>(`/api/v1/search?query=${word}`);
    return page.messages.length > 0 && page.messages.map((m) => m.Subject);
  });
  return subjects || [];
}

it('reads the body text again from the .eml files after the index is rebuilt from the sidecars', async () => {
  const dataDir = await makeDataDir();
  try {
    const first = await startTestRelaydesk({}, dataDir);
    // past the list's snippet (250 characters), which the sidecar keeps
    const filler = 'lorem ipsum dolor sit amet '.repeat(20);
    for (const [subject, text] of [
      ['fish', `${filler}the zebrafish swims`],
      ['deer', `${filler}an okapi grazes`],
    ])
      await first.transport().sendMail({ from: 'a@x.example', to: 'b@y.example', subject, text });
    expect(await found(first, 'zebrafish')).toEqual(['fish']);
    const ids = (await first.api<MessagesPage>('/api/v1/messages')).messages.map((m) => m.ID);
    const marked = await first.fetch('/api/v1/messages', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ IDs: ids, Read: true }),
    });
    expect(marked.status).toBe(200);
    // a clean stop: every sidecar is written
    await first.dispose();
    const spool = join(dataDir, 'spool');
    const sidecars = (await readdir(spool)).filter((name) => name.endsWith('.json'));
    expect(sidecars).toHaveLength(2);
    for (const name of sidecars) {
      const sidecar = await readFile(join(spool, name), 'utf8');
      expect(sidecar).toContain('"read":true');
      expect(sidecar).toContain('"searchText":""');
      expect(sidecar).not.toMatch(/zebrafish|okapi/);
    }

    // the index made anew from the sidecars alone
    for (const name of ['index.sqlite', 'index.sqlite-wal', 'index.sqlite-shm'])
      await rm(join(dataDir, name), { force: true });
    const lines: string[] = [];
    const second = await startTestRelaydesk({}, dataDir, { log: (line) => lines.push(line) });
    expect(lines.join('\n')).toMatch(/index: rebuilt from the sidecars .*: 2 message\(s\)/);
    expect([await found(second, 'zebrafish'), await found(second, 'okapi')]).toEqual([
      ['fish'],
      ['deer'],
    ]);
    expect(
      (await second.api<MessagesPage>('/api/v1/messages')).messages.map((m) => m.Read),
    ).toEqual([true, true]);
    expect(lines.join('\n')).toMatch(/body text of 2 message\(s\) read again from their \.eml/);
    await second.dispose();
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
