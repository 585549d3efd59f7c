import { describe, expect, it } from 'vitest';
import type { RecipientState } from '../../preload/api-contract.js';
import type { MessageRecord, RecipientDelivery } from '../../main/core/message-record.js';
import { buildDsn } from '../../main/core/queue/dsn.js';
import { reportingHostName } from '../../main/core/queue/reporting-host.js';
import { RateLimiter } from '../../main/core/queue/rate-limiter.js';
import { formatLogLine } from '../../main/core/logs/log-record.js';
import { attemptLogRecord } from '../../main/core/queue/relay-log.js';
import { applyDelivery } from '../../main/core/queue/delivery-transition.js';
import { isDue, messageStatus, settledAt } from '../../main/core/queue/recipient-state.js';
import { defaultRetrySchedule } from '../../main/core/queue/retry-schedule.js';

function recipient(
  state: RecipientState,
  extra: Partial<RecipientDelivery> = {},
): RecipientDelivery {
  return {
    address: 'bob@rcpt.example',
    deliverTo: 'bob@rcpt.example',
    state,
    rule: 'relay everything',
    nextAttemptAt: null,
    firstAttemptAt: null,
    attempts: [],
    history: [{ state, at: '2026-11-28T10:00:00.000Z', reason: 'test' }],
    ...extra,
  };
}

describe('message status roll-up', () => {
  it.each([
    [[], 'captured'],
    [['captured'], 'captured'],
    [['relayed', 'relayed'], 'delivered'],
    [['relayed', 'captured'], 'delivered'],
    [['relayed', 'deferred'], 'queued'],
    [['sending'], 'queued'],
    [['held', 'relayed'], 'held'],
    [['relayed', 'bounced'], 'partial'],
    [['captured', 'expired'], 'partial'],
    [['bounced', 'expired'], 'failed'],
    // cancelled by a person (a stolen login's spam) is no failure; with a bounce it is one
    [['cancelled'], 'cancelled'],
    [['cancelled', 'cancelled'], 'cancelled'],
    [['cancelled', 'bounced'], 'failed'],
    [['relayed', 'cancelled'], 'partial'],
  ] as Array<[RecipientState[], string]>)('%j → %s', (states, status) => {
    expect(messageStatus(states.length ? states.map((s) => recipient(s)) : undefined)).toBe(status);
  });
});

describe('recipient transitions', () => {
  it('appends each change to the history', () => {
    const r = applyDelivery(
      recipient('pending'),
      { type: 'start' },
      new Date('2026-11-28T10:01:00Z'),
      defaultRetrySchedule,
    );
    expect(r.history.map((h) => [h.state, h.reason])).toEqual([
      ['pending', 'test'],
      ['sending', 'attempt 1'],
    ]);
  });

  it('is due when pending, or deferred and its time has come', () => {
    const now = Date.parse('2026-11-28T10:05:00Z');
    expect(isDue(recipient('pending'), now)).toBe(true);
    expect(isDue(recipient('deferred', { nextAttemptAt: '2026-11-28T10:04:59.000Z' }), now)).toBe(
      true,
    );
    expect(isDue(recipient('deferred', { nextAttemptAt: '2026-11-28T10:06:00.000Z' }), now)).toBe(
      false,
    );
    expect(isDue(recipient('held'), now)).toBe(false);
    expect(isDue(recipient('sending'), now)).toBe(false);
  });

  it('is settled only when every recipient is final, at the last change', () => {
    const a = applyDelivery(
      recipient('sending'),
      { type: 'attempt', attempt, outcome: 'relayed', reason: 'ok' },
      new Date('2026-11-28T11:00:00Z'),
      defaultRetrySchedule,
    );
    expect(settledAt([a, recipient('deferred')])).toBeNull();
    expect(settledAt([a, recipient('bounced')])).toBe(Date.parse('2026-11-28T11:00:00Z'));
  });
});

