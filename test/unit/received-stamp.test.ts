import { describe, expect, it } from 'vitest';
import { buildReceivedStamp, receivedProtocol } from '../../main/core/listener/received-stamp.js';

const base = {
  helo: 'client.example',
  clientHostname: 'mail.client.example',
  clientIp: '192.0.2.10',
  hostname: 'relay.example',
  extended: true,
  tls: false,
  authenticated: false,
  smtpUtf8: false,
  id: 'abc123',
  rcptTo: ['a@b.example', 'c@d.example'],
  date: new Date('2026-11-28T10:00:00Z'),
};

describe('Received stamp', () => {
  it('follows RFC 5321 §4.4 with RFC 3848 protocol names', () => {
    const stamp = buildReceivedStamp(base);
    expect(stamp).toMatch(
      /^Received: from client\.example \(mail\.client\.example \[192\.0\.2\.10\]\)\r\n\tby relay\.example \(Relaydesk\) with ESMTP id abc123; \w{3}, \d{1,2} Nov 2026 \d{2}:\d{2}:\d{2} [+-]\d{4}\r\n$/,
    );
  });

  it('names the protocol by EHLO/HELO, TLS, AUTH and SMTPUTF8', () => {
    expect(
      receivedProtocol({ extended: false, tls: false, authenticated: false, smtpUtf8: false }),
    ).toBe('SMTP');
    expect(
      receivedProtocol({ extended: true, tls: true, authenticated: false, smtpUtf8: false }),
    ).toBe('ESMTPS');
    expect(
      receivedProtocol({ extended: true, tls: true, authenticated: true, smtpUtf8: false }),
    ).toBe('ESMTPSA');
    expect(
      receivedProtocol({ extended: true, tls: false, authenticated: true, smtpUtf8: false }),
    ).toBe('ESMTPA');
    expect(
      receivedProtocol({ extended: true, tls: true, authenticated: true, smtpUtf8: true }),
    ).toBe('UTF8SMTPSA');
  });

  it('writes "unknown" without a reverse name, IPv6 literals, and "for" only with one recipient', () => {
    const stamp = buildReceivedStamp({
      ...base,
      clientHostname: null,
      clientIp: '2001:db8::1',
      rcptTo: ['only@x.example'],
    });
    expect(stamp).toContain('(unknown [IPv6:2001:db8::1])');
    expect(stamp).toContain('\tfor <only@x.example>;');
  });

  it('names an IDN recipient in A-labels unless the message came with SMTPUTF8', () => {
    // smtp-server hands the domain over as U-labels whatever the client wrote
    const one = { ...base, rcptTo: ['eleni@müller.example'] };
    expect(buildReceivedStamp(one)).toContain('\tfor <eleni@xn--mller-kva.example>;');
    expect(buildReceivedStamp({ ...one, rcptTo: ['"eleni m"@müller.example'] })).toContain(
      '\tfor <"eleni m"@xn--mller-kva.example>;',
    );
    // with SMTPUTF8 the header may carry UTF-8 (RFC 6532), and the client wrote it so
    expect(buildReceivedStamp({ ...one, smtpUtf8: true })).toContain(
      '\tfor <eleni@müller.example>;',
    );
  });

  it('cannot be broken by a hostile HELO name', () => {
    const stamp = buildReceivedStamp({ ...base, helo: 'evil\r\nBcc: victim@x.example (x); y' });
    expect(stamp.split('\r\n')).toHaveLength(3);
    expect(stamp).toMatch(/^Received: from evilBcc:victim@x\.examplexy \(/);
  });
});
