// Log records (level, event, fields) for a delivery attempt and a refused UI password, written
// as the lines people grep: relay.log in Postfix's shape, audit.log in key=value shape.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogRecord } from '../../main/core/logs/log-record.js';
import { settled } from '../helpers/delivery.js';
import { waitFor } from '../helpers/eventually.js';
import { makeDataDir, startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { startUpstreamServer } from '../helpers/upstream-server.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function relaydesk(settings: Record<string, unknown>): Promise<TestRelaydesk> {
  const relay = await startTestRelaydesk(settings);
  cleanups.push(() => relay.dispose());
  return relay;
}

function recordsOf(relay: TestRelaydesk): LogRecord[] {
  const records: LogRecord[] = [];
  relay.service.on('record', (record) => records.push(record));
  return records;
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The line of a log file that ends with `line`, after its ISO time stamp. */
async function fileLine(path: string, line: string): Promise<string> {
  const written = new RegExp(
    `^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z ${escape(line)}$`,
    'm',
  );
  return waitFor(`${path} to hold ${line}`, async () => {
    const text = await readFile(path, 'utf8').catch(() => '');
    return written.exec(text)?.[0] ?? '';
  });
}

describe('log records', () => {
  it('an attempt through a real upstream is a record per recipient, written in Postfix shape', async () => {
    const server = await startUpstreamServer({
      tls: 'none',
      failures: { rcpt: { 'carol@rcpt.example': { code: 550, text: '5.1.1 No such user' } } },
    });
    cleanups.push(() => server.close());
    const relay = await relaydesk({
      mode: 'relay',
      relay: { host: '127.0.0.1', port: server.port, security: 'none' },
    });
    const records = recordsOf(relay);
    const info = await relay.transport().sendMail({
      from: 'app@sender.example',
      to: ['bob@rcpt.example', 'carol@rcpt.example'],
      subject: 'logged',
      text: 'body',
    });
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    await settled(relay, id, (d) => d.recipients.every((r) => r.attempts.length > 0));

    const attempts = records.filter(
      (r) => r.event === 'message' && r.id === id && 'to' in r.fields,
    );
    const relayTo = `127.0.0.1[127.0.0.1]:${server.port}`;
    expect(attempts).toEqual([
      {
        level: 'info',
        event: 'message',
        id,
        fields: expect.objectContaining({
          to: '<bob@rcpt.example>',
          relay: relayTo,
          delay: expect.stringMatching(/^\d+\.\d\d$/),
          dsn: expect.stringMatching(/^2\.\d\.\d$/),
          status: expect.stringMatching(/^sent \(250 /),
        }),
      },
      {
        level: 'warn',
        event: 'message',
        id,
        fields: expect.objectContaining({
          to: '<carol@rcpt.example>',
          relay: relayTo,
          dsn: '5.1.1',
          status: 'bounced (550 5.1.1 No such user)',
        }),
      },
    ]);
    // the line in relay.log, written from the record, is the one people grep for
    const [sent, bounced] = attempts.map((r) => (r.event === 'message' ? r.fields : {}));
    const relayLog = join(relay.dataDir, 'relay.log');
    await fileLine(
      relayLog,
      `${id}: to=<bob@rcpt.example>, relay=${relayTo}, delay=${String(sent?.delay)}, dsn=${String(sent?.dsn)}, status=${String(sent?.status)}`,
    );
    const bouncedLine = `${id}: to=<carol@rcpt.example>, relay=${relayTo}, delay=${String(bounced?.delay)}, dsn=5.1.1, status=bounced (550 5.1.1 No such user)`;
    await fileLine(relayLog, bouncedLine);
    // and the same line in the Logs view and its API, without the time stamp
    const { lines } = await relay.api<{ lines: string[] }>('/api/v1/relay/log');
    expect(lines).toContain(bouncedLine);
  });

  it('a wrong UI password is an http-audit record, written to audit.log as a key=value line', async () => {
    const dir = await makeDataDir();
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'ui-password');
    await writeFile(file, 'ui-password-1\n');
    const relay = await relaydesk({
      uiPasswordFile: file,
      authMaxFailures: 2,
      authFailureDelayMs: 0,
    });
    const records = recordsOf(relay);
    const wrong = { authorization: `Basic ${Buffer.from('anyone:wrong').toString('base64')}` };
    expect((await relay.fetch('/api/v1/info', { headers: wrong })).status).toBe(401);
    expect((await relay.fetch('/api/v1/info', { headers: wrong })).status).toBe(429);

    const audits = records.filter((r) => r.event === 'http-audit');
    expect(audits).toEqual([
      {
        level: 'warn',
        event: 'http-audit',
        fields: { event: 'auth', result: 'rejected', client: '127.0.0.1', failures: 1 },
      },
      {
        level: 'warn',
        event: 'http-audit',
        fields: {
          event: 'auth',
          result: 'rejected',
          client: '127.0.0.1',
          failures: 2,
          reason: 'locked out',
        },
      },
    ]);
    const audit = join(relay.dataDir, 'audit.log');
    await fileLine(audit, 'http-audit event=auth result=rejected client=127.0.0.1 failures=1');
    await fileLine(
      audit,
      'http-audit event=auth result=rejected client=127.0.0.1 failures=2 reason="locked out"',
    );
    // the password tried is never written
    expect(await readFile(audit, 'utf8')).not.toContain('wrong');
  });
});