describe('rate limits', () => {
  it('waits until the oldest send leaves the window', () => {
    const limiter = new RateLimiter({ perSecond: 0, perMinute: 2, perHour: 0, perDay: 0 });
    limiter.record(0);
    expect(limiter.waitMs(1000)).toBe(0);
    limiter.record(1000);
    expect(limiter.waitMs(2000)).toBe(58_000);
    expect(limiter.waitMs(60_001)).toBe(0);
  });

  it('honours the strictest of several windows', () => {
    const limiter = new RateLimiter({ perSecond: 1, perMinute: 0, perHour: 0, perDay: 3 });
    limiter.record(0);
    limiter.record(5000);
    limiter.record(10_000);
    expect(limiter.waitMs(10_500)).toBe(86_400_000 - 10_500);
  });
});

const record = {
  id: 'abc',
  receivedAt: '2026-11-28T10:00:00.000Z',
  envelope: { mailFrom: 'app@sender.example', rcptTo: ['bob@rcpt.example'] },
} as unknown as MessageRecord;

const attempt = {
  startedAt: '2026-11-28T10:00:01.000Z',
  endedAt: '2026-11-28T10:00:02.500Z',
  upstream: { host: 'smtp.example.com', ip: '192.0.2.25', port: 587 },
  tls: null,
  authMechanism: null,
  reply: { code: 550, enhanced: '5.1.1', text: 'No such user\r\nforged: line' },
  upstreamQueueId: null,
  transcript: '',
};

describe('relay log line', () => {
  it("has Postfix's shape, and a reply cannot forge another line", () => {
    const line = formatLogLine(attemptLogRecord(record, recipient('bounced'), attempt));
    expect(line).toBe(
      'abc: to=<bob@rcpt.example>, relay=smtp.example.com[192.0.2.25]:587, delay=2.50, dsn=5.1.1, status=bounced (550 5.1.1 No such user forged: line)',
    );
  });
});

describe('DSN', () => {
  it('is an RFC 3464 report with the original headers', () => {
    const raw = Buffer.from('Received: x\r\nSubject: original\r\n\r\nsecret body\r\n');
    const dsn = buildDsn({
      record,
      failed: [recipient('bounced', { attempts: [attempt] })],
      raw,
      reportingHost: 'relay.test',
      now: new Date('2026-11-28T10:05:00Z'),
    }).toString();
    expect(dsn).toMatch(
      /^From: Mail Delivery System <MAILER-DAEMON@relay\.test>\r\nTo: <app@sender\.example>\r\n/,
    );
    expect(dsn).toContain('Content-Type: multipart/report; report-type=delivery-status;');
    expect(dsn).toContain('Reporting-MTA: dns; relay.test');
    expect(dsn).toContain(
      'Final-Recipient: rfc822; bob@rcpt.example\r\nAction: failed\r\nStatus: 5.1.1',
    );
    // the reply as the upstream gave it, enhanced code included (RFC 3464 §2.3.6)
    expect(dsn).toContain('Diagnostic-Code: smtp; 550 5.1.1 No such user forged: line');
    expect(dsn).toContain('Subject: original');
    expect(dsn).not.toContain('secret body');
  });
});

describe('the name DSNs come from (MAILER-DAEMON@…)', () => {
  it.each([
    // a fully qualified --hostname is used as is, as Postfix uses $myhostname
    ['mail.example.com', undefined, 'mail.example.com'],
    ['Relay.Example.Org.', 'other.example.com', 'relay.example.org'],
    // a short machine name: the EHLO name the upstream knows us by, when it is a domain
    ['relaybox', 'relaybox.office.example', 'relaybox.office.example'],
    ['localhost', 'relaybox.office.example', 'relaybox.office.example'],
    // …else Postfix's default $mydomain, "localdomain"
    ['relaybox', undefined, 'relaybox.localdomain'],
    ['relaybox', '[192.0.2.1]', 'relaybox.localdomain'],
    ['localhost', null, 'localhost.localdomain'],
    ['localhost.localdomain', undefined, 'localhost.localdomain'],
  ])('hostname %j, EHLO name %j: %s', (hostname, heloName, expected) => {
    expect(reportingHostName(hostname, heloName)).toBe(expected);
  });
});
