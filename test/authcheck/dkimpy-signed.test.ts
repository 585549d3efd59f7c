// The auth check of captured mail signed by another implementation, Debian's python3-dkim
// (dkimpy): a message as signed passes; one changed after signing — its body or a signed
// header — or signed with a key nobody published is a failure the user sees as one, not a
// neutral grey badge, with words that say what changed and what to check.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageAuthCheck } from '../../main/core/authcheck/auth-check.js';
import { generateDkimKey, publicKeyValue } from '../../main/core/signing/dkim-key.js';
import { dkimRecord } from '../../main/core/signing/dkim-record.js';
import nodemailer from 'nodemailer';
import { startServe } from '../helpers/cli-process.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { requirePythonModule } from '../helpers/system-tools.js';

const python = requirePythonModule('dkim', 'apt-get install -y python3-dkim');

let dns: TestDnsServer;
let relay: TestRelaydesk;
const key = generateDkimKey('rsa');
const { privateKey: weakPrivate, publicKey: weakKey } = generateKeyPairSync('rsa', {
  modulusLength: 512,
});

beforeAll(async () => {
  dns = await startDnsServer();
  const record = dkimRecord('py.example', 'py1', 'rsa', publicKeyValue(key));
  dns.set(record.name, { TXT: [record.value] });
  // a 512-bit key, as old setups still publish: dkimpy signs with it, receivers ignore it
  const weak = weakKey.export({ format: 'der', type: 'spki' }).toString('base64');
  dns.set('weak._domainkey.py.example', { TXT: [`v=DKIM1; k=rsa; p=${weak}`] });
  dns.set('py.example', { TXT: ['v=spf1 ip4:127.0.0.1 -all'] });
  dns.set('_dmarc.py.example', { TXT: ['v=DMARC1; p=reject'] });
  relay = await startTestRelaydesk({ dnsServers: [dns.address] });
});
afterAll(async () => {
  await relay?.dispose();
  await dns?.close();
});

const message = (subject: string): Buffer =>
  Buffer.from(
    [
      'From: Py <app@py.example>',
      'To: qa@example.net',
      `Subject: ${subject}`,
      'Date: Thu, 03 Dec 2026 09:00:00 +0000',
      `Message-ID: <${subject}@py.example>`,
      '',
      'Your code is 123456.',
      '',
    ].join('\r\n'),
  );

/**
 * The DKIM-Signature header dkimpy makes for `raw` (relaxed/relaxed), with selector py1's key
 * unless another is given; `length` adds l= (the body length signed).
 */
function dkimpySignature(
  raw: Buffer,
  options: { selector?: string; privateKey?: string; length?: boolean } = {},
): Buffer {
  const script = [
    'import sys, dkim',
    'key = sys.argv[1].encode()',
    'sys.stdout.buffer.write(dkim.sign(sys.stdin.buffer.read(), sys.argv[2].encode(), b"py.example", key,',
    '    canonicalize=(b"relaxed", b"relaxed"), include_headers=[b"from", b"to", b"subject", b"date"],',
    '    length=sys.argv[3] == "l"))',
  ].join('\n');
  const run = spawnSync(
    python as string,
    [
      '-c',
      script,
      options.privateKey ?? key,
      options.selector ?? 'py1',
      options.length ? 'l' : '-',
    ],
    { input: raw },
  );
  if (run.status !== 0) throw new Error(`dkimpy failed: ${run.stderr.toString()}`);
  return run.stdout;
}

async function capture(raw: Buffer): Promise<MessageAuthCheck> {
  const info = await relay.transport().sendMail({
    envelope: { from: 'app@py.example', to: ['qa@example.net'] },
    raw,
  });
  const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
  return relay.api<MessageAuthCheck>(`/api/v1/message/${id}/auth-check`);
}

