import { describe, expect, test } from 'vitest';
import { buildReceivedStamp } from '../../main/core/listener/received-stamp.js';
import { analyzeMessage } from '../../main/core/route-analysis/index.js';
import { parseReceived } from '../../main/core/route-analysis/received-parser.js';

describe('Relaydesk’s own Received stamp', () => {
  const base = {
    helo: 'laptop.example.net',
    clientHostname: 'laptop.example.net',
    clientIp: '192.0.2.33',
    hostname: 'relaydesk.example.com',
    extended: true,
    tls: true,
    authenticated: true,
    smtpUtf8: false,
    id: '01JNQ3ZK5E8Y7X6W5V4T3S2R1Q',
    rcptTo: ['trent@example.com'],
    date: new Date('2025-03-06T17:10:05.000Z'),
  };

  test('every clause of the stamp the listener writes is read back', () => {
    const analysis = analyzeMessage(buildReceivedStamp(base) + 'Subject: x\r\n\r\nbody\r\n');
    expect(analysis.hops).toHaveLength(1);
    expect(analysis.hops[0]).toMatchObject({
      from: 'laptop.example.net',
      fromRdns: 'laptop.example.net',
      fromIp: '192.0.2.33',
      by: 'relaydesk.example.com',
      with: 'ESMTPSA',
      tls: true,
      authenticated: true,
      id: '01JNQ3ZK5E8Y7X6W5V4T3S2R1Q',
      for: 'trent@example.com',
      timestamp: '2025-03-06T17:10:05Z',
      parsed: true,
    });
    expect(analysis.warnings).toEqual([]);
  });

  test('IPv6 client without rDNS or HELO, several recipients, plain ESMTP', () => {
    const stamp = buildReceivedStamp({
      ...base,
      helo: '',
      clientHostname: null,
      clientIp: '2001:db8::33',
      tls: false,
      authenticated: false,
      rcptTo: ['a@example.com', 'b@example.com'],
    });
    const [hop] = analyzeMessage(stamp).hops;
    expect(hop).toMatchObject({
      from: '[IPv6:2001:db8::33]',
      fromRdns: null,
      fromIp: '2001:db8::33',
      with: 'ESMTP',
      tls: false,
      for: null,
      timestamp: '2025-03-06T17:10:05Z',
    });
  });

  test('the format as the issue writes it, with HELO and SMTPUTF8 over TLS', () => {
    const hop = parseReceived(
      'from mail.example.net (unknown [198.51.100.9]) by relaydesk.example.com (Relaydesk) ' +
        'with UTF8SMTPS id 01JNQ for <u@example.com>; Thu, 6 Mar 2025 18:10:05 +0100',
    );
    expect(hop).toMatchObject({ from: 'mail.example.net', fromRdns: null, fromIp: '198.51.100.9' });
    expect(hop).toMatchObject({ with: 'UTF8SMTPS', tls: true, id: '01JNQ', for: 'u@example.com' });
  });
  test('a quoted recipient with a space is named whole, by the stamp and by the parser', () => {
    const stamp = buildReceivedStamp({ ...base, rcptTo: ['"john smith"@example.net'] });
    expect(stamp).toContain('\tfor <"john smith"@example.net>;');
    expect(analyzeMessage(stamp).hops[0]).toMatchObject({
      for: '"john smith"@example.net',
      timestamp: '2025-03-06T17:10:05Z',
    });
  });
});

