import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { readDeliveryStatus } from '../../main/core/parse/delivery-report.js';
import { MessageParser } from '../../main/core/parse/message-parser.js';
import { enhancedStatusMeaning } from '../../preload/enhanced-status.js';

// Bounces as Postfix, Exim, Exchange Online and Gmail write them (their layouts, folds and
// field orders; the names and hosts are made up), read through the real parse worker.
const sample = (name: string): Buffer =>
  readFileSync(new URL(`./delivery-reports/${name}.eml`, import.meta.url));

const parser = new MessageParser();
afterAll(() => parser.close());

describe('a delivery status notification read for the message view', () => {
  it("Postfix's: two recipients, a folded Diagnostic-Code, the original as message/rfc822", async () => {
    const detail = await parser.detail(sample('postfix'));
    expect(detail.deliveryReport).toEqual({
      reportingMta: 'mx.example.net',
      recipients: [
        {
          address: 'nobody@example.org',
          action: 'failed',
          status: '5.1.1',
          remoteMta: 'mail.example.org',
          diagnosticCode:
            '550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown',
        },
        {
          address: 'full@example.org',
          action: 'delayed',
          status: '4.2.2',
          remoteMta: 'mail.example.org',
          diagnosticCode: '452 4.2.2 <full@example.org>: Mailbox full',
        },
      ],
      original: { subject: 'Your order', messageId: 'order-1@example.test' },
    });
    // the Text keeps the status part, as Mailpit shows it; the attached original is named
    expect(detail.text).toContain('Reporting-MTA: dns; mx.example.net');
    expect(detail.parts).toMatchObject([
      {
        PartID: '3',
        ContentType: 'message/rfc822',
        FileName: '',
        messageSubject: 'Your order',
        savedName: 'Your order.eml',
      },
    ]);
  });

  it("Exim's: Action before Final-Recipient, the original's header as text/rfc822-headers", async () => {
    const detail = await parser.detail(sample('exim'));
    const report = detail.deliveryReport;
    expect(report).toEqual({
      reportingMta: 'relay.example.com',
      recipients: [
        {
          address: 'ghost@example.org',
          action: 'failed',
          status: '5.0.0',
          remoteMta: 'mx.example.org',
          diagnosticCode: '550 5.1.1 No such user here',
        },
      ],
      // an encoded Subject is decoded
      original: { subject: 'Welcome — confirm your address', messageId: 'welcome-7@example.test' },
    });
    // the returned header block is named by that Subject too, as a text file
    expect(detail.parts.find((p) => p.ContentType === 'text/rfc822-headers')).toMatchObject({
      messageSubject: 'Welcome — confirm your address',
      savedName: 'Welcome — confirm your address (headers).txt',
    });
  });

  it("Exchange's: report-type in another case and quoted, no Remote-MTA, 5.1.10", async () => {
    const report = (await parser.detail(sample('exchange'))).deliveryReport;
    expect(report?.reportingMta).toBe('DM6PR01MB1234.namprd01.prod.outlook.com');
    expect(report?.recipients).toEqual([
      {
        address: 'someone@fabrikam.com',
        action: 'failed',
        status: '5.1.10',
        remoteMta: '',
        diagnosticCode:
          '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup',
      },
    ]);
    expect(report?.original).toEqual({
      subject: 'Invoice 42',
      messageId: 'invoice-42@example.test',
    });
  });

  it("Gmail's: the status part after a related/alternative human part, multi-line folds", async () => {
    const report = (await parser.detail(sample('gmail'))).deliveryReport;
    expect(report?.reportingMta).toBe('googlemail.com');
    expect(report?.recipients.map((r) => [r.address, r.action, r.status])).toEqual([
      ['a.user@example.org', 'failed', '5.1.1'],
      ['b.user@example.org', 'failed', '5.7.26'],
    ]);
    expect(report?.recipients[0]?.remoteMta).toBe(
      'mx.example.org. (203.0.113.25, the server for the domain example.org.)',
    );
    expect(report?.recipients[0]?.diagnosticCode).toBe(
      "550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. 550 5.1.1 https://support.google.com/mail/?p=NoSuchUser a1si123456.99 - gsmtp",
    );
    expect(report?.original?.subject).toBe('Reset your password');
  });

  it('a broken status part, or none, is no report and the message still reads', async () => {
    const broken = await parser.detail(sample('broken'));
    expect(broken.deliveryReport).toBeNull();
    expect(broken.text).toContain('Your message could not be delivered.');
    const plain = await parser.detail(
      Buffer.from('From: a@example.org\r\nSubject: hi\r\n\r\nReporting-MTA: dns; x\r\n'),
    );
    expect(plain.deliveryReport).toBeNull();
    // a report type without its status part
    const missing = await parser.detail(
      Buffer.from(
        'From: a@example.org\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--b--\r\n',
      ),
    );
    expect(missing.deliveryReport).toBeNull();
    expect(missing.text).toContain('failed');
  });

  it('reads the fields leniently: no per-message block, CRLF, comments, unknown fields', () => {
    expect(
      readDeliveryStatus(
        '\r\n\r\nFinal-Recipient: RFC822; <Bob@Example.org>\r\nAction: Failed (bad mailbox)\r\n' +
          'Status: 5.1.1 (unknown user)\r\nX-Vendor: ignored\r\nDiagnostic-Code: smtp;\r\n\t550 no\r\n',
      ),
    ).toEqual({
      reportingMta: '',
      recipients: [
        {
          address: 'Bob@Example.org',
          action: 'failed',
          status: '5.1.1',
          remoteMta: '',
          diagnosticCode: '550 no',
        },
      ],
    });
    expect(readDeliveryStatus('Reporting-MTA: dns; mx.example.net\n\nAction: failed\n')).toBeNull();
    expect(readDeliveryStatus('')).toBeNull();
  });
});

describe('an enhanced status code in words', () => {
  it('names the detail, else the subject, and the class', () => {
    expect(enhancedStatusMeaning('5.1.1')).toBe(
      'Bad destination mailbox address (permanent failure)',
    );
    expect(enhancedStatusMeaning('4.2.2')).toBe('Mailbox full (temporary failure)');
    expect(enhancedStatusMeaning('5.1.10')).toBe(
      'Recipient address has null MX (permanent failure)',
    );
    expect(enhancedStatusMeaning('5.7.99')).toBe('Security or policy status (permanent failure)');
    expect(enhancedStatusMeaning('2.0.0')).toBe('Other undefined status (success)');
    expect(enhancedStatusMeaning('550')).toBe('');
  });
});
