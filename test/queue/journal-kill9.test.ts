// kill -9 at every step of the queue's journal (in the middle of an append, after its synced write,
// at the start of a compaction, half-way through one, just before the folded journal is removed,
// just after: the index, whose commits are batched, must have the changes by then), then a
// restart on the same data folder: no delivery state is lost
// and each recipient reaches the upstream at least once, and more than once only when it was
// being sent when the process died, or its outcome was not on disk yet (at-least-once, as SMTP
// allows: per upstream connection, one message on the wire and one whose outcome is being
// stored). A torn last journal record is ignored with a log line. The kills while a journal
// writes nothing (a state never stored, an outcome not on disk yet) are in
// journal-held-kill9.test.ts: one file of both took over a minute alone (split, two forks share it).
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import type { QueueView } from '../../preload/api-contract.js';
import { cleanupCliProcesses, makeTempDir, startServe } from '../helpers/cli-process.js';
import { recipientCountingUpstream } from '../helpers/upstream-server.js';
import { restartedUntilEmpty } from '../helpers/queue-kill9.js';

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