describe.skipIf(!python)('auth check of mail signed by dkimpy', () => {
  it('passes the message as signed', async () => {
    const raw = message('asis');
    const check = await capture(Buffer.concat([dkimpySignature(raw), raw]));
    expect(check.dkim).toEqual([
      expect.objectContaining({ domain: 'py.example', selector: 'py1', badge: 'pass' }),
    ]);
    expect(check.dmarc.badge).toBe('pass');
  });

  it('shows a body changed after signing as a failure', async () => {
    const raw = message('body');
    const signature = dkimpySignature(raw);
    const changed = Buffer.from(raw.toString().replace('123456', '654321'));
    const check = await capture(Buffer.concat([signature, changed]));
    expect(check.dkim).toEqual([
      expect.objectContaining({
        selector: 'py1',
        result: 'neutral',
        badge: 'fail',
        // mailauth's words first (Gmail writes the same), then what they mean and what to do
        reason:
          "body hash did not verify: the body was changed after it was signed (its hash is no longer the signature's bh=); sign the body exactly as it is sent, after any footer, re-encoding or line-ending change",
      }),
    ]);
  });

  it('says which body bytes an l= signature leaves unsigned', async () => {
    const raw = message('length');
    // a footer or a phishing link appended after signing still passes DKIM under l=
    const appended = Buffer.concat([
      dkimpySignature(raw, { length: true }),
      raw,
      Buffer.from('Click http://evil.example/ now\r\n'),
    ]);
    const check = await capture(appended);
    expect(check.dkim).toEqual([
      expect.objectContaining({
        result: 'pass',
        badge: 'pass',
        reason:
          'signature of py.example; but only the first 22 bytes of the body are signed (l=): the 30 bytes after them are not, so anyone could have changed or added them',
      }),
    ]);
  });

  it("keeps mailauth's own debugging line out of relaydesk serve's output (a body cut shorter than l=)", async () => {
    // mailauth 4 printed `TOTAL 10 EXPECTING 22` with console.log into serve's log
    const raw = message('quiet');
    const cut = Buffer.from(raw.toString().replace('Your code is 123456.', 'Your code'));
    const serve = await startServe({ args: ['--dns-servers', dns.address] });
    try {
      const transport = nodemailer.createTransport({
        ...serve.smtp,
        secure: false,
        ignoreTLS: true,
      });
      const info = await transport.sendMail({
        envelope: { from: 'app@py.example', to: ['qa@example.net'] },
        raw: Buffer.concat([dkimpySignature(raw, { length: true }), cut]),
      });
      transport.close();
      const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
      const check = await serve.api<MessageAuthCheck>(`/api/v1/message/${id}/auth-check`);
      expect(check.dkim).toEqual([expect.objectContaining({ selector: 'py1', badge: 'fail' })]);
      expect(check.dkim[0]?.reason).toMatch(/^body hash did not verify/);
      expect(serve.stdout).toContain('exposure:');
      expect(serve.stdout).not.toContain('EXPECTING');
    } finally {
      await serve.stop();
    }
  });

  it('names the record and the fix for a key too short or not published', async () => {
    const weak = weakPrivate.export({ format: 'pem', type: 'pkcs1' }).toString();
    const raw = message('weak');
    const short = await capture(
      Buffer.concat([dkimpySignature(raw, { selector: 'weak', privateKey: weak }), raw]),
    );
    expect(short.dkim).toEqual([
      expect.objectContaining({
        result: 'policy',
        badge: 'fail',
        reason:
          'the key published at weak._domainkey.py.example is shorter than 1024 bits, so receivers ignore the signature (RFC 8301); publish a 2048-bit key under a new selector',
      }),
    ]);
    const unpublished = message('nokey');
    const missing = await capture(
      Buffer.concat([dkimpySignature(unpublished, { selector: 'gone' }), unpublished]),
    );
    expect(missing.dkim).toEqual([
      expect.objectContaining({
        // RFC 6376 §6.1.2: no key is a PERMFAIL; receivers do not count the signature
        result: 'neutral',
        badge: 'fail',
        reason:
          "no key: nothing is published at gone._domainkey.py.example; publish the signer's TXT record there, or sign with a selector whose record is",
      }),
    ]);
  });

  it('shows a signed header changed after signing as a failure', async () => {
    const raw = message('header');
    const signature = dkimpySignature(raw);
    const changed = Buffer.from(raw.toString().replace('Subject: header', 'Subject: HEADER'));
    const check = await capture(Buffer.concat([signature, changed]));
    expect(check.dkim).toEqual([
      expect.objectContaining({
        result: 'fail',
        badge: 'fail',
        reason:
          'bad signature: a header field it signs (From, To, Subject, Date) was changed after signing, or the key published at py1._domainkey.py.example is not the key that signed',
      }),
    ]);
  });

  it('says a signature made with another key than the one published is a bad signature', async () => {
    // what a developer sees after rotating the key in the app but not in DNS (or the reverse)
    const raw = message('otherkey');
    const check = await capture(
      Buffer.concat([dkimpySignature(raw, { privateKey: generateDkimKey('rsa') }), raw]),
    );
    expect(check.dkim).toEqual([
      expect.objectContaining({
        result: 'fail',
        badge: 'fail',
        reason: expect.stringContaining(
          'or the key published at py1._domainkey.py.example is not the key that signed',
        ),
      }),
    ]);
  });
});
