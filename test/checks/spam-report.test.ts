// spamd's REPORT text as SpamAssassin 4 writes it, including descriptions it wraps onto indented
// continuation lines (long URIBL notices do), read into Mailpit's shape.
import { describe, expect, it } from 'vitest';
import { readSpamReport } from '../../main/core/checks/spam-check/spam-report.js';

const report = [
  'Spam detection software, running on the system "mail", has NOT identified',
  'this incoming email as spam.',
  '',
  'Content analysis details:   (-0.3 points, 5.0 required)',
  '',
  ' pts rule name              description',
  '---- ---------------------- --------------------------------------------------',
  ' 0.0 URIBL_BLOCKED          ADMINISTRATOR NOTICE: The query to URIBL was',
  '                            blocked.  See',
  '                            http://wiki.apache.org/spamassassin/DnsBlocklists#dnsbl-block',
  '                            for more information.',
  '                            [URIs: example.com]',
  '-0.0 NO_RELAYS              Informational: message was not relayed via SMTP',
  '-0.35 BAYES_00              BODY: Bayes spam probability is 0 to 1%',
  '',
  '',
].join('\n');

describe('reading a spamd report', () => {
  it('reads the verdict, the score and each rule, joining wrapped descriptions', () => {
    const result = readSpamReport({
      status: 'SPAMD/1.1 0 EX_OK',
      headers: { spam: 'False ; -0.3 / 5.0' },
      body: report,
    });
    expect(result).toMatchObject({ Error: '', IsSpam: false, Score: -0.3, Threshold: 5 });
    expect(result.Rules?.map((r) => r.Name)).toEqual(['URIBL_BLOCKED', 'NO_RELAYS', 'BAYES_00']);
    expect(result.Rules?.[0]?.Description).toBe(
      'ADMINISTRATOR NOTICE: The query to URIBL was blocked.  See http://wiki.apache.org/spamassassin/DnsBlocklists#dnsbl-block for more information. [URIs: example.com]',
    );
    // Mailpit cuts to one decimal downwards (math.Floor)
    expect(result.Rules?.[2]?.Score).toBe(-0.4);
  });

  it('says so when spamd answers without a verdict', () => {
    const result = readSpamReport({ status: 'SPAMD/1.1 0 EX_OK', headers: {}, body: '' });
    expect(result.Error).toMatch(/without a verdict/);
    expect(result.Rules).toBeNull();
  });
});
