// What the queue journal's kill -9 tests (test/queue/journal-*kill9.test.ts) share: a relay that
// is started again on a data folder until its queue is empty, one whose index is made anew from
// the sidecars, and one whose journal writes nothing.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { expect } from 'vitest';
import type { QueueView } from '../../preload/api-contract.js';
import { makeTempDir, startServe, type ServeProcess } from './cli-process.js';
import { eventually } from './eventually.js';
import { recipientCountingUpstream } from './upstream-server.js';

/** Deletes the index and starts the relay again: it rebuilds it from the sidecars, and has
 * nothing to send. */
export async function startWithIndexRebuilt(
  dataDir: string,
  args: string[],
): Promise<ServeProcess> {
  for (const name of await readdir(dataDir)) {
    if (name.startsWith('index.sqlite')) await rm(join(dataDir, name));
  }
  const serve = await startServe({ dataDir, args });
  expect(serve.stdout).toMatch(/index: rebuilt from the sidecars/);
  expect((await serve.api<QueueView>('/api/v1/queue')).messages).toEqual([]);
  return serve;
}

/** Starts the relay again on `dataDir` and waits until its queue is empty (20 s: it resends). */
export async function restartedUntilEmpty(dataDir: string, args: string[]): Promise<ServeProcess> {
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
export async function relayWithJournalHeld(to: string, env: Record<string, string> = {}) {
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