describe('clauses', () => {
  test('keywords inside comments, nested comments and quoted pairs do not start clauses', () => {
    const hop = parseReceived(
      'from a.example (b.example [192.0.2.1] (comment (with nested by x) \\) for y)) ' +
        '(using TLSv1.2 with cipher ECDHE-RSA-AES128-GCM-SHA256 (128/128 bits)) ' +
        'by mx.example (Postfix) with ESMTP id ABC for <u@example.com>; Thu, 6 Mar 2025 10:00:00 +0000',
    );
    expect(hop).toMatchObject({ from: 'a.example', fromRdns: 'b.example', fromIp: '192.0.2.1' });
    expect(hop).toMatchObject({ by: 'mx.example', with: 'ESMTP', tls: true, id: 'ABC' });
    expect(hop.for).toBe('u@example.com');
    expect(hop.tlsVersion).toBe('TLSv1.2');
  });

  test('"invoked by uid" without parentheses is not a by-clause', () => {
    const hop = parseReceived('qmail 1234 invoked by uid 1001; 6 Mar 2025 15:40:01 -0000');
    expect(hop.by).toBeNull();
    expect(hop.local).toBe(true);
    expect(hop.date?.iso).toBe('2025-03-06T15:40:01Z');
  });

  test('by-only field', () => {
    const hop = parseReceived(
      'by web1.example.com (Postfix, from userid 33) id 4Z8; Thu, 6 Mar 2025 10:00:00 +0000',
    );
    expect(hop).toMatchObject({
      from: null,
      fromIp: null,
      by: 'web1.example.com',
      id: '4Z8',
      local: true,
    });
  });

  test('a report the host wrote itself (no client, no protocol) is local; a network receipt is not', () => {
    // Postfix's bounce daemon, and Relaydesk's own failure reports
    const bounce = parseReceived(
      'by mx.example.net (Postfix)\r\n\tid 4ABC123; Sat,  5 Dec 2026 11:00:00 +0000 (UTC)',
    );
    expect(bounce).toMatchObject({ from: null, by: 'mx.example.net', with: null, local: true });
    expect(parseReceived('by vm (Relaydesk) id 0mx for <a@b.example>; 6 Dec 2026').local).toBe(
      true,
    );
    // a protocol is a receipt over the network, whatever it leaves out (Gmail's internal hops)
    expect(parseReceived('by 2002:a17:90a::1 with SMTP id x; 6 Mar 2025 10:00 +0000').local).toBe(
      false,
    );
    // qmail names no client here, but it came from the network
    expect(
      parseReceived('(qmail 1234 invoked from network); 6 Mar 2025 15:40:01 -0000').local,
    ).toBe(false);
  });

  test('id in angle brackets or followed by a comma; for without angle brackets', () => {
    expect(parseReceived('by h id <abc.123@h.example>; 6 Mar 2025 10:00 +0000').id).toBe(
      'abc.123@h.example',
    );
    expect(
      parseReceived('by h id abc, for u@example.com, x; 6 Mar 2025 10:00 +0000'),
    ).toMatchObject({
      id: 'abc',
      for: 'u@example.com',
    });
    expect(
      parseReceived('by h with ESMTP for multiple recipients; 6 Mar 2025 10:00 +0000').for,
    ).toBeNull();
  });

  test('with keeps the protocol as written, folds collapsed and comments dropped', () => {
    const hop = parseReceived('from a (a [192.0.2.1]) by b with Microsoft   SMTP (x)  Server id 1');
    expect(hop.with).toBe('Microsoft SMTP Server');
  });

  test('via is kept', () => {
    expect(parseReceived('from a (192.0.2.1) by b with HTTPS via c.example id 1').via).toBe(
      'c.example',
    );
  });

  test('IBM’s gateway banner is not the protocol; the sender it names after `for` is no client', () => {
    // e06smtp03.uk.ibm.com's two stamps (qemu-devel, January 2020), addresses replaced
    const handBack = parseReceived(
      'from localhost\n by e06smtp03.uk.ibm.com with IBM ESMTP SMTP Gateway: Authorized Use Only!\n' +
        ' Violators will be prosecuted\n for <list@example.org> from <frank@example.com>;\n' +
        ' Fri, 17 Jan 2020 09:39:47 -0000',
    );
    expect(handBack).toMatchObject({
      from: 'localhost',
      by: 'e06smtp03.uk.ibm.com',
      with: 'ESMTP',
      for: 'list@example.org',
      envelopeFrom: 'frank@example.com',
    });
    const relayed = parseReceived(
      'from b06cxnps3074.portsmouth.uk.ibm.com (203.0.113.194)\n by e06smtp03.uk.ibm.com ' +
        '(192.168.101.133) with IBM ESMTP SMTP Gateway:\n Authorized Use Only! Violators will be ' +
        'prosecuted; \n (version=TLSv1/SSLv3 cipher=AES256-GCM-SHA384 bits=256/256)\n' +
        ' Fri, 17 Jan 2020 09:39:44 -0000',
    );
    expect(relayed).toMatchObject({
      from: 'b06cxnps3074.portsmouth.uk.ibm.com',
      fromIp: '203.0.113.194',
      with: 'ESMTP',
      tls: true,
      tlsCipher: 'AES256-GCM-SHA384',
    });
    // a `from <address>` with no `for` before it is still the client as written
    expect(parseReceived('from <odd@example.org> by mx.example.com with SMTP').from).toBe(
      '<odd@example.org>',
    );
  });

  test('the first with-clause is the protocol; STARTTLS in a later one still means TLS', () => {
    const hop = parseReceived(
      'from a by b with ESMTP with both STARTTLS and AUTH id x; 6 Mar 2025 10:00 Z',
    );
    expect(hop).toMatchObject({ with: 'ESMTP', tls: true });
  });
});

