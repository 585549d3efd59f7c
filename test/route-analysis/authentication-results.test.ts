import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  parseArcAuthenticationResults,
  parseAuthenticationResults,
  parseReceivedSpf,
} from '../../main/core/route-analysis/authentication-results.js';
import { analyzeMessage } from '../../main/core/route-analysis/index.js';
import { parseDkimSignature } from '../../main/core/route-analysis/origin-headers.js';

describe('Authentication-Results (RFC 8601)', () => {
  test('"none" gives no results (RFC 8601 Appendix B.2)', () => {
    expect(parseAuthenticationResults('example.org 1; none', 0)).toEqual([]);
  });

  test('several methods with reason, comments, quoted values and a method version (B.4–B.6)', () => {
    const results = parseAuthenticationResults(
      'example.com; auth=pass (cram-md5) smtp.auth=sender@example.net;\r\n' +
        ' spf=pass smtp.mailfrom=example.net; sender-id=pass header.from=example.net;\r\n' +
        ' dkim/1=fail reason="signature verification failed" header.d="example.net" header.s=sel',
      2,
    );
    expect(results).toEqual([
      expect.objectContaining({
        method: 'auth',
        result: 'pass',
        comment: 'cram-md5',
        properties: { 'smtp.auth': 'sender@example.net' },
      }),
      expect.objectContaining({
        method: 'spf',
        result: 'pass',
        properties: { 'smtp.mailfrom': 'example.net' },
      }),
      expect.objectContaining({ method: 'sender-id', result: 'pass' }),
      expect.objectContaining({
        method: 'dkim',
        result: 'fail',
        reason: 'signature verification failed',
        properties: { 'header.d': 'example.net', 'header.s': 'sel' },
      }),
    ]);
    expect(results.every((r) => r.authservId === 'example.com' && r.fieldIndex === 2)).toBe(true);
  });

  test('space around "=" and results without ";" between them', () => {
    const results = parseAuthenticationResults(
      'mx.example; spf = pass smtp.mailfrom=<a@example.org> dkim=none',
      0,
    );
    expect(results.map((r) => [r.method, r.result, r.properties])).toEqual([
      ['spf', 'pass', { 'smtp.mailfrom': 'a@example.org' }],
      ['dkim', 'none', {}],
    ]);
  });

  test('ARC-Authentication-Results carries its instance', () => {
    const [arc] = parseArcAuthenticationResults('i=2; lists.example.org; arc=pass (i=1)', 0);
    expect(arc).toMatchObject({
      instance: 2,
      authservId: 'lists.example.org',
      method: 'arc',
      result: 'pass',
      comment: 'i=1',
    });
  });

  test('Received-SPF (RFC 7208 §9.1)', () => {
    const spf = parseReceivedSpf(
      'softfail (mx.example.com: domain of transitioning a@example.net does not designate 192.0.2.1 as permitted sender) client-ip=192.0.2.1; envelope-from="a@example.net"; helo=h.example; receiver=mx.example.com;',
      0,
    );
    expect(spf).toMatchObject({ method: 'spf', result: 'softfail', authservId: 'mx.example.com' });
    expect(spf?.properties).toMatchObject({
      'client-ip': '192.0.2.1',
      'envelope-from': 'a@example.net',
      helo: 'h.example',
    });
  });

  test('failures are warned about; upstream ARC verdicts are not', () => {
    const analysis = analyzeMessage(
      'Authentication-Results: mx.example.com; dmarc=fail (p=REJECT) header.from=example.org; spf=pass\n' +
        'ARC-Authentication-Results: i=1; other.example; dkim=fail\n',
    );
    expect(analysis.warnings.filter((w) => w.code === 'authentication-failed')).toHaveLength(1);
    expect(analysis.authentication).toHaveLength(3);
  });

  test('a list’s DKIM and DMARC failure beside an ARC pass says the list’s seal vouches for it', () => {
    // a Mailman list tagging the subject, its member's MX verifying the list's ARC seal (the
    // mailing-list header set)
    const readings = (name: string) =>
      analyzeMessage(readFileSync(join(import.meta.dirname, 'header-sets', `${name}.eml`)))
        .warnings.filter((w) => w.code === 'authentication-failed')
        .map((w) => w.message);
    const arc =
      ' But ARC passed there (i=1 spf=pass dkim=pass dkdomain=lists.project.example): a ' +
      'mailing list or forwarder on the way changed or re-sent the message and sealed what it ' +
      'found when the message reached it; a receiver that trusts that seal delivers it despite ' +
      'these failures.';
    // was the two failures alone, "DMARC fail … (p=reject dis=none)." beside the ARC pass badge;
    // said once, after the last of them
    expect(readings('mailing-list')).toEqual([
      'DKIM fail according to mx.member.example.',
      `DMARC fail according to mx.member.example (p=reject dis=none).${arc}`,
    ]);
    // a forward's SPF failure alone
    const forwarded = analyzeMessage(
      'Authentication-Results: mx.example.com; spf=fail smtp.mailfrom=a.example; arc=pass\n',
    ).warnings.find((w) => w.code === 'authentication-failed');
    expect(forwarded?.message).toMatch(/^SPF fail according to mx\.example\.com\. But ARC passed /);
    expect(forwarded?.message).toMatch(/delivers it despite this failure\.$/);
    // an ARC pass in another receiver's field, or an ARC failure, vouches for nothing here
    const elsewhere = analyzeMessage(
      'Authentication-Results: mx.example.com; dmarc=fail (p=REJECT) header.from=example.org\n' +
        'Authentication-Results: other.example; arc=pass\n' +
        'Authentication-Results: third.example; dkim=fail; arc=fail\n',
    )
      .warnings.filter((w) => w.code === 'authentication-failed')
      .map((w) => w.message);
    expect(elsewhere).toEqual([
      'DMARC fail according to mx.example.com (p=REJECT).',
      'DKIM fail according to third.example.',
      'ARC fail according to third.example.',
    ]);
  });

  test('garbage never throws', () => {
    for (const value of ['', ';;;', '=', '(((', 'a=b=c; ;=;', '"unterminated']) {
      expect(() => parseAuthenticationResults(value, 0)).not.toThrow();
      expect(() => parseArcAuthenticationResults(value, 0)).not.toThrow();
      expect(() => parseReceivedSpf(value, 0)).not.toThrow();
    }
  });
});

