// kill -9 the headless server right after a 250 and start it again on the same data folder: every
// acknowledged message is listed, with its Subject and its whole body, and nothing half-written is.
// Also the leftovers a crash can leave in the spool, planted by hand.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { newMessageId } from '../../main/core/spool/message-id.js';
import type { MessageDetail, MessagesPage } from '../../preload/api-contract.js';
import {
  cleanupCliProcesses,
  makeTempDir,
  startServe,
  type ServeProcess,
} from '../helpers/cli-process.js';

type Transport = ReturnType<typeof nodemailer.createTransport>;

afterEach(cleanupCliProcesses);

const endMarker = (subject: string): string => `END OF ${subject}`;

function transportTo(server: ServeProcess): Transport {
  // not pooled: every message opens its own connection, so parallel sends really are parallel
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port: server.smtp.port,
    secure: false,
    ignoreTLS: true,
  });
}

/** Sends one message; records its ID when (and only when) the server answered 250. */
async function send(
  transport: Transport,
  subject: string,
  acked: Map<string, string>,
  bodyBytes = 200,
): Promise<string> {
  const filler = 'x'.repeat(75) + '\r\n';
  const text = filler.repeat(Math.ceil(bodyBytes / filler.length)) + endMarker(subject);
  const info = (await transport.sendMail({
    from: 'app@example.test',
    to: 'user@example.test',
    subject,
    text,
  })) as { response: string };
  const id = /queued as ([0-9a-z]+)/.exec(info.response)?.[1];
  if (!id) throw new Error(`no ID in ${info.response}`);
  acked.set(id, subject);
  return id;
}

/** Lists everything after a restart and checks each message is whole. */
async function expectAllAcknowledged(
  server: ServeProcess,
  acked: Map<string, string>,
): Promise<void> {
  const page = await server.api<MessagesPage>('/api/v1/messages?limit=10000');
  const listed = new Map(page.messages.map((m) => [m.ID, m.Subject]));
  for (const [id, subject] of acked)
    expect(listed.get(id), `acknowledged ${id} ${subject}`).toBe(subject);
  // nothing half-written: every listed message opens, and its body arrived to the last line
  for (const [id, subject] of listed) {
    const detail = await server.api<MessageDetail>(`/api/v1/message/${id}`);
    expect(detail.Subject).toBe(subject);
    expect(detail.Text.trimEnd().endsWith(endMarker(subject)), `body of ${subject}`).toBe(true);
    // and searchable: the index caught up with the spool, full-text table included (a plain
    // word; the body's end is past the search text's budget for the large ones)
    const found = await server.api<MessagesPage>(
      `/api/v1/search?query=${encodeURIComponent(`"${subject}"`)}`,
    );
    expect(
      found.messages.map((m) => m.ID),
      `search for ${subject}`,
    ).toContain(id);
  }
  expect(page.total).toBe(listed.size);
  // the start removed temporary files and left every sidecar with its .eml
  const files = await readdir(join(server.dataDir, 'spool'));
  expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
  const sidecars = files.filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));
  for (const id of sidecars) expect(files).toContain(`${id}.eml`);
}

describe('kill -9 right after a 250', () => {
  it('loses no acknowledged message and lists nothing half-written', async () => {
    const dataDir = await makeTempDir();
    const acked = new Map<string, string>();

    // Round 1: a sequential stream, and larger messages in parallel on their own connections;
    // SIGKILL in the callback of the 25th sequential 250, while the parallel ones are in flight.
    const first = await startServe({ dataDir });
    const t1 = transportTo(first);
    let killed = false;
    const parallel: Promise<unknown>[] = [];
    const sequential = (async () => {
      for (let i = 1; i <= 40 && !killed; i++) {
        if (i === 20) {
          for (let j = 1; j <= 6; j++) parallel.push(send(t1, `parallel ${j}`, acked, 300_000));
        }
        await send(t1, `sequential ${i}`, acked);
        if (i === 25) {
          first.kill('SIGKILL');
          killed = true;
        }
      }
    })();
    await sequential.catch(() => undefined);
    expect(killed).toBe(true);
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await Promise.allSettled(parallel);
    t1.close();
    expect(acked.size).toBeGreaterThanOrEqual(25);

    // Round 2: restart on the same folder; everything acknowledged is there. Then send more,
    // kill again right after the 10th 250 of a batch sent five at a time.
    const second = await startServe({ dataDir });
    await expectAllAcknowledged(second, acked);
    const t2 = transportTo(second);
    let count = 0;
    await new Promise<void>((resolve) => {
      for (let i = 1; i <= 15; i++) {
        send(t2, `batch ${i}`, acked).then(
          () => {
            count++;
            if (count === 10) {
              second.kill('SIGKILL');
              resolve();
            }
          },
          () => undefined,
        );
      }
      void second.exited.then(() => resolve());
    });
    expect((await second.exited).signal).toBe('SIGKILL');
    t2.close();

    const third = await startServe({ dataDir });
    await expectAllAcknowledged(third, acked);
    await third.stop();
    // three starts and two kills: 27 s of the default 30 s with the machine loaded by other work
  }, 90_000);
});

