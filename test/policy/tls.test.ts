// TLS on the listener: STARTTLS with a self-signed certificate made at first run (kept, and its
// fingerprint shown), an implicit-TLS listener, certificates from files, requireTLS, AUTH refused
// and not advertised before TLS, and commands pipelined after STARTTLS discarded.
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDetail, RelaydeskInfo } from '../../preload/api-contract.js';
import { cleanupCliProcesses, makeTempDir, runCli } from '../helpers/cli-process.js';
import { makeDataDir, startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { SmtpWire, runPython, plainToken } from '../helpers/smtp-wire.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { makeTestCertificate } from '../helpers/upstream-server.js';
import { waitFor } from '../helpers/eventually.js';

const python = requireTool(tools.python3);
const openssl = requireTool(tools.openssl);
const fast = { greetingDelayMs: 0, reverseDnsTimeoutMs: 0 };

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('STARTTLS with AUTH only over TLS (as on a non-loopback listener)', () => {
  let relay: TestRelaydesk;
  const logs: string[] = [];
  beforeAll(async () => {
    relay = await startTestRelaydesk(
      { ...fast, starttls: true, insecureAuth: 'refuse', smtps: '127.0.0.1:0' },
      undefined,
    );
    relay.service.on('log', (line) => logs.push(line));
    await relay.api('/api/v1/users', json({ name: 'app', password: 'app-password-1' }));
  });
  afterAll(async () => relay?.dispose());

  it('hides AUTH in the plain EHLO, refuses it with 538 5.7.11, and offers it after STARTTLS', async () => {
    const wire = await SmtpWire.connect(relay.smtp.port);
    await wire.reply();
    const plainEhlo = await wire.command('EHLO client.example');
    expect(plainEhlo).toContain('250-STARTTLS');
    expect(plainEhlo).not.toMatch(/AUTH/);
    expect(await wire.command(`AUTH PLAIN ${plainToken('app', 'app-password-1')}`)).toBe(
      '538 5.7.11 Encryption required: issue STARTTLS before AUTH',
    );
    expect(await wire.command('STARTTLS')).toMatch(/^220/);
    const secure = await wire.startTls();
    const info = await relay.api<RelaydeskInfo>('/api/v1/info');
    expect(secure.getPeerCertificate().fingerprint256).toBe(
      info.SMTPSecurity?.certificate?.fingerprint256,
    );
    expect(info.SMTPSecurity).toMatchObject({
      starttls: true,
      requireTls: false,
      certificate: { source: 'self-signed' },
    });
    const tlsEhlo = await wire.command('EHLO client.example');
    expect(tlsEhlo).toMatch(/250-AUTH PLAIN LOGIN/);
    expect(tlsEhlo).not.toContain('STARTTLS');
    expect(await wire.command(`AUTH PLAIN ${plainToken('app', 'app-password-1')}`)).toMatch(/^235/);
    wire.close();
  });

  it.skipIf(!python)(
    'takes mail from Python smtplib over STARTTLS and over the implicit-TLS listener',
    async () => {
      const info = await relay.api<RelaydeskInfo>('/api/v1/info');
      const smtpsPort = Number(/:(\d+)$/.exec(info.SMTPSecurity?.smtps ?? '')?.[1]);
      expect(smtpsPort).toBeGreaterThan(0);
      const script = `
import smtplib, ssl, sys
port, smtps_port = int(sys.argv[1]), int(sys.argv[2])
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
s = smtplib.SMTP('127.0.0.1', port, timeout=10); s.starttls(context=ctx); s.login('app', 'app-password-1')
s.sendmail('app@sender.example', ['qa@team.example'], 'Subject: over starttls\\r\\n\\r\\nx\\r\\n'); s.quit()
s = smtplib.SMTP_SSL('127.0.0.1', smtps_port, context=ctx, timeout=10); s.login('app', 'app-password-1')
s.sendmail('app@sender.example', ['qa@team.example'], 'Subject: over smtps\\r\\n\\r\\nx\\r\\n'); s.quit()
print('ok')
`;
      expect(
        (
          await runPython(python as string, script, [String(relay.smtp.port), String(smtpsPort)])
        ).trim(),
      ).toBe('ok');
      const latest = await relay.api<MessageDetail>('/api/v1/message/latest');
      expect(latest.Subject).toBe('over smtps');
      const raw = await (await relay.fetch(`/api/v1/message/${latest.ID}/raw`)).text();
      expect(raw).toMatch(
        /^Received: from py|^Received: from \S+ \(unknown \[127\.0\.0\.1\]\)\r\n\tby \S+ \(Relaydesk\) with ESMTPSA id /,
      );
      expect(logs).toContainEqual(
        expect.stringMatching(
          /^smtp-audit event=connect result=accepted listener=smtps client=127\.0\.0\.1/,
        ),
      );
      expect(logs).toContainEqual(
        expect.stringMatching(
          /^smtp-audit event=message result=accepted .*user=app .*tls=TLSv1\.3/,
        ),
      );
    },
  );

  // OpenSSL's own line named neither the client nor the cause, and came twice
  it.skipIf(!openssl)(
    'logs a handshake a TLS 1.0 client fails once, naming the client and what to do',
    async () => {
      const info = await relay.api<RelaydeskInfo>('/api/v1/info');
      const smtpsPort = Number(/:(\d+)$/.exec(info.SMTPSecurity?.smtps ?? '')?.[1]);
      const before = logs.length;
      const client = (args: string[]) =>
        new Promise<void>((resolve) => {
          const run = spawn(openssl as string, ['s_client', ...args], { stdio: 'pipe' });
          run.stdin.end('QUIT\r\n');
          run.on('close', () => resolve());
        });
      // (the client's own OpenSSL allows TLS 1.0 only at security level 0)
      const tls1 = ['-tls1', '-cipher', 'DEFAULT@SECLEVEL=0'];
      await client(['-starttls', 'smtp', '-connect', `127.0.0.1:${relay.smtp.port}`, ...tls1]);
      await client(['-connect', `127.0.0.1:${smtpsPort}`, ...tls1]);
      const words =
        'smtp: TLS handshake with 127.0.0.1 failed (unsupported protocol): the client offers only a TLS version older than --tls-min-version allows: update its TLS library or settings, or, for an old printer or scanner on a network you trust, lower --tls-min-version';
      await waitFor(
        'both handshakes to be logged',
        () => logs.slice(before).filter((line) => line.startsWith('smtp: TLS')).length >= 2,
      );
      expect(logs.slice(before).filter((line) => line.startsWith('smtp: '))).toEqual([
        words,
        words,
      ]);
    },
  );

  it('discards commands pipelined after STARTTLS (CVE-2011-0411)', async () => {
    const wire = await SmtpWire.connect(relay.smtp.port);
    await wire.reply();
    await wire.command('EHLO client.example');
    wire.write('STARTTLS\r\nMAIL FROM:<injected@evil.example>\r\nRCPT TO:<victim@ext.example>\r\n');
    expect(await wire.reply()).toMatch(/^220/);
    await wire.startTls();
    expect(await wire.command('EHLO client.example')).toMatch(/^250-/);
    // had the injected MAIL survived, RCPT would not be "bad sequence"
    expect(await wire.command('RCPT TO:<victim@ext.example>')).toMatch(/^503 /);
    wire.close();
  });
});

describe('requireTLS', () => {
  let relay: TestRelaydesk;
  beforeAll(async () => {
    relay = await startTestRelaydesk({ ...fast, starttls: true, requireTls: true });
  });
  afterAll(async () => relay?.dispose());

  it('refuses MAIL before STARTTLS and takes it after', async () => {
    const wire = await SmtpWire.connect(relay.smtp.port);
    await wire.reply();
    await wire.command('EHLO client.example');
    expect(await wire.command('MAIL FROM:<app@sender.example>')).toBe(
      '530 5.7.0 Must issue a STARTTLS command first',
    );
    expect(await wire.command('STARTTLS')).toMatch(/^220/);
    await wire.startTls();
    await wire.command('EHLO client.example');
    expect(await wire.command('MAIL FROM:<app@sender.example>')).toMatch(/^250/);
    wire.close();
  });
});

describe('STARTTLS by default', () => {
  it('is not offered on loopback with only the self-signed certificate, and is with --starttls true', async () => {
    const plain = await startTestRelaydesk(fast);
    const offered = await startTestRelaydesk({ ...fast, starttls: true });
    try {
      for (const [relay, expected] of [
        [plain, false],
        [offered, true],
      ] as const) {
        const wire = await SmtpWire.connect(relay.smtp.port);
        await wire.reply();
        expect((await wire.command('EHLO client.example')).includes('STARTTLS')).toBe(expected);
        wire.close();
      }
    } finally {
      await plain.dispose();
      await offered.dispose();
    }
  });
});

describe('certificates', () => {
  afterEach(cleanupCliProcesses);

  it('keeps the self-signed certificate in the data folder across restarts', async () => {
    const dataDir = await makeDataDir();
    const first = await startTestRelaydesk({ ...fast, starttls: true }, dataDir);
    const a = (await first.api<RelaydeskInfo>('/api/v1/info')).SMTPSecurity?.certificate
      ?.fingerprint256;
    await first.dispose();
    const second = await startTestRelaydesk({ ...fast, starttls: true }, dataDir);
    const b = (await second.api<RelaydeskInfo>('/api/v1/info')).SMTPSecurity?.certificate
      ?.fingerprint256;
    await second.dispose();
    expect(a).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(b).toBe(a);
  });

  it('uses --tls-cert and --tls-key when given', async () => {
    const certificate = await makeTestCertificate();
    const dir = await makeTempDir();
    await writeFile(join(dir, 'cert.pem'), certificate.cert);
    await writeFile(join(dir, 'key.pem'), certificate.key);
    const relay = await startTestRelaydesk({
      ...fast,
      tlsCert: join(dir, 'cert.pem'),
      tlsKey: join(dir, 'key.pem'),
    });
    try {
      const wire = await SmtpWire.connect(relay.smtp.port);
      await wire.reply();
      await wire.command('EHLO client.example');
      await wire.command('STARTTLS');
      const secure = await wire.startTls();
      expect(secure.getPeerCertificate().fingerprint256).toBe(
        new X509Certificate(certificate.cert).fingerprint256,
      );
      wire.close();
      expect(
        (await relay.api<RelaydeskInfo>('/api/v1/info')).SMTPSecurity?.certificate?.source,
      ).toBe('files');
    } finally {
      await relay.dispose();
      certificate.dispose();
    }
  });

  it('says which flag is missing or wrong, and exits 2', async () => {
    const dir = await makeTempDir();
    await writeFile(join(dir, 'cert.pem'), 'not a certificate');
    const base = ['serve', '--smtp', '127.0.0.1:0', '--http', '127.0.0.1:0', '--data', dir];
    const onlyCert = await runCli([...base, '--tls-cert', join(dir, 'cert.pem')]);
    expect(onlyCert.code).toBe(2);
    expect(onlyCert.stderr).toBe(
      'relaydesk: --tls-cert is given without --tls-key; give both, or neither for a self-signed certificate\n',
    );
    const bad = await runCli([
      ...base,
      '--tls-cert',
      join(dir, 'cert.pem'),
      '--tls-key',
      join(dir, 'cert.pem'),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^relaydesk: --tls-cert: ".*cert\.pem" is not a PEM certificate/);
  });
});

// an office's old printer or scanner that knows only TLS 1.0 could not send at all: OpenSSL 3
// refuses its handshake even where the version is allowed
describe.skipIf(!openssl)('--tls-min-version 1.0', () => {
  let relay: TestRelaydesk;
  beforeAll(async () => {
    relay = await startTestRelaydesk({ ...fast, starttls: true, tlsMinVersion: '1.0' });
  });
  afterAll(async () => relay?.dispose());

  it('takes mail from a TLS 1.0 client over STARTTLS', async () => {
    const session = [
      'EHLO scanner.office.example',
      'MAIL FROM:<scanner@office.example>',
      'RCPT TO:<me@office.example>',
      'DATA',
      'Subject: Scan over TLS 1.0',
      '',
      'scan',
      '.',
      'QUIT',
      '',
    ].join('\n');
    const args = ['s_client', '-starttls', 'smtp', '-connect', `127.0.0.1:${relay.smtp.port}`];
    args.push('-tls1', '-cipher', 'DEFAULT@SECLEVEL=0', '-crlf', '-ign_eof');
    const output = await new Promise<string>((resolve) => {
      const run = spawn(openssl as string, args, { stdio: 'pipe' });
      let out = '';
      run.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      run.stdin.end(session);
      run.on('close', () => resolve(out));
    });
    expect(output).toMatch(/^250 2\.6\.0 Ok: queued as /m);
    const latest = await relay.api<MessageDetail>('/api/v1/message/latest');
    expect(latest.Subject).toBe('Scan over TLS 1.0');
    expect(latest.Envelope.tls?.protocol).toBe('TLSv1.0');
  });
});
