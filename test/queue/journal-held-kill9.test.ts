// kill -9 while the queue journal writes nothing (RELAYDESK_TEST_JOURNAL_HOLD), then a restart on
// the same data folder. A message the upstream took before even its `sending` state was on disk
// is sent again after the restart; one whose outcome was not on disk yet has no attempt line in
// relay.log for the first send (the line is written once the outcome is stored), only for the
// one the queue knows. A read flag or tag change made while an outcome was not on disk yet
// writes the index and the sidecar with the state on disk, so a kill -9 leaves no index saying
// what no file says. (The kills at each step of the journal: journal-kill9.test.ts.)
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogLines, MessageDelivery, MessagesPage } from '../../preload/api-contract.js';
import { cleanupCliProcesses, startServe, type ServeProcess } from '../helpers/cli-process.js';
import { eventually } from '../helpers/eventually.js';
import {
  relayWithJournalHeld,
  restartedUntilEmpty,
  startWithIndexRebuilt,
} from '../helpers/queue-kill9.js';

afterEach(cleanupCliProcesses);

describe('kill -9 after the upstream took a message whose sending state was never stored', () => {
  it('sends it again after the restart and records one clean attempt', async () => {
    // the journal writes nothing: the upstream is sent to before `sending` is on disk, and the
    // process dies as soon as the upstream has answered
    const to = 'once@rcpt.example';
    const { up, dataDir, args, first } = await relayWithJournalHeld(to, {
      RELAYDESK_TEST_CRASH_AT: 'upstream-answered',
    });
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(up.got).toEqual([to]);

    const second = await restartedUntilEmpty(dataDir, args);
    expect(up.got).toEqual([to, to]);
    const list = await second.api<{ messages: Array<{ ID: string }> }>('/api/v1/messages');
    const [message] = list.messages;
    const delivery = await second.api<MessageDelivery>(`/api/v1/message/${message?.ID}/delivery`);
    expect(delivery.status).toBe('delivered');
    const [recipient] = delivery.recipients;
    // nothing of the first send was stored: one attempt, and no interruption in the history
    expect(recipient?.attempts).toHaveLength(1);
    expect(recipient?.history.map((h) => h.state)).toEqual(['pending', 'sending', 'relayed']);
    expect((await second.stop()).code).toBe(0);
    await up.close();
  });
});

describe('kill -9 after the upstream took a message whose outcome was not on disk yet', () => {
  it('has logged no attempt for it; after the restart, one line: the attempt the queue knows', async () => {
    const to = 'logged@rcpt.example';
    const { up, dataDir, args, first, id } = await relayWithJournalHeld(to);
    const state = async (serve: ServeProcess) =>
      (await serve.api<MessageDelivery>(`/api/v1/message/${id}/delivery`)).recipients[0]?.state;
    await expect.poll(() => state(first), { timeout: 20_000 }).toBe('relayed');
    expect(up.got).toEqual([to]);
    // relayed in memory only: the relay log does not say so yet
    const attemptLines = (lines: string[]) => lines.filter((l) => l.includes(`${id}: to=<${to}>`));
    const logged = await first.api<LogLines>('/api/v1/relay/log?limit=1000');
    expect(attemptLines(logged.lines)).toEqual([]);
    first.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });

    // the restart sends it again (at least once), and logs that attempt, the one it knows of
    const second = await startServe({ dataDir, args });
    await expect.poll(() => state(second), { timeout: 20_000 }).toBe('relayed');
    expect(up.got).toEqual([to, to]);
    const delivery = await second.api<MessageDelivery>(`/api/v1/message/${id}/delivery`);
    expect(delivery.recipients[0]?.attempts).toHaveLength(1);
    expect((await second.stop()).code).toBe(0);
    const file = (await readFile(join(dataDir, 'relay.log'), 'utf8')).split('\n');
    expect(attemptLines(file)).toHaveLength(1);
    expect(attemptLines(file)[0]).toMatch(/, status=sent \(250 /);
    await up.close();
  });

  it(
    'keeps the index from saying it, so a clean stop after the restart leaves it in the sidecar',
    async () => {
      // the index commits what it is sent (a list read makes it commit at once)
      const to = 'outcome@rcpt.example';
      const { up, dataDir, args, first, id } = await relayWithJournalHeld(to);
      await eventually(
        async () => (await first.api<MessageDelivery>(`/api/v1/message/${id}/delivery`)).status,
      ).toBe('delivered');
      await first.api('/api/v1/messages');
      first.child.kill('SIGKILL');
      expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
      expect(up.got).toEqual([to]);

      // the outcome was not stored: the restart sends it again (at-least-once), and its clean
      // stop folds the new outcome into the sidecar
      const second = await restartedUntilEmpty(dataDir, args);
      expect(up.got).toEqual([to, to]);
      expect((await second.stop()).code).toBe(0);
      expect(await readdir(join(dataDir, 'queue'))).toEqual([]);

      // an index made anew from the sidecars has nothing left to send (the index had said
      // `delivered` while the sidecar still said `pending`, and the message went a third time)
      const third = await startWithIndexRebuilt(dataDir, args);
      const delivery = await third.api<MessageDelivery>(`/api/v1/message/${id}/delivery`);
      expect(delivery.status).toBe('delivered');
      expect((await third.stop()).code).toBe(0);
      expect(up.got).toEqual([to, to]);
      await up.close();
    },
    // three starts: 28 s in all once on a loaded machine
    90_000,
  );
});

