import { describe, expect, test } from 'vitest';
import {
  classificationTable,
  classifySmtpOutcome,
  isGreylisting,
  parseSmtpReply,
  parseUpstreamQueueId,
  type OutcomeInput,
  type SmtpOutcome,
} from '../../main/core/upstream/smtp-reply.js';

const r = (raw: string) => parseSmtpReply(raw);

describe('parseSmtpReply', () => {
  test('code, enhanced status code and text', () => {
    expect(r('550 5.1.1 <nobody@example.com>: Recipient address rejected')).toEqual({
      code: 550,
      enhanced: '5.1.1',
      text: '<nobody@example.com>: Recipient address rejected',
    });
    expect(r('250 Accepted')).toEqual({ code: 250, enhanced: null, text: 'Accepted' });
    expect(r('421-4.7.0 busy\n421 4.7.0 try later')).toEqual({
      code: 421,
      enhanced: '4.7.0',
      text: 'busy\ntry later',
    });
    expect(r('garbage')).toEqual({ code: null, enhanced: null, text: 'garbage' });
  });
});

describe('parseUpstreamQueueId', () => {
  test.each([
    ['250 2.0.0 Ok: queued as 4Bq1Xy0ZkVz9vB3', '4Bq1Xy0ZkVz9vB3'], // Postfix
    ['250 Ok: queued as f8Hx2lQxRPu5xv3-1Vgd9w', 'f8Hx2lQxRPu5xv3-1Vgd9w'], // SendGrid
    [
      '250 2.6.0 <a1b2c3@EX01.corp.example> [InternalId=12345678901234, Hostname=EX01.corp.example] Queued mail for delivery',
      '<a1b2c3@EX01.corp.example>',
    ], // Exchange
    [
      '250 2.0.0 OK <PH0PR11MB1234.namprd11.prod.outlook.com> [Hostname=PH0PR11MB1234.namprd11.prod.outlook.com]',
      null,
    ], // no @: not a message id
    [
      '250 2.0.0 OK <0a1b2c@PH0PR11MB1234.namprd11.prod.outlook.com> [Hostname=PH0PR11MB1234.namprd11.prod.outlook.com]',
      '<0a1b2c@PH0PR11MB1234.namprd11.prod.outlook.com>',
    ], // Microsoft 365
    [
      '250 Ok 0100018b5c3c0a4f-6d1f1b1c-2a3b-4c5d-8e9f-0a1b2c3d4e5f-000000',
      '0100018b5c3c0a4f-6d1f1b1c-2a3b-4c5d-8e9f-0a1b2c3d4e5f-000000',
    ], // SES
    [
      '250 2.0.0 OK  1700000000 d75a77b69052e-4a8e8c1d0c9si123456qtb.123 - gsmtp',
      'd75a77b69052e-4a8e8c1d0c9si123456qtb.123',
    ], // Gmail
    ['250 OK id=1ssaBh-0002vO-1t', '1ssaBh-0002vO-1t'], // Exim
    ['250 2.0.0 x8T1ab12345678 Message accepted for delivery', 'x8T1ab12345678'], // sendmail
    ['250 OK: message queued', null],
    ['550 5.7.1 queued as nothing', null],
  ])('%s → %s', (reply, id) => {
    expect(parseUpstreamQueueId(reply)).toBe(id);
  });
});

