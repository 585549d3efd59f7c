// kill -9 at every step of the queue's journal (in the middle of an append, after its synced write,
// at the start of a compaction, half-way through one, just before the folded journal is removed,
// just after: the index, whose commits are batched, must have the changes by then), then a
// restart on the same data folder: no delivery state is lost
// and each recipient reaches the upstream at least once, and more than once only when it was
// being sent when the process died, or its outcome was not on disk yet (at-least-once, as SMTP
// allows: per upstream connection, one message on the wire and one whose outcome is being
// stored). A torn last journal record is ignored with a log line. And a message the upstream took
// before even its `sending` state was on disk is sent again after the restart; one whose outcome
// was not on disk yet has no attempt line in relay.log for the first send (the line is written
// once the outcome is stored), only for the one the queue knows. A read flag or tag change made
// while an outcome was not on disk yet writes the index and the sidecar with the state on disk,
// so a kill -9 leaves no index saying what no file says.
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import type {
  LogLines,
  MessageDelivery,
  MessagesPage,
  QueueView,
} from '../../preload/api-contract.js';
import {
  cleanupCliProcesses,
  makeTempDir,
  startServe,
  type ServeProcess,
} from '../helpers/cli-process.js';
import { recipientCountingUpstream } from '../helpers/upstream-server.js';
import { eventually } from '../helpers/eventually.js';

afterEach(cleanupCliProcesses);

const relayConnections = 2;

// The points in one chain on one data folder: the start that checks an index made anew from
// the sidecars (the third of each point) is the run killed at the next point, so a point costs
// two starts instead of three (a start is ~3.4 s of CPU). compaction-done comes first, on a new
// folder, since its run holds the index's commits back. Each point's recipients are its own,
// and every check of a point is made on them as when it had a folder of its own.
// (Not `journal-appended` too: between it and `journal-written` the append only adds to a size
// held in memory, so a kill at either leaves the same bytes on disk and on the wire.)
const points = [
  'compaction-done',
  'journal-append',
  'journal-written',
  'compaction-start',
  'compaction-midway',
  'compaction-before-unlink',
];

const crashAt = (point: string): Record<string, string> => ({
  RELAYDESK_TEST_CRASH_AT: point,
  // well into the run: many states are in the journal (or half folded) when it dies
  RELAYDESK_TEST_CRASH_HIT: point.startsWith('journal') ? '24' : '3',
  RELAYDESK_TEST_JOURNAL_COMPACT_AT: '4000',
  // the index commits its changes in batches: here none before the crash unless asked
  ...(point === 'compaction-done' ? { RELAYDESK_TEST_INDEX_COMMIT_MS: '60000' } : {}),
});

