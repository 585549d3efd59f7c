// Log records become today's lines through one formatter; Fastify's logger writes through it at
// `warn` and above.
import { describe, expect, it } from 'vitest';
import { formatLogLine, note, type LogRecord } from '../../main/core/logs/log-record.js';
import { auditLine } from '../../main/core/policy/audit-line.js';
import { httpLogger } from '../../main/server/http-log.js';

describe('formatLogLine', () => {
  it('writes an audit record as key=value, quoting what a client could use to forge a line', () => {
    const line = formatLogLine({
      level: 'warn',
      event: 'smtp-audit',
      fields: { event: 'auth', result: 'rejected', user: 'eve\r\nsmtp-audit event=auth', n: 3 },
    });
    expect(line).toBe(
      'smtp-audit event=auth result=rejected user="eve\\r\\nsmtp-audit event=auth" n=3',
    );
    expect(line).not.toMatch(/[\r\n]/);
    expect(auditLine('connect', { result: 'accepted', client: '127.0.0.1', tls: null })).toBe(
      'smtp-audit event=connect result=accepted client=127.0.0.1 tls=-',
    );
  });

  it('writes a message record the Postfix way and leaves out fields that are not set', () => {
    const record: LogRecord = {
      level: 'info',
      event: 'message',
      id: 'abc',
      fields: { from: '<a@x.example>', size: 12, nrcpt: 1, client: '127.0.0.1', notes: undefined },
    };
    expect(formatLogLine(record)).toBe(
      'abc: from=<a@x.example>, size=12, nrcpt=1, client=127.0.0.1',
    );
  });

  it('writes a note as area: text, and settings audit lines with their lists as they are', () => {
    expect(formatLogLine(note('retention', 'pruned 2 message(s)'))).toBe(
      'retention: pruned 2 message(s)',
    );
    expect(
      formatLogLine({
        level: 'info',
        event: 'settings-audit',
        fields: { event: 'save', changed: 'maxMessages,rules', 'after-restart': undefined },
      }),
    ).toBe('settings-audit event=save changed=maxMessages,rules');
  });
});

describe('httpLogger', () => {
  it("keeps Fastify's warnings and errors as http notes and drops what is below warn", () => {
    const records: LogRecord[] = [];
    const logger = httpLogger((r) => records.push(r));
    expect(logger.level).toBe('warn');
    logger.info('incoming request');
    logger.debug({ req: 1 }, 'routing');
    logger.child({ reqId: 'r1' }).warn('Reply was already sent');
    logger.error(new Error('plugin did not start'));
    logger.error({ err: new Error('boom') }, 'request failed');
    expect(records.map((r) => [r.level, formatLogLine(r)])).toEqual([
      ['warn', 'http: Reply was already sent'],
      ['error', 'http: plugin did not start'],
      ['error', 'http: request failed: boom'],
    ]);
  });
});
