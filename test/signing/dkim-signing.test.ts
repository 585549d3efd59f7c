// Signing with generated keys, verified by independent verifiers against the record we tell the
// user to publish: mailauth's verifier over a real DNS server on 127.0.0.1, and Debian's
// python3-dkim.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dkimVerify } from 'mailauth';
import { DnsResolver } from '../../main/core/dns/dns-resolver.js';
import {
  generateDkimKey,
  publicKeyValue,
  type DkimAlgorithm,
} from '../../main/core/signing/dkim-key.js';
import { dkimRecord } from '../../main/core/signing/dkim-record.js';
import { signMessage } from '../../main/core/signing/dkim-signer.js';
import { applyRedirect } from '../../main/core/routing-rules/original-to-header.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { requirePythonModule } from '../helpers/system-tools.js';

const python = requirePythonModule('dkim', 'apt-get install -y python3-dkim');

const message = Buffer.from(
  [
    'Received: from app (localhost [127.0.0.1]) by relay (Relaydesk) with ESMTP id X; Mon, 30 Nov 2026 10:00:00 +0000',
    'From: "Shop" <news@shop.example>',
    'To: alice@example.net,',
    '  bob@example.net',
    'Subject:   Your   order\t ships',
    'Date: Mon, 30 Nov 2026 10:00:00 +0000',
    'Message-ID: <1@shop.example>',
    'List-Unsubscribe: <https://shop.example/u/1>',
    'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    'Feedback-ID: 1:news:shop',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Hello  there   ',
    'Grüße',
    '',
    '',
  ].join('\r\n'),
  'utf8',
);

let dns: TestDnsServer;
beforeAll(async () => {
  dns = await startDnsServer();
});
afterAll(async () => {
  await dns.close();
});

function publish(domain: string, selector: string, pem: string, algorithm: DkimAlgorithm): string {
  const record = dkimRecord(domain, selector, algorithm, publicKeyValue(pem));
  dns.set(record.name, { TXT: [record.value] });
  return record.value;
}

async function mailauthResults(raw: Buffer) {
  const resolver = new DnsResolver({ servers: [dns.address], timeoutMs: 1000, cacheMs: 0 });
  const verified = await dkimVerify(raw, { resolver: resolver.forMailauth() as never });
  return verified.results.map((r) => ({
    selector: r.selector,
    result: r.status.result,
    comment: r.status.comment,
  }));
}

function pythonVerify(raw: Buffer, record: string): string {
  const script = [
    'import sys, dkim',
    'record = sys.argv[1].encode()',
    'ok = dkim.verify(sys.stdin.buffer.read(), dnsfunc=lambda name, timeout=5: record)',
    'print("pass" if ok else "fail")',
  ].join('\n');
  const run = spawnSync(python as string, ['-c', script, record], { input: raw, encoding: 'utf8' });
  return run.stdout.trim() || run.stderr;
}

