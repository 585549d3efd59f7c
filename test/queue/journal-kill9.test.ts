// kill -9 at every step of the queue's journal (in the middle of an append, after its synced write,
// at the start of a compaction, half-way through one, just before the folded journal is removed,
// just after: the index, whose commits are batched, must have the changes by then), then a
// restart on the same data folder: no delivery state is lost
// and each recipient reaches the upstream at least once, and more than once only when it was
// being sent when the process died, or its outcome was not on disk yet (at-least-once, as SMTP
// allows: per upstream connection, one message on the wire and one whose outcome is being
// stored). A torn last journal record is ignored with a log line. And a message the upstream took
// before even its `sending` state was on disk is sent again after the restart.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageDelivery, QueueView } from '../../preload/api-contract.js';
import { cleanupCliProcesses, makeTempDir, startServe } from '../helpers/cli-process.js';

afterEach(cleanupCliProcesses);

const relayConnections = 2;

async function upstream(): Promise<{ port: number; got: string[]; close(): Promise<void> }> {
  const got: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      stream.resume();
      stream.on('end', () => {
        for (const r of session.envelope.rcptTo) got.push(r.address);
        callback();
      });
    },
  });
  // a relay killed mid-session resets its connections
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return { port, got, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

// (not `journal-appended` too: between it and `journal-written` the append only adds to a size
// held in memory, so a kill at either leaves the same bytes on disk and on the wire, and a run
// at each proved the same thing twice: three server starts of this file's longest test)
describe.each([
  'journal-append',
  'journal-written',
  'compaction-start',
  'compaction-midway',
  'compaction-before-unlink',
  'compaction-done',
])('kill -9 at %s', (point) => {
  it('loses no delivery state and sends each recipient again only if it was in flight', async () => {
    const up = await upstream();
    const dataDir = await makeTempDir();
    const args = [
      ...['--mode', 'relay', '--relay-host', `127.0.0.1:${up.port}`, '--relay-security', 'none'],
      ...['--relay-connections', String(relayConnections)],
    ];
    const first = await startServe({
      dataDir,
      args,
      env: {
        RELAYDESK_TEST_CRASH_AT: point,
        // well into the run: many states are in the journal (or half folded) when it dies
        RELAYDESK_TEST_CRASH_HIT: point.startsWith('journal') ? '24' : '3',
        RELAYDESK_TEST_JOURNAL_COMPACT_AT: '4000',
        // the index commits its changes in batches: here none before the crash unless asked
        ...(point === 'compaction-done' ? { RELAYDESK_TEST_INDEX_COMMIT_MS: '60000' } : {}),
      },
    });
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
      const to = `r${i}@rcpt.example`;
      try {
        await transport.sendMail({ from: 'app@example.test', to, subject: `m ${i}`, text: 'x' });
        acked.push(to);
      } catch {
        break;
      }
    }
    transport.close();
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(acked.length).toBeGreaterThan(0);
    const beforeRestart = up.got.length;

    const second = await startServe({ dataDir, args });
    await expect
      .poll(async () => (await second.api<QueueView>('/api/v1/queue')).messages.length, {
        timeout: 20_000,
      })
      .toBe(0);
    // every acknowledged recipient reached the upstream…
    for (const to of acked) expect(up.got, to).toContain(to);
    // …and again only when it was on a connection, or its outcome not stored, when it died
    const inDoubt = 2 * relayConnections;
    const twice = [...new Set(up.got)].filter((to) => up.got.filter((t) => t === to).length > 1);
    expect(twice.length).toBeLessThanOrEqual(inDoubt);
    expect(up.got.length - beforeRestart).toBeLessThanOrEqual(
      acked.length - new Set(up.got.slice(0, beforeRestart)).size + inDoubt,
    );
    if (point === 'journal-append')
      expect(second.stdout).toMatch(/queue journal: ignored a torn last record \(\d+ bytes\)/);
    expect((await second.stop()).code).toBe(0);
    // a clean stop folds the journal into the sidecars and leaves none behind
    const files = await readdir(join(dataDir, 'queue'));
    expect(files).toEqual([]);
    // and the sidecars hold every last state: an index made anew from them (index.sqlite
    // damaged or deleted) finds nothing to send again (it found every message the journal had
    // not been folded for, and sent them all a second time)
    for (const name of await readdir(dataDir)) {
      if (name.startsWith('index.sqlite')) await rm(join(dataDir, name));
    }
    const sentBefore = up.got.length;
    const third = await startServe({ dataDir, args });
    expect(third.stdout).toMatch(/index: rebuilt from the sidecars/);
    expect((await third.api<QueueView>('/api/v1/queue')).messages).toEqual([]);
    expect((await third.stop()).code).toBe(0);
    expect(up.got.length).toBe(sentBefore);
    await up.close();
  });
});

describe('kill -9 after the upstream took a message whose sending state was never stored', () => {
  it('sends it again after the restart and records one clean attempt', async () => {
    const up = await upstream();
    const dataDir = await makeTempDir();
    const args = [
      ...['--mode', 'relay', '--relay-host', `127.0.0.1:${up.port}`, '--relay-security', 'none'],
    ];
    // the journal writes nothing: the upstream is sent to before `sending` is on disk, and the
    // process dies as soon as the upstream has answered
    const first = await startServe({
      dataDir,
      args,
      env: { RELAYDESK_TEST_JOURNAL_HOLD: '1', RELAYDESK_TEST_CRASH_AT: 'upstream-answered' },
    });
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: first.smtp.port,
      secure: false,
      ignoreTLS: true,
    });
    const to = 'once@rcpt.example';
    const sent = await transport.sendMail({
      from: 'app@example.test',
      to,
      subject: 's',
      text: 'x',
    });
    transport.close();
    expect(sent.accepted).toEqual([to]);
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(up.got).toEqual([to]);

    const second = await startServe({ dataDir, args });
    await expect
      .poll(async () => (await second.api<QueueView>('/api/v1/queue')).messages.length, {
        timeout: 20_000,
      })
      .toBe(0);
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