describe('kill -9 after a read flag or tag change while the outcome was not on disk yet', () => {
  // the change through the API: its request, and what the message's summary says after it
  const changes = [
    {
      what: 'a read flag',
      path: '/api/v1/messages',
      body: (id: string) => ({ IDs: [id], Read: true }),
      expected: { Read: true, Tags: [] },
    },
    {
      what: 'tags',
      path: '/api/v1/tags',
      body: (id: string) => ({ IDs: [id], Tags: ['invoices'] }),
      expected: { Read: false, Tags: ['invoices'] },
    },
  ];

  it.each(changes)(
    'keeps the index at the state on disk after $what, as an index made anew from the sidecars',
    async ({ path, body, expected }) => {
      // relayed in memory, not on disk; the process dies once the index has committed the
      // change, before its sidecar is rewritten
      const to = 'changed@rcpt.example';
      const { up, dataDir, args, first, id } = await relayWithJournalHeld(to, {
        RELAYDESK_TEST_CRASH_AT: 'state-change-indexed',
      });
      await eventually(
        async () => (await first.api<MessageDelivery>(`/api/v1/message/${id}/delivery`)).status,
      ).toBe('delivered');
      await first
        .fetch(path, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body(id)),
        })
        .catch(() => undefined);
      expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
      expect(up.got).toEqual([to]);

      // the index said what the disk did (pending), so the restart sends it again
      // (at-least-once); it had said `delivered`, which no journal and no sidecar said, and the
      // message was neither sent nor folded, its sidecar left at `pending`
      const second = await restartedUntilEmpty(dataDir, args);
      expect(up.got).toEqual([to, to]);
      const summary = async (serve: ServeProcess) => {
        const [message] = (await serve.api<MessagesPage>('/api/v1/messages')).messages;
        const delivery = await serve.api<MessageDelivery>(`/api/v1/message/${id}/delivery`);
        return {
          Read: message?.Read,
          Tags: message?.Tags,
          status: delivery.status,
          history: delivery.recipients.map((r) => r.history.map((h) => h.state)),
        };
      };
      const after = {
        ...expected,
        status: 'delivered',
        // one send known: the first one's outcome was never stored
        history: [['pending', 'sending', 'relayed']],
      };
      expect(await summary(second)).toEqual(after);
      expect((await second.stop()).code).toBe(0);
      expect(await readdir(join(dataDir, 'queue'))).toEqual([]);

      // an index made anew from the sidecars says the same, and sends nothing
      const third = await startWithIndexRebuilt(dataDir, args);
      expect(await summary(third)).toEqual(after);
      expect((await third.stop()).code).toBe(0);
      expect(up.got).toEqual([to, to]);
      await up.close();
    },
    // three starts each
    90_000,
  );
});
