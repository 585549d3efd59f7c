// One new file per message on the SMTP path: while messages arrive over real SMTP, the only names
// created in the spool folder are their .eml files (no temporary file, no sidecar); their records
// are in the arrivals journal, and the API lists and opens them. The sidecars are written later,
// off the SMTP path: here at the clean stop, which leaves no journal behind. After a restart the
// messages are read back from those sidecars.
import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageDetail, MessagesPage } from '../../preload/api-contract.js';
import { makeDataDir, startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

let relay: TestRelaydesk | null = null;
let watcher: FSWatcher | null = null;

afterEach(async () => {
  watcher?.close();
  await relay?.dispose();
  relay = null;
});

describe('a message on the SMTP path', () => {
  it('creates one new file, its .eml; the sidecar comes later, off the path', async () => {
    const dataDir = await makeDataDir();
    relay = await startTestRelaydesk({}, dataDir);
    const spool = join(dataDir, 'spool');
    const created = new Set<string>();
    // inotify: every name created, renamed or removed in the folder
    watcher = watch(spool, (_event, name) => {
      if (name) created.add(name.toString());
    });
    const transport = relay.transport();
    const ids: string[] = [];
    for (let batch = 0; batch < 4; batch++) {
      const sent = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          transport.sendMail({
            from: 'app@example.test',
            to: `user${batch * 5 + i}@example.test`,
            subject: `path ${batch * 5 + i}`,
            text: 'body',
          }),
        ),
      );
      for (const info of sent) ids.push(/queued as ([0-9a-z]+)/.exec(info.response)?.[1] ?? '?');
    }
    // every 250 came after the .eml and the journal's record were on disk
    const page = await relay.api<MessagesPage>('/api/v1/messages?limit=100');
    expect(page.messages.map((m) => m.ID).sort()).toEqual([...ids].sort());
    // the watcher's events for the last creations may come a moment after the 250s
    const emls = ids.map((id) => `${id}.eml`).sort();
    await expect.poll(() => [...created].sort(), { timeout: 5000 }).toEqual(emls);
    expect((await readdir(spool)).sort()).toEqual(emls);
    const journal = await readFile(join(dataDir, 'arrivals', 'journal.log'), 'utf8');
    for (const id of ids) expect(journal).toContain(`"id":"${id}"`);
    // opening one marks it read: a state change, which writes its sidecar at once
    const opened = await relay.api<MessageDetail>(`/api/v1/message/${ids[7]}`);
    expect(opened.Subject).toBe('path 7');
    expect(opened.Envelope.rcptTo).toEqual(['user7@example.test']);

    watcher.close();
    watcher = null;
    await relay.close();
    const after = (await readdir(spool)).sort();
    expect(after).toEqual([...emls, ...ids.map((id) => `${id}.json`)].sort());
    expect(await readdir(join(dataDir, 'arrivals'))).toEqual([]);
    const sidecar = JSON.parse(await readFile(join(spool, `${ids[3]}.json`), 'utf8'));
    expect(sidecar.summary.subject).toBe('path 3');

    relay = await startTestRelaydesk({}, dataDir);
    const again = await relay.api<MessagesPage>('/api/v1/messages?limit=100');
    expect(again.total).toBe(20);
  });
});