describe('kill -9 while many arrivals share one folder fsync', () => {
  it('keeps every message acknowledged before the kill, though their fsyncs were grouped', async () => {
    const dataDir = await makeTempDir();
    const acked = new Map<string, string>();
    const server = await startServe({ dataDir });
    const transport = transportTo(server);
    // 40 messages at once, each on its own connection: their renames land while a folder fsync
    // runs, so they wait for the next one and share it; SIGKILL right after the 30th 250
    let count = 0;
    await new Promise<void>((resolve) => {
      for (let i = 1; i <= 40; i++) {
        send(transport, `grouped ${i}`, acked).then(
          () => {
            count++;
            if (count === 30) {
              server.kill('SIGKILL');
              resolve();
            }
          },
          () => undefined,
        );
      }
      void server.exited.then(() => resolve());
    });
    expect((await server.exited).signal).toBe('SIGKILL');
    transport.close();
    expect(acked.size).toBeGreaterThanOrEqual(30);

    const restarted = await startServe({ dataDir });
    await expectAllAcknowledged(restarted, acked);
    await restarted.stop();
  });
});

describe('leftovers of a crash in the spool', () => {
  it('starts, lists the good messages, quarantines bad files with a log line and removes temp files', async () => {
    const dataDir = await makeTempDir();
    const acked = new Map<string, string>();
    const first = await startServe({ dataDir });
    const transport = transportTo(first);
    for (let i = 1; i <= 3; i++) await send(transport, `good ${i}`, acked);
    transport.close();
    expect((await first.stop()).code).toBe(0);

    const spool = join(dataDir, 'spool');
    const [goodId] = [...acked.keys()];
    const goodSidecar = await readFile(join(spool, `${goodId}.json`), 'utf8');
    const orphan = newMessageId();
    const truncated = newMessageId();
    const garbage = newMessageId();
    const temps = [`${goodId}.json.4242-1.tmp`, `${newMessageId()}.eml.4242-2.tmp`];
    for (const temp of temps) await writeFile(join(spool, temp), goodSidecar.slice(0, 40));
    await writeFile(join(spool, `${orphan}.eml`), 'Subject: never acknowledged\r\n\r\nhalf');
    await writeFile(join(spool, `${truncated}.eml`), 'Subject: truncated sidecar\r\n\r\nbody\r\n');
    await writeFile(join(spool, `${truncated}.json`), goodSidecar.slice(0, goodSidecar.length / 2));
    await writeFile(join(spool, `${garbage}.eml`), 'Subject: garbage sidecar\r\n\r\nbody\r\n');
    await writeFile(join(spool, `${garbage}.json`), Buffer.from([0, 1, 2, 0xff, 0xfe, 0x7b]));

    const second = await startServe({ dataDir });
    const page = await second.api<MessagesPage>('/api/v1/messages');
    expect(page.messages.map((m) => m.Subject).sort()).toEqual(['good 1', 'good 2', 'good 3']);

    const log = second.stdout;
    expect(log).toMatch(new RegExp(`spool: moved ${orphan}\\.eml to quarantine: no sidecar`));
    expect(log).toMatch(
      new RegExp(`spool: moved ${truncated}\\.json to quarantine: sidecar is unreadable`),
    );
    expect(log).toMatch(
      new RegExp(`spool: moved ${truncated}\\.eml to quarantine: sidecar is unreadable`),
    );
    expect(log).toMatch(
      new RegExp(`spool: moved ${garbage}\\.json to quarantine: sidecar is unreadable`),
    );
    // the log lines come before the ready line: the spool is checked before mail is taken
    expect(log.indexOf('quarantine')).toBeLessThan(log.indexOf('Relaydesk is ready'));

    const quarantined = (await readdir(join(dataDir, 'quarantine'))).sort();
    expect(quarantined).toEqual(
      [
        `${orphan}.eml`,
        `${truncated}.eml`,
        `${truncated}.json`,
        `${garbage}.eml`,
        `${garbage}.json`,
      ].sort(),
    );
    const left = await readdir(spool);
    expect(left.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(left.sort()).toEqual(
      [...acked.keys()].flatMap((id) => [`${id}.eml`, `${id}.json`]).sort(),
    );
    await second.stop();
  });
});
