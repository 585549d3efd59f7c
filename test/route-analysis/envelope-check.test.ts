import { describe, expect, test } from 'vitest';
import type { Envelope } from '../../preload/api-contract.js';
import { analyzeMessage } from '../../main/core/route-analysis/index.js';

const envelope = (mailFrom: string, rcptTo: string[]): Envelope => ({
  mailFrom,
  rcptTo,
  clientIp: '192.0.2.5',
  clientHostname: null,
  helo: 'client.example',
  user: null,
  tls: null,
  smtpUtf8: false,
  eightBitMime: false,
});

const headers =
  'From: "Smith, Alice" <Alice@Example.org>\n' +
  'To: Bob <bob@example.com>, undisclosed-recipients:;\n' +
  'Cc: carol@example.com (Carol), Friends: dave@example.com, erin@example.com;\n' +
  'Subject: x\n\nbody\n';

describe('envelope against headers', () => {
  test('without an envelope there is no comparison', () => {
    expect(analyzeMessage(headers).envelope).toBeNull();
    expect(analyzeMessage(headers, null).envelope).toBeNull();
  });

  test('matching envelope: case-insensitive, display names, comments and groups understood', () => {
    const analysis = analyzeMessage(
      headers,
      envelope('alice@example.org', [
        'bob@example.com',
        'carol@example.com',
        'dave@example.com',
        'erin@example.com',
      ]),
    );
    expect(analysis.envelope).toMatchObject({
      mailFromMatchesFrom: true,
      mailFromMatchesReturnPath: null,
      from: ['Alice@Example.org'],
      headerRecipients: [
        'bob@example.com',
        'carol@example.com',
        'dave@example.com',
        'erin@example.com',
      ],
      bcc: [],
      notInEnvelope: [],
    });
    expect(analysis.warnings.filter((w) => w.code.startsWith('envelope'))).toEqual([]);
  });

  test('an IDN domain matches in either form: smtp-server gives the envelope in U-labels', () => {
    const analysis = analyzeMessage(
      'From: info@xn--bcher-kva.example\nTo: anna@xn--bcher-kva.example\nSubject: x\n\nbody\n',
      envelope('info@bücher.example', ['anna@bücher.example']),
    );
    expect(analysis.envelope).toMatchObject({
      mailFromMatchesFrom: true,
      bcc: [],
      notInEnvelope: [],
    });
    expect(analysis.warnings.filter((w) => w.code.startsWith('envelope'))).toEqual([]);
  });

  test('Bcc recipients are derived, missing recipients and a different sender flagged', () => {
    const analysis = analyzeMessage(
      'Return-Path: <bounce@example.org>\n' + headers,
      envelope('bounces+123@lists.example.com', ['bob@example.com', 'secret@example.net']),
    );
    expect(analysis.envelope).toMatchObject({
      mailFrom: 'bounces+123@lists.example.com',
      returnPath: 'bounce@example.org',
      mailFromMatchesFrom: false,
      mailFromMatchesReturnPath: false,
      mailFromAligned: false,
      bcc: ['secret@example.net'],
      notInEnvelope: ['carol@example.com', 'dave@example.com', 'erin@example.com'],
    });
    expect(analysis.warnings.map((w) => w.code)).toEqual([
      'no-received',
      'envelope-sender-differs',
      'envelope-return-path-differs',
      'envelope-bcc',
      'envelope-recipient-missing',
    ]);
    expect(analysis.warnings.find((w) => w.code === 'envelope-bcc')?.message).toContain(
      'secret@example.net',
    );
  });

  test("a bounce address of the From's own domain is no warning; another domain's says what DMARC then needs", () => {
    const head = 'From: Shop <orders@Shop.co.uk>\nTo: bob@example.com\n';
    for (const mailFrom of [
      'bounces+u42@mail.shop.co.uk',
      'orders-bounces@shop.co.uk',
      'b@EM123.Shop.co.uk.',
    ]) {
      const own = analyzeMessage(head, envelope(mailFrom, ['bob@example.com']));
      expect(own.envelope).toMatchObject({ mailFromMatchesFrom: false, mailFromAligned: true });
      expect(own.warnings.map((w) => w.code)).not.toContain('envelope-sender-differs');
    }
    // one IDN domain in either form: smtp-server gives the envelope's in U-labels
    const idn = analyzeMessage(
      'From: info@xn--bcher-kva.example\n',
      envelope('bounces+7@mail.bücher.example', []),
    );
    expect(idn.envelope?.mailFromAligned).toBe(true);
    // the registered domain decides: a neighbour under the same public suffix is another owner
    for (const mailFrom of ['b@other.co.uk', 'b@co.uk', 'bounces@sendgrid.net']) {
      const foreign = analyzeMessage(head, envelope(mailFrom, ['bob@example.com']));
      expect(foreign.envelope?.mailFromAligned).toBe(false);
      expect(foreign.warnings.find((w) => w.code === 'envelope-sender-differs')?.message).toBe(
        `The envelope sender (MAIL FROM) is ${mailFrom}, but the header says the message is from orders@Shop.co.uk. Its domain is not in the From address's (shop.co.uk), so SPF cannot count for DMARC: DMARC can pass only on a DKIM signature of that domain.`,
      );
    }
  });

  test('Sender counts as the author; the null sender is explained', () => {
    const withSender = analyzeMessage(
      'From: a@example.org\nSender: list@example.org\n',
      envelope('list@example.org', []),
    );
    expect(withSender.envelope?.mailFromMatchesFrom).toBe(true);
    const bounce = analyzeMessage('From: MAILER-DAEMON@example.org\n', envelope('', []));
    expect(bounce.envelope?.mailFrom).toBe('');
    expect(bounce.warnings.find((w) => w.code === 'envelope-sender-differs')?.message).toMatch(
      /empty/,
    );
  });

  test("a bounce's or an automatic reply's null sender is expected, not a warning", () => {
    const reports = [
      'Content-Type: multipart/report; report-type=delivery-status;\n\tboundary="b"\n',
      'Content-Type: multipart/report; boundary=b; Report-Type="Delivery-Status"\n',
      'Content-Type: message/delivery-status\n',
    ];
    for (const type of reports) {
      const bounce = analyzeMessage(`From: MAILER-DAEMON@example.org\n${type}`, envelope('', []));
      expect(bounce.envelope?.automatic).toBe('delivery-report');
      expect(bounce.warnings.map((w) => w.code)).not.toContain('envelope-sender-differs');
    }
    const vacation = analyzeMessage(
      'From: bob@example.org\nAuto-Submitted: auto-replied (vacation)\n',
      envelope('', []),
    );
    expect(vacation.envelope?.automatic).toBe('auto-submitted');
    expect(vacation.warnings.map((w) => w.code)).not.toContain('envelope-sender-differs');
    // `no` is a person's mail; a feedback report is not a delivery report
    for (const head of [
      'From: bob@example.org\nAuto-Submitted: no\n',
      'From: bob@example.org\nContent-Type: multipart/report; report-type=feedback-report\n',
    ]) {
      const person = analyzeMessage(head, envelope('', []));
      expect(person.envelope?.automatic).toBeNull();
      expect(person.warnings.map((w) => w.code)).toContain('envelope-sender-differs');
    }
    // an automatic reply from a sender of another domain than its From's still differs
    const robot = analyzeMessage(
      'From: bob@example.org\nAuto-Submitted: auto-generated\n',
      envelope('robot@example.net', []),
    );
    expect(robot.warnings.map((w) => w.code)).toContain('envelope-sender-differs');
  });

  test('a quoted local part with a space is the address, not a display name', () => {
    const analysis = analyzeMessage(
      'From: a@example.org\nTo: "q u"@example.net, Bob <bob@example.net>\nSubject: x\n\nbody\n',
      envelope('a@example.org', ['"q u"@example.net', 'bob@example.net']),
    );
    expect(analysis.envelope).toMatchObject({
      headerRecipients: ['"q u"@example.net', 'bob@example.net'],
      bcc: [],
      notInEnvelope: [],
    });
  });
});
