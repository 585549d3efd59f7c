// The service's own lines (its start, the index, a file moved to quarantine, the queue's journal)
// reach a user who has no console, as the desktop app's users have none: service.log in the data
// folder, `GET /api/v1/service/log` and the Logs view's `log` events. Audit lines (SMTP's, and
// POP3's, which were in no log file before) and relay lines keep to their own logs, and a
// message's own line (`<id>: from=<…>`) goes to none of them.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { newMessageId } from '../../main/core/spool/message-id.js';
import type { LogEntry, LogLines } from '../../preload/api-contract.js';
import { waitFor } from '../helpers/eventually.js';
import { makeDataDir, startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A relay on a data folder of the test's own, removed after it. */
async function relaydesk(
  settings: Record<string, unknown>,
  dataDir: string,
): Promise<TestRelaydesk> {
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const relay = await startTestRelaydesk(settings, dataDir);
  cleanups.push(() => relay.dispose());
  return relay;
}

const lines = (relay: TestRelaydesk, kind: 'relay' | 'audit' | 'service'): Promise<string[]> =>
  relay.api<LogLines>(`/api/v1/${kind}/log?limit=1000`).then((log) => log.lines);

describe('the service log', () => {
  it('holds the start, the index rebuilt and a file quarantined; audit and message lines stay out', async () => {
    const dataDir = await makeDataDir();
    // an .eml with no sidecar (the message was never acknowledged): quarantined at start
    const orphan = `${newMessageId()}.eml`;
    await mkdir(join(dataDir, 'spool'), { recursive: true });
    await writeFile(join(dataDir, 'spool', orphan), 'Subject: never acknowledged\r\n\r\nbody\r\n');
    const relay = await relaydesk(
      { greetingDelayMs: 0, reverseDnsTimeoutMs: 0, pop3: '127.0.0.1:0' },
      dataDir,
    );
    const quarantined = `spool: moved ${orphan} to quarantine: no sidecar: the message was never acknowledged`;

    const service = await waitFor('the service lines of the start', async () => {
      const got = await lines(relay, 'service');
      return got.includes(quarantined) && got.some((l) => l.startsWith('exposure: ')) ? got : null;
    });
    expect(service).toContainEqual(expect.stringMatching(/^index: rebuilt from the sidecars /));
    expect(await lines(relay, 'audit')).not.toContain(quarantined);

    // the Logs view's live feed: a line written now comes as a `log` event of kind service
    const events: LogEntry[] = [];
    relay.service.on('event', (event) => {
      if (event.Type === 'log') events.push(event.Data);
    });
    await relay.fetch('/api/v1/smtp/pause', { method: 'POST' }).then((r) => r.text());
    const paused = await waitFor('the pause as a service event', () =>
      events.find((e) => e.line === 'smtp: receiving paused'),
    );
    expect(paused.kind).toBe('service');
    await relay.fetch('/api/v1/smtp/resume', { method: 'POST' }).then((r) => r.text());

    const info = await relay.transport().sendMail({
      from: 'app@sender.example',
      to: 'ada@example.test',
      subject: 'a message',
      text: 'body',
    });
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    const audit = await waitFor('the audit line of the message', async () => {
      const got = await lines(relay, 'audit');
      return got.some((l) => l.includes(`id=${id}`)) ? got : null;
    });
    // a POP3 client's connection is an audit line too (written by its listener as a note)
    const pop3 = relay.service.pop3Addresses().pop3 as { port: number };
    await new Promise<void>((resolve, reject) => {
      const socket = connect(pop3.port, '127.0.0.1');
      socket.once('error', reject);
      socket.once('data', () => socket.end('QUIT\r\n'));
      socket.once('close', () => resolve());
    });
    await waitFor('the POP3 connection in the audit log', async () =>
      (await lines(relay, 'audit')).some((l) => l.startsWith('pop3-audit event=connect')),
    );
    expect(audit.every((l) => /^(smtp|http|pop3|settings)-audit /.test(l))).toBe(true);
    const afterMail = await lines(relay, 'service');
    expect(afterMail.filter((l) => /-audit /.test(l) || l.includes(id))).toEqual([]);

    // the same lines in the data folder, each after its time stamp
    const file = await waitFor('service.log to hold the quarantine line', async () => {
      const text = await readFile(join(dataDir, 'service.log'), 'utf8').catch(() => '');
      return text.includes(quarantined) ? text : null;
    });
    const written = file.trimEnd().split('\n');
    expect(written.every((l) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \S/.test(l))).toBe(true);
    expect(written.map((l) => l.slice(25))).toEqual(afterMail);
  });

  it("keeps the queue's own notes in the relay log only", async () => {
    const relay = await relaydesk(
      {
        greetingDelayMs: 0,
        reverseDnsTimeoutMs: 0,
        mode: 'relay',
        relay: { host: '127.0.0.1', port: 9, security: 'none' },
      },
      await makeDataDir(),
    );
    await relay.api('/api/v1/relay/pause', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'maintenance window' }),
    });
    const relayLines = await waitFor('the pause in the relay log', async () => {
      const got = await lines(relay, 'relay');
      return got.some((l) => l.startsWith('upstream paused: ')) ? got : null;
    });
    expect(relayLines.filter((l) => l.startsWith('upstream paused: '))).toHaveLength(1);
    expect((await lines(relay, 'service')).filter((l) => l.includes('upstream paused'))).toEqual(
      [],
    );
  });

  it('still shows the lines written before a restart, with their times, before the new ones', async () => {
    const dataDir = await makeDataDir();
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const settings = {
      greetingDelayMs: 0,
      reverseDnsTimeoutMs: 0,
      mode: 'relay',
      // nothing listens on the discard port: the delivery is deferred, a relay.log line
      relay: { host: '127.0.0.1', port: 9, security: 'none' },
    };
    const first = await startTestRelaydesk(settings, dataDir);
    const info = await first.transport().sendMail({
      from: 'app@sender.example',
      to: 'ada@example.test',
      subject: 'before the restart',
      text: 'body',
    });
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    const before = await waitFor('the audit and relay lines of the message', async () => {
      const audit = await first.api<LogLines>('/api/v1/audit/log?limit=1000');
      const relay = await lines(first, 'relay');
      const accepted = audit.entries.find((e) => e.line.includes(`id=${id}`));
      return accepted && relay.some((l) => l.startsWith(`${id}: `)) ? accepted : null;
    });
    const serviceBefore = await lines(first, 'service');
    await first.dispose();

    const second = await relaydesk(settings, dataDir);
    const audit = await waitFor('the new run in the audit log', async () => {
      const log = await second.api<LogLines>('/api/v1/audit/log?limit=1000');
      return log.entries.length > 0 ? log : null;
    });
    // the line of the first run, at the time it was written, in time order with the rest (its
    // place in the count is the new run's)
    expect(audit.entries).toContainEqual({ ...before, seq: expect.any(Number) });
    const times = audit.entries.map((e) => e.at);
    expect(times).toEqual([...times].sort());
    expect((await lines(second, 'relay')).some((l) => l.startsWith(`${id}: `))).toBe(true);
    const service = await waitFor('the second start in the service log', async () => {
      const got = await lines(second, 'service');
      return got.filter((l) => l.startsWith('exposure: SMTP on ')).length === 2 ? got : null;
    });
    expect(service.slice(0, serviceBefore.length)).toEqual(serviceBefore);
  });
});