describe('classification table', () => {
  const cases: Array<[string, OutcomeInput, SmtpOutcome]> = [
    ['250 at DATA', { stage: 'data', reply: r('250 2.0.0 Ok: queued as X') }, 'relayed'],
    ['250 at RCPT', { stage: 'rcpt', reply: r('250 Accepted') }, 'relayed'],
    ['450 at RCPT', { stage: 'rcpt', reply: r('450 4.2.0 mailbox busy') }, 'deferred'],
    ['451 at DATA', { stage: 'data', reply: r('451 4.3.0 local error') }, 'deferred'],
    [
      'greylisting at RCPT (Postgrey)',
      {
        stage: 'rcpt',
        reply: r(
          '450 4.2.0 <ada@example.org>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.org.html',
        ),
      },
      'deferred',
    ],
    ['421 at greeting', { stage: 'greeting', reply: r('421 4.3.2 shutting down') }, 'deferred'],
    ['550 at RCPT', { stage: 'rcpt', reply: r('550 5.1.1 user unknown') }, 'bounced'],
    ['554 at DATA', { stage: 'data', reply: r('554 5.7.1 spam') }, 'bounced'],
    ['553 at MAIL', { stage: 'mail', reply: r('553 5.1.8 bad sender domain') }, 'bounced'],
    [
      '552 at RCPT (too many recipients: temporary)',
      { stage: 'rcpt', reply: r('552 5.5.3 too many recipients') },
      'deferred',
    ],
    [
      '552 at DATA (too big: permanent)',
      { stage: 'data', reply: r('552 5.3.4 message too big') },
      'bounced',
    ],
    ['ECONNRESET', { stage: 'data', errorCode: 'ECONNRESET' }, 'deferred'],
    ['ETIMEDOUT', { stage: 'connect', errorCode: 'ETIMEDOUT' }, 'deferred'],
    ['EPIPE', { stage: 'rcpt', errorCode: 'EPIPE' }, 'deferred'],
    ['EAI_AGAIN (resolver unavailable)', { stage: 'connect', errorCode: 'EAI_AGAIN' }, 'deferred'],
    ['ECONNREFUSED', { stage: 'connect', errorCode: 'ECONNREFUSED' }, 'pause-upstream'],
    ['ENOTFOUND', { stage: 'connect', errorCode: 'ENOTFOUND' }, 'pause-upstream'],
    [
      '535 at AUTH',
      { stage: 'auth', reply: r('535 5.7.8 Authentication credentials invalid') },
      'pause-upstream',
    ],
    [
      '534 at AUTH',
      { stage: 'auth', reply: r('534 5.7.9 Please log in with your web browser') },
      'pause-upstream',
    ],
    [
      '535 5.7.139 at AUTH',
      {
        stage: 'auth',
        reply: r('535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled'),
      },
      'pause-upstream',
    ],
    [
      '454 at AUTH',
      { stage: 'auth', reply: r('454 4.7.0 Temporary authentication failure') },
      'deferred',
    ],
    ['AUTH not offered', { stage: 'auth', errorCode: 'ENOAUTH' }, 'pause-upstream'],
    ['network error during AUTH', { stage: 'auth', errorCode: 'ECONNRESET' }, 'deferred'],
    [
      '530 at MAIL',
      { stage: 'mail', reply: r('530 5.7.0 Authentication required') },
      'pause-upstream',
    ],
    [
      '5.7.57 at MAIL',
      { stage: 'mail', reply: r('550 5.7.57 Client not authenticated to send mail') },
      'pause-upstream',
    ],
    [
      'certificate refused',
      { stage: 'certificate', errorCode: 'DEPTH_ZERO_SELF_SIGNED_CERT' },
      'pause-upstream',
    ],
    ['pin mismatch', { stage: 'certificate', errorCode: 'ECERTPIN' }, 'pause-upstream'],
    [
      'TLS handshake',
      { stage: 'tls', errorCode: 'ERR_SSL_WRONG_VERSION_NUMBER' },
      'pause-upstream',
    ],
    [
      'STARTTLS not offered',
      { stage: 'starttls', errorCode: 'ENOSTARTTLS', reply: r('502 5.5.1 not recognized') },
      'pause-upstream',
    ],
    ['STARTTLS timeout', { stage: 'starttls', errorCode: 'ETIMEDOUT' }, 'deferred'],
    ['554 greeting', { stage: 'greeting', reply: r('554 5.7.1 go away') }, 'pause-upstream'],
    ['550 EHLO', { stage: 'ehlo', reply: r('550 5.7.1 bad helo') }, 'pause-upstream'],
    ['an unexpected 3xx', { stage: 'rcpt', reply: r('354 what') }, 'deferred'],
  ];

  test.each(cases)('%s', (_name, input, outcome) => {
    expect(classifySmtpOutcome(input).outcome).toBe(outcome);
  });

  test('reasons name the reply and the stage', () => {
    expect(classifySmtpOutcome({ stage: 'rcpt', reply: r('550 5.1.1 user unknown') }).reason).toBe(
      'rejected by the upstream at RCPT TO: 550 5.1.1 user unknown',
    );
    expect(
      classifySmtpOutcome({ stage: 'connect', errorCode: 'ECONNREFUSED', detail: '127.0.0.1:25' })
        .reason,
    ).toBe('connection refused: nothing listens on the upstream port (127.0.0.1:25)');
  });

  test('a greylisting reply is told by its words, at any 4xx code', () => {
    expect(isGreylisting(r('451 4.7.1 Greylisting in action, please come back in 00:05:00'))).toBe(
      true,
    );
    expect(isGreylisting(r('450 4.7.1 graylisted, try again later'))).toBe(true);
    expect(isGreylisting(r('450 4.2.0 mailbox busy'))).toBe(false);
    // rspamd's greylisting has no such word: its whole reply is what tells it
    expect(isGreylisting(r('451 4.7.1 Try again later'))).toBe(true);
    expect(isGreylisting(r('451 Try again later.'))).toBe(true);
    expect(isGreylisting(r('451 4.3.0 Try again later'))).toBe(false);
    expect(isGreylisting(r('451 4.7.500 Server busy. Please try again later'))).toBe(false);
    expect(isGreylisting(r('421 4.7.1 Try again later'))).toBe(false);
    // refused for good is no wait at all
    expect(isGreylisting(r('550 5.7.1 greylisting failed too often'))).toBe(false);
    expect(
      classifySmtpOutcome({ stage: 'rcpt', reply: r('451 4.7.1 Greylisted, try again') }).reason,
    ).toBe(
      'greylisted at RCPT TO (tried again at its retry time, not sooner): 451 4.7.1 Greylisted, try again',
    );
  });

  test('every row is reachable (no row is shadowed by the ones above it)', () => {
    const hit = new Set(
      cases.map(([, input]) => classificationTable.find((row) => row.when(input))?.name),
    );
    expect(classificationTable.map((row) => row.name).filter((name) => !hit.has(name))).toEqual([]);
  });
});