describe('tls', () => {
  const tlsOf = (tail: string): boolean | null =>
    parseReceived(
      `from a.example (a.example [192.0.2.1]) by b.example ${tail}; 6 Mar 2025 10:00 +0000`,
    ).tls;

  test.each([
    ['with SMTP id 1', false],
    ['with esmtp id 1', false],
    ['with ESMTPA id 1', false],
    ['with LMTP id 1', false],
    ['with lmtpa id 1', false],
    ['with ESMTPS id 1', true],
    ['with ESMTPSA id 1', true],
    ['with esmtps id 1', true],
    ['with SMTPS id 1', true],
    ['with UTF8SMTPS id 1', true],
    ['with UTF8SMTP id 1', false],
    ['with UTF8SMTPA id 1', false],
    ['with UTF8LMTP id 1', false],
    ['with UTF8SMTPSA id 1', true],
    ['over TLS secured channel with Microsoft SMTPSVC(7.5.7601.23143)', true],
    ['with HTTPS id 1', true],
    ['with HTTP id 1', null],
    ['with mapi id 1', null],
    ['with local id 1', null],
    ['id 1', null],
    ['with Microsoft SMTP Server id 1', null],
    ['with Microsoft SMTP Server (TLS) id 1', true],
    ['with ESMTP (TLS1.3) tls TLS_AES_256_GCM_SHA384 id 1', true],
    ['with esmtp (TLS1.2:ECDHE-RSA-AES256-GCM-SHA384:256) id 1', true],
    ['with (DHE-RSA-AES256-GCM-SHA384 encrypted) SMTP', true],
    ['with ESMTP id 1 (version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 bits=256 verify=NO)', true],
    ['with STARTTLS id 1', true],
  ])('%s → %s', (tail, expected) => {
    expect(tlsOf(tail)).toBe(expected);
  });

  test('Sendmail built on OpenSSL 1.0 names no version: `version=TLSv1/SSLv3` is TLS 1.0–1.2', () => {
    const hop = parseReceived(
      'from a (a [192.0.2.1]) by b (8.14.9/8.14.9) with ESMTP id x6FDHlMq57213002 (version=TLSv1/SSLv3 cipher=DHE-RSA-AES256-GCM-SHA384 bits=256 verify=OK); Mon, 15 Jul 2019 13:17:47 GMT',
    );
    expect(hop).toMatchObject({
      tls: true,
      tlsVersion: null,
      tlsCipher: 'DHE-RSA-AES256-GCM-SHA384',
    });
  });

  test('the Postfix TLS comment before by', () => {
    const hop = parseReceived(
      'from a (a [192.0.2.1]) (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)) by b with ESMTP id 1',
    );
    expect(hop).toMatchObject({ with: 'ESMTP', tls: true, tlsCipher: 'TLS_AES_256_GCM_SHA384' });
  });
});