describe('origin headers', () => {
  test('DKIM-Signature domain and selector, folded b=', () => {
    expect(
      parseDkimSignature(
        'v=1; a=rsa-sha256; d=example.org;\r\n s=sel 2; i=@example.org; b=ab\r\n cd',
      ),
    ).toEqual({
      domain: 'example.org',
      selector: 'sel2',
      algorithm: 'rsa-sha256',
      identity: '@example.org',
    });
  });

  test('Return-Path, null sender, Message-ID domain, X-Originating-IP, X-Forwarded-For, X-Mailer, User-Agent', () => {
    const analysis = analyzeMessage(
      'Return-Path: <>\nMessage-ID: <abc@[192.0.2.1]>\nX-Originating-IP: [IPv6:2001:db8::5]\n' +
        'X-Forwarded-For: 203.0.113.7, [10.1.2.3], 198.51.100.4:5123,\n unknown\nX-Mailer: M 1\nUser-Agent: U 2\n',
    );
    expect(analysis.origin).toEqual({
      returnPath: '',
      messageIdDomain: '192.0.2.1',
      dkimSignatures: [],
      xOriginatingIp: '2001:db8::5',
      xForwardedFor: ['203.0.113.7', '10.1.2.3', '198.51.100.4', 'unknown'],
      xForwardedForClient: '203.0.113.7',
      xMailer: 'M 1',
      userAgent: 'U 2',
    });
    const plain = analyzeMessage('Subject: x\n').origin;
    expect(plain).toEqual({
      returnPath: null,
      messageIdDomain: null,
      dkimSignatures: [],
      xOriginatingIp: null,
      xForwardedFor: null,
      xForwardedForClient: null,
      xMailer: null,
      userAgent: null,
    });
  });

  test('several X-Forwarded-For fields: one path, oldest field first; the client is its left-most Internet address', () => {
    // the bottom field is the oldest (each hop adds its field on top); 10.0.0.5 is the client's
    // own network, 192.168.1.1 the webmail's proxy, 198.51.100.20 the later hop's
    const origin = analyzeMessage(
      'X-Forwarded-For: 198.51.100.20, 192.168.1.1\n' +
        'X-Forwarded-For: unknown, 10.0.0.5, 203.0.113.9, 192.168.1.1\nSubject: x\n',
    ).origin;
    expect(origin.xForwardedFor).toEqual([
      'unknown',
      '10.0.0.5',
      '203.0.113.9',
      '192.168.1.1',
      '198.51.100.20',
    ]);
    expect(origin.xForwardedForClient).toBe('203.0.113.9');
    // only private addresses: the left-most one is all there is to say
    const inside = analyzeMessage('X-Forwarded-For: 10.0.0.7, 10.0.0.1\nSubject: x\n').origin;
    expect(inside.xForwardedForClient).toBe('10.0.0.7');
  });
});