describe('kill -9 at each step of the queue journal, one after another on one data folder', () => {
  it(
    'loses no delivery state and sends each recipient again only if it was in flight',
    async () => {
      const up = await recipientCountingUpstream();
      const dataDir = await makeTempDir();
      const args = [
        ...['--mode', 'relay', '--relay-host', `127.0.0.1:${up.port}`, '--relay-security', 'none'],
        ...['--relay-connections', String(relayConnections)],
      ];
      /** How often each point's recipients had reached the upstream once that point was checked. */
      const settled = new Map<string, number>();
      const reached = (round: string): string[] => up.got.filter((to) => to.startsWith(round));
      let first = await startServe({ dataDir, args, env: crashAt(points[0] as string) });
      for (const [p, point] of points.entries()) {
        const round = `p${p}r`;
        const transport = nodemailer.createTransport({
          host: '127.0.0.1',
          port: first.smtp.port,
          secure: false,
          ignoreTLS: true,
        });
        const acked: string[] = [];
        for (
          let i = 0;
          // enough mail for the third compaction however the states group into journal writes
          i < 100 && first.child.exitCode === null && first.child.signalCode === null;
          i++
        ) {
          const to = `${round}${i}@rcpt.example`;
          try {
            await transport.sendMail({
              from: 'app@example.test',
              to,
              subject: `m ${i}`,
              text: 'x',
            });
            acked.push(to);
          } catch {
            break;
          }
        }
        transport.close();
        expect(await first.exited, `killed at ${point}`).toEqual({ code: null, signal: 'SIGKILL' });
        expect(acked.length, point).toBeGreaterThan(0);
        const beforeRestart = reached(round);

        const second = await restartedUntilEmpty(dataDir, args);
        // every acknowledged recipient reached the upstream…
        for (const to of acked) expect(up.got, `${point}: ${to}`).toContain(to);
        // …and again only when it was on a connection, or its outcome not stored, when it died
        const inDoubt = 2 * relayConnections;
        const got = reached(round);
        const twice = [...new Set(got)].filter((to) => got.filter((t) => t === to).length > 1);
        expect(twice.length, point).toBeLessThanOrEqual(inDoubt);
        expect(got.length - beforeRestart.length, point).toBeLessThanOrEqual(
          acked.length - new Set(beforeRestart).size + inDoubt,
        );
        if (point === 'journal-append')
          expect(second.stdout).toMatch(/queue journal: ignored a torn last record \(\d+ bytes\)/);
        expect((await second.stop()).code, point).toBe(0);
        // a clean stop folds the journal into the sidecars and leaves none behind
        expect(await readdir(join(dataDir, 'queue')), point).toEqual([]);
        settled.set(round, reached(round).length);
        // and the sidecars hold every last state: an index made anew from them (index.sqlite
        // damaged or deleted) finds nothing to send again (it found every message the journal
        // had not been folded for, and sent them all a second time)
        for (const name of await readdir(dataDir)) {
          if (name.startsWith('index.sqlite')) await rm(join(dataDir, name));
        }
        const sentBefore = up.got.length;
        const next = points[p + 1];
        const third = await startServe({ dataDir, args, env: next ? crashAt(next) : {} });
        expect(third.stdout, point).toMatch(/index: rebuilt from the sidecars/);
        expect((await third.api<QueueView>('/api/v1/queue')).messages, point).toEqual([]);
        expect(up.got.length, point).toBe(sentBefore);
        first = third;
      }
      expect((await first.stop()).code).toBe(0);
      // nothing was sent again later either: each point's recipients reached the upstream as
      // often as when that point was checked, through every later start and kill
      for (const [round, count] of settled) expect(reached(round).length, round).toBe(count);
      await up.close();
    },
    // per point two starts, where one point took three within the default 30 s
    points.length * 30_000,
  );
});

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

/** Deletes the index and starts the relay again: it rebuilds it from the sidecars, and has
 * nothing to send. */
async function startWithIndexRebuilt(dataDir: string, args: string[]): Promise<ServeProcess> {
  for (const name of await readdir(dataDir)) {
    if (name.startsWith('index.sqlite')) await rm(join(dataDir, name));
  }
  const serve = await startServe({ dataDir, args });
  expect(serve.stdout).toMatch(/index: rebuilt from the sidecars/);
  expect((await serve.api<QueueView>('/api/v1/queue')).messages).toEqual([]);
  return serve;
}

/** Starts the relay again on `dataDir` and waits until its queue is empty (20 s: it resends). */
async function restartedUntilEmpty(dataDir: string, args: string[]): Promise<ServeProcess> {
  const serve = await startServe({ dataDir, args });
  await eventually(
    async () => (await serve.api<QueueView>('/api/v1/queue')).messages.length,
    20_000,
  ).toBe(0);
  return serve;
}

/**
 * A relay whose queue journal writes nothing (the outcome of an attempt is known in memory and
 * never reaches the disk), one message sent to it for `to`, and its queue ID. `env`: more of the
 * kill -9 tests' variables (a crash point).
 */
async function relayWithJournalHeld(to: string, env: Record<string, string> = {}) {
  const up = await recipientCountingUpstream();
  const dataDir = await makeTempDir();
  const args = [
    ...['--mode', 'relay', '--relay-host', `127.0.0.1:${up.port}`, '--relay-security', 'none'],
  ];
  const first = await startServe({
    dataDir,
    args,
    env: { RELAYDESK_TEST_JOURNAL_HOLD: '1', ...env },
  });
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: first.smtp.port,
    secure: false,
    ignoreTLS: true,
  });
  const sent = await transport.sendMail({ from: 'app@example.test', to, subject: 'o', text: 'x' });
  transport.close();
  expect(sent.accepted).toEqual([to]);
  const id = /queued as (\S+)/.exec(sent.response)?.[1] as string;
  return { up, dataDir, args, first, id };
}

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