describe('DKIM signing', () => {
  it.each(['rsa', 'ed25519'] as const)(
    'a %s signature verifies against the published record',
    async (algorithm) => {
      const pem = generateDkimKey(algorithm);
      const record = publish('shop.example', `s-${algorithm}`, pem, algorithm);
      const signed = signMessage(
        message,
        [{ domain: 'shop.example', selector: `s-${algorithm}`, algorithm, privateKey: pem }],
        { now: new Date() },
      );
      expect(signed.signatures).toEqual([
        { domain: 'shop.example', selector: `s-${algorithm}`, algorithm: `${algorithm}-sha256` },
      ]);
      expect(await mailauthResults(signed.raw)).toEqual([
        { selector: `s-${algorithm}`, result: 'pass', comment: undefined },
      ]);
      if (python) expect(pythonVerify(signed.raw, record)).toBe('pass');
    },
  );

  it('a selector with an underscore (s_1, as the key store allows) verifies at both verifiers', async () => {
    const pem = generateDkimKey('ed25519');
    const record = publish('shop.example', 's_1', pem, 'ed25519');
    const signed = signMessage(
      message,
      [{ domain: 'shop.example', selector: 's_1', algorithm: 'ed25519', privateKey: pem }],
      { now: new Date() },
    );
    expect(await mailauthResults(signed.raw)).toEqual([
      { selector: 's_1', result: 'pass', comment: undefined },
    ]);
    if (python) expect(pythonVerify(signed.raw, record)).toBe('pass');
  });

  it('signs the default header set, over-signs From, and a second From breaks it', async () => {
    const pem = generateDkimKey('rsa');
    publish('shop.example', 'h1', pem, 'rsa');
    const signed = signMessage(
      message,
      [{ domain: 'shop.example', selector: 'h1', algorithm: 'rsa', privateKey: pem }],
      {
        now: new Date(),
      },
    );
    const header = signed.raw.toString('latin1').split('\r\n\r\n')[0] as string;
    const h = /h=([^;]+);/.exec(header.replace(/\r\n\s*/g, ' '))?.[1]?.replace(/\s/g, '');
    expect(h?.split(':')).toEqual([
      'From',
      'From',
      'Subject',
      'Date',
      'Message-ID',
      'To',
      'MIME-Version',
      'Content-Type',
      'List-Unsubscribe',
      'List-Unsubscribe-Post',
      'Feedback-ID',
    ]);
    expect(h).not.toMatch(/Received/i);
    // someone adds a second From below the signature: the over-signed From no longer matches
    const tampered = Buffer.from(
      signed.raw
        .toString('latin1')
        .replace('From: "Shop"', 'From: evil@attacker.example\r\nFrom: "Shop"'),
      'latin1',
    );
    expect((await mailauthResults(tampered))[0]?.result).toBe('fail');
  });

  it('signs the header list a key names instead of the default set', async () => {
    const pem = generateDkimKey('ed25519');
    publish('shop.example', 'custom', pem, 'ed25519');
    const signed = signMessage(
      message,
      [
        {
          domain: 'shop.example',
          selector: 'custom',
          algorithm: 'ed25519',
          privateKey: pem,
          headerFields: ['From', 'Subject', 'X-Absent'],
        },
      ],
      { now: new Date() },
    );
    expect(signed.raw.toString('latin1')).toMatch(/ h=From:From:Subject;/);
    expect(await mailauthResults(signed.raw)).toEqual([
      { selector: 'custom', result: 'pass', comment: undefined },
    ]);
  });

  it('signs with every active selector during a rotation', async () => {
    const oldKey = generateDkimKey('rsa');
    const newKey = generateDkimKey('ed25519');
    const oldRecord = publish('shop.example', 'old', oldKey, 'rsa');
    publish('shop.example', 'new', newKey, 'ed25519');
    const signed = signMessage(
      message,
      [
        { domain: 'shop.example', selector: 'old', algorithm: 'rsa', privateKey: oldKey },
        { domain: 'shop.example', selector: 'new', algorithm: 'ed25519', privateKey: newKey },
      ],
      { now: new Date() },
    );
    const results = await mailauthResults(signed.raw);
    expect(results.map((r) => [r.selector, r.result]).sort()).toEqual([
      ['new', 'pass'],
      ['old', 'pass'],
    ]);
    // python3-dkim checks the first signature
    if (python) expect(pythonVerify(signed.raw, oldRecord)).toBe('pass');
  });

  it('header changes made before signing are covered; a body change after it is caught', async () => {
    const pem = generateDkimKey('rsa');
    const record = publish('shop.example', 'redir', pem, 'rsa');
    const redirected = applyRedirect(message, ['carol@example.net']);
    const signed = signMessage(
      redirected,
      [{ domain: 'shop.example', selector: 'redir', algorithm: 'rsa', privateKey: pem }],
      {
        now: new Date(),
      },
    );
    expect((await mailauthResults(signed.raw))[0]?.result).toBe('pass');
    if (python) expect(pythonVerify(signed.raw, record)).toBe('pass');
    // a Received added on top by the next hop does not break it; a changed body does
    const nextHop = Buffer.concat([
      Buffer.from('Received: from relay by mx; Mon, 30 Nov 2026 10:00:01 +0000\r\n'),
      signed.raw,
    ]);
    expect((await mailauthResults(nextHop))[0]?.result).toBe('pass');
    const changed = Buffer.from(signed.raw.toString('latin1').replace('Hello', 'Hallo'), 'latin1');
    expect((await mailauthResults(changed))[0]).toMatchObject({
      result: 'neutral',
      comment: 'body hash did not verify',
    });
  });
});