describe('client address, HELO and reverse DNS', () => {
  test.each([
    ['from h ([192.0.2.1]:2525)', '192.0.2.1'],
    ['from h (r [IPV6:2001:DB8::1])', '2001:DB8::1'],
    ['from h ([fe80::1%eth0])', 'fe80::1'],
    ['from h ([fe80::1%9]])', 'fe80::1'],
    ['from h (r [::ffff:192.0.2.9])', '192.0.2.9'],
    ['from h (r [IPv6:::ffff:c000:0209])', '192.0.2.9'],
    ['from h (192.0.2.1:40000)', '192.0.2.1'],
    ['from [192.0.2.7]', '192.0.2.7'],
    ['from h (r [999.0.2.1])', null],
  ])('%s → %s', (field, ip) => {
    expect(parseReceived(`${field} by b; 6 Mar 2025 10:00 +0000`).fromIp).toBe(ip);
  });

  test('reverse DNS without IDENT, trailing dot, and not when unknown', () => {
    expect(parseReceived('from h (IDENT:root@r.example. [192.0.2.1]) by b').fromRdns).toBe(
      'r.example',
    );
    expect(parseReceived('from h (unknown [192.0.2.1]) by b').fromRdns).toBeNull();
    expect(parseReceived('from h ([192.0.2.1]) by b').fromRdns).toBeNull();
  });

  test('Exim: the name first is the reverse-DNS name, helo= is the HELO', () => {
    const hop = parseReceived(
      'from r.example ([192.0.2.1] helo=h.example) by b with esmtp (Exim 4.96) id 1',
    );
    expect(hop).toMatchObject({ from: 'h.example', fromRdns: 'r.example', fromIp: '192.0.2.1' });
    const same = parseReceived('from r.example ([192.0.2.1]) by b with esmtp (Exim 4.96) id 1');
    expect(same).toMatchObject({ from: 'r.example', fromRdns: 'r.example' });
  });

  test('qmail: the name first is the reverse-DNS name, (HELO x) is the HELO', () => {
    const hop = parseReceived(
      'from unknown (HELO h.example) (192.0.2.1) by b with SMTP; 6 Mar 2025 1:02:03 -0000',
    );
    expect(hop).toMatchObject({ from: 'h.example', fromRdns: null, fromIp: '192.0.2.1' });
  });
});

describe('dates in the field', () => {
  test('after the last top-level semicolon, trailing comments ignored', () => {
    const hop = parseReceived(
      'from a (b [192.0.2.1]) by c id x; for <u@example.com>; Thu, 6 Mar 2025 10:00:00 -0500 (envelope-from <a@b.example>)',
    );
    expect(hop.date?.iso).toBe('2025-03-06T15:00:00Z');
    expect(hop.for).toBe('u@example.com');
  });

  test('a semicolon inside a comment does not start the date', () => {
    const hop = parseReceived(
      'from a (x; Thu, 1 Jan 2004 00:00:00 +0000) by c; Thu, 6 Mar 2025 10:00:00 +0000',
    );
    expect(hop.date?.iso).toBe('2025-03-06T10:00:00Z');
  });

  test('an impossible date gives no timestamp but keeps the clauses', () => {
    const hop = parseReceived('from a by c with SMTP; Sat, 32 Foo 2025 99:99:99 +0000');
    expect(hop).toMatchObject({ from: 'a', by: 'c', with: 'SMTP', date: null, parsed: true });
  });
});

describe('unreadable fields', () => {
  test.each(['', ';', '((((', '[[[[', '<<<', '"', 'garbage words only', ')))', '\\'])(
    '%j is unparsed, not thrown',
    (value) => {
      const hop = parseReceived(value);
      expect(hop.parsed).toBe(false);
    },
  );

  test('a truncated field keeps what it has and says what is wrong', () => {
    const hop = parseReceived('from t.example (t.example [192.0.2.61');
    expect(hop).toMatchObject({ from: 't.example', fromIp: '192.0.2.61', parsed: true });
    expect(hop.problems.length).toBeGreaterThan(0);
  });

  test('an unclosed comment does not swallow the rest of the field', () => {
    const hop = parseReceived(
      'from a (b [192.0.2.1] by mx.example with ESMTP id 1; Thu, 6 Mar 2025 10:00:00 +0000',
    );
    expect(hop).toMatchObject({ by: 'mx.example', with: 'ESMTP', id: '1' });
    expect(hop.date?.iso).toBe('2025-03-06T10:00:00Z');
  });
});
