// The command line: `relaydesk dkim keygen|check|list`, `relaydesk validate`, and the signing
// flags of `serve` (--dkim-domain/--dkim-selector/--dkim-key, repeatable per key).
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dkimVerify } from 'mailauth';
import nodemailer from 'nodemailer';
import { DnsResolver } from '../../main/core/dns/dns-resolver.js';
import { generateDkimKey, publicKeyValue } from '../../main/core/signing/dkim-key.js';
import { dkimRecord } from '../../main/core/signing/dkim-record.js';
import {
  cleanupCliProcesses,
  cliEnv,
  makeTempDir,
  relaydeskBin,
  runCli,
  startServe,
  TrackedProcess,
} from '../helpers/cli-process.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';

let dns: TestDnsServer;
let upstream: RunningUpstream;

beforeAll(async () => {
  dns = await startDnsServer();
  upstream = await startUpstreamServer({ tls: 'none' });
});
afterAll(async () => {
  await cleanupCliProcesses();
  await upstream?.close();
  await dns?.close();
});

describe('relaydesk dkim', () => {
  it('keygen stores an owner-only key and prints the record; check finds it published', async () => {
    const data = await makeTempDir();
    const gen = await runCli(['dkim', 'keygen', 'shop.example', 'cli1', '--data', data]);
    expect(gen.code, gen.stderr).toBe(0);
    const value = /^value: (v=DKIM1; k=rsa; p=\S+)$/m.exec(gen.stdout)?.[1] as string;
    expect(gen.stdout).toMatch(/^name: {2}cli1\._domainkey\.shop\.example$/m);
    expect(gen.stdout).toMatch(
      /^cli1\._domainkey\.shop\.example\. 3600 IN TXT \( "v=DKIM1; k=rsa; p=/m,
    );
    expect(statSync(join(data, 'dkim', 'private', 'shop.example_cli1.pem')).mode & 0o777).toBe(
      0o600,
    );
    // signing before the record is published fails DKIM at the receiver: the key waits
    expect(gen.stdout).toContain(
      'not signing yet, waiting for DNS: publish this TXT record at cli1._domainkey.shop.example, then run: relaydesk dkim check shop.example cli1\n',
    );
    const waiting = await runCli(['dkim', 'list', '--data', data]);
    expect(waiting.stdout).toMatch(
      /^shop\.example\tcli1\trsa\twaiting for DNS\tcli1\._domainkey\.shop\.example\tv=DKIM1/,
    );

    const check = () =>
      runCli([
        'dkim',
        'check',
        'shop.example',
        'cli1',
        '--data',
        data,
        '--dns-servers',
        dns.address,
      ]);
    const missing = await check();
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/^cli1\._domainkey\.shop\.example\tmissing\t/);
    expect(missing.stdout).toContain(
      '\nnot signing yet, waiting for DNS: publish this TXT record at cli1._domainkey.shop.example, then check again\n',
    );
    dns.set('cli1._domainkey.shop.example', { TXT: [value] });
    const found = await check();
    expect(found.stdout).toBe(
      'cli1._domainkey.shop.example\tmatch\tthe published record matches this key\n' +
        'selector cli1 of shop.example was waiting for DNS: it signs from now on\n',
    );
    expect(found.code).toBe(0);
    // checked again: it signs already
    expect((await check()).stdout).toBe(
      'cli1._domainkey.shop.example\tmatch\tthe published record matches this key\n',
    );

    const again = await runCli(['dkim', 'keygen', 'shop.example', 'cli1', '--data', data]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      /selector: cli1 of shop\.example already has a key; choose a new selector/,
    );
    const list = await runCli(['dkim', 'list', '--data', data]);
    expect(list.stdout).toMatch(
      /^shop\.example\tcli1\trsa\tactive\tcli1\._domainkey\.shop\.example\tv=DKIM1/,
    );
  });

  it('confirm starts a waiting key signing when DNS here cannot see the record', async () => {
    const data = await makeTempDir();
    const gen = await runCli(['dkim', 'keygen', 'shop.example', 'told', '--data', data]);
    expect(gen.stdout).toContain(
      'if it is published already and DNS here cannot see it: relaydesk dkim confirm shop.example told',
    );
    const confirmed = await runCli(['dkim', 'confirm', 'shop.example', 'told', '--data', data]);
    expect(confirmed.code, confirmed.stderr).toBe(0);
    expect(confirmed.stdout).toBe(
      'selector told of shop.example signs from now on; check its record with: relaydesk dkim check shop.example told\n',
    );
    const list = await runCli(['dkim', 'list', '--data', data]);
    expect(list.stdout).toMatch(/^shop\.example\ttold\trsa\tactive\t/);
    const unknown = await runCli(['dkim', 'confirm', 'shop.example', 'nope', '--data', data]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(
      /^relaydesk dkim: no DKIM key for selector nope of shop\.example; shop\.example has selector told \(the keys of the data folder .+\)\n$/,
    );
  });

  it('remove deletes without asking, and says what it removed and whether the domain still signs', async () => {
    const data = await makeTempDir();
    const cli = (...args: string[]) => runCli(['dkim', ...args, '--data', data]);
    for (const [domain, selector] of [
      ['shop.example', 'a'],
      ['shop.example', 'b'],
      ['news.shop.example', 'n'],
    ] as const) {
      expect((await cli('keygen', domain, selector, '--algorithm', 'ed25519')).code).toBe(0);
      expect((await cli('confirm', domain, selector)).code).toBe(0);
    }
    expect((await cli('keygen', 'shop.example', 'new', '--algorithm', 'ed25519')).code).toBe(0);
    const removed = (selector: string) =>
      `removed selector ${selector} of shop.example and deleted its private key file (it cannot be recovered); its TXT record at ${selector}._domainkey.shop.example can go from DNS once the mail it signed has been delivered\n`;

    const waiting = await cli('remove', 'shop.example', 'new');
    expect(waiting.stdout).toBe(removed('new'));
    const first = await cli('remove', 'shop.example', 'a');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe(
      removed('a') + 'mail from shop.example is still signed, with selector b\n',
    );
    expect(() => statSync(join(data, 'dkim', 'private', 'shop.example_a.pem'))).toThrow(/ENOENT/);
    const last = await cli('remove', 'shop.example', 'b');
    expect(last.stdout).toBe(
      removed('b') +
        "mail from shop.example now goes out unsigned (DMARC may fail at receivers): it was the domain's only signing key; make a new one with relaydesk dkim keygen shop.example SELECTOR\n",
    );
    expect((await cli('list')).stdout).toMatch(/^news\.shop\.example\tn\t/);
    // a subdomain's last key: its mail falls back to the parent's key, if it has one
    expect((await cli('keygen', 'shop.example', 'p', '--algorithm', 'ed25519')).code).toBe(0);
    expect((await cli('confirm', 'shop.example', 'p')).code).toBe(0);
    const sub = await cli('remove', 'news.shop.example', 'n');
    expect(sub.stdout).toMatch(
      /\nmail from news\.shop\.example is now signed with the key of shop\.example \(selector p\)\n$/,
    );
    const gone = await cli('remove', 'shop.example', 'a');
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(
      /^relaydesk dkim: no DKIM key for selector a of shop\.example; shop\.example has selector p /,
    );
  });

  it('list and check name the data folder they read when it has no key (--data forgotten)', async () => {
    const relayData = await makeTempDir();
    expect(
      (await runCli(['dkim', 'keygen', 'office.example', 'm1', '--data', relayData])).code,
    ).toBe(0);
    // the admin's shell: RELAYDESK_DATA (or the default folder) is not the relay's
    const elsewhere = await makeTempDir();
    const env = { RELAYDESK_DATA: elsewhere };
    const list = await runCli(['dkim', 'list'], { env });
    expect(list.code).toBe(0);
    expect(list.stdout).toBe('');
    expect(list.stderr).toBe(
      `relaydesk dkim: no DKIM keys in the data folder ${elsewhere}; give --data DIR (or RELAYDESK_DATA) for the folder relaydesk serve uses, or make one with relaydesk dkim keygen DOMAIN SELECTOR\n`,
    );
    const check = await runCli(['dkim', 'check', 'office.example', 'm1'], { env });
    expect(check.code).toBe(1);
    expect(check.stderr).toContain(
      `(the keys of the data folder ${elsewhere}; give --data DIR (or RELAYDESK_DATA) for the folder relaydesk serve uses)`,
    );
    // with the right folder, nothing extra is said
    const right = await runCli(['dkim', 'list', '--data', relayData]);
    expect(right.stderr).toBe('');
    expect(right.stdout).toMatch(/^office\.example\tm1\trsa\twaiting for DNS\t/);
  });

  it('check says why with a bad --dns-servers', async () => {
    const result = await runCli([
      'dkim',
      'check',
      'shop.example',
      'x',
      '--dns-servers',
      'dns.google',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^relaydesk dkim: --dns-servers: "dns\.google" is not valid; use a comma-separated list of at most 10 DNS servers, each IP or IP:PORT/,
    );
  });
});

describe('relaydesk validate', () => {
  it('prints a verdict per line in input order, then a summary; DNS trouble is unknown', async () => {
    dns.set('shop.example', { MX: [{ exchange: 'mx.shop.example', priority: 10 }] });
    dns.set('nomail.example', { MX: [{ exchange: '.', priority: 0 }] });
    dns.silentNames.add('slow.example');
    const result = await runCli(['validate'], {
      env: { RELAYDESK_DNS_SERVERS: dns.address },
      input:
        'anna@shop.example\n\n# a comment\nbob@nomail.example\r\nnot-an-address\ndora@gmial.com\neve@slow.example\n',
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      'anna@shop.example\tvalid\tshop.example has mail servers (MX mx.shop.example)',
      'bob@nomail.example\tinvalid\tnomail.example accepts no mail (null MX, RFC 7505)',
      'not-an-address\tinvalid\tsyntax: there is no @ between the mailbox and the domain',
      expect.stringMatching(
        /^dora@gmial\.com\tinvalid\tthe domain gmial\.com does not exist; did you mean dora@gmail\.com\?$/,
      ),
      'eve@slow.example\tunknown\tDNS could not be asked: no DNS server answered in time',
      '5 addresses: 1 valid, 3 invalid, 0 risky, 1 unknown',
      '',
    ]);
  });

  it('prints each verdict as soon as the lines before it are checked, not after the last lookup', async () => {
    dns.set('shop.example', { MX: [{ exchange: 'mx.shop.example', priority: 10 }] });
    dns.silentNames.add('slow.example');
    const proc = new TrackedProcess(process.execPath, [relaydeskBin, 'validate'], {
      env: cliEnv({ RELAYDESK_DNS_SERVERS: dns.address }),
    });
    proc.child.stdin?.end('anna@shop.example\neve@slow.example\n');
    // the unanswered lookup takes seconds; anna's verdict is out while it is still waiting
    await proc.waitFor(/^anna@shop\.example\tvalid\t/m);
    expect(proc.stdout).not.toContain('eve@slow.example');
    expect((await proc.exited).code).toBe(0);
    expect(proc.stdout).toMatch(/^eve@slow\.example\tunknown\t.*\n2 addresses: /m);
  });

  it('names a line that is not UTF-8 (a list saved as Latin-1) instead of checking a mangled address', async () => {
    dns.set('shop.example', { MX: [{ exchange: 'mx.shop.example', priority: 10 }] });
    const result = await runCli(['validate'], {
      env: { RELAYDESK_DNS_SERVERS: dns.address },
      input: Buffer.concat([
        Buffer.from('j\xf6rg@shop.example\n', 'latin1'),
        Buffer.from('jörg@shop.example\n', 'utf8'),
      ]),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      'j\ufffdrg@shop.example\tinvalid\tthe line is not UTF-8 text; save the list as UTF-8 and check it again',
      'jörg@shop.example\tvalid\tshop.example has mail servers (MX mx.shop.example); needs SMTPUTF8 (the upstream must offer it)',
      '2 addresses: 1 valid, 1 invalid, 0 risky, 0 unknown',
      '',
    ]);
  });
});

describe('serve --dkim-domain --dkim-selector --dkim-key', () => {
  it('signs relayed mail with each key given, paired in order', async () => {
    const dir = await makeTempDir();
    const keys = ['a', 'b'].map((s) => {
      const pem = generateDkimKey(s === 'a' ? 'rsa' : 'ed25519');
      const file = join(dir, `${s}.pem`);
      writeFileSync(file, pem, { mode: 0o600 });
      const record = dkimRecord(
        'flags.example',
        `sel-${s}`,
        s === 'a' ? 'rsa' : 'ed25519',
        publicKeyValue(pem),
      );
      dns.set(record.name, { TXT: [record.value] });
      return file;
    });
    const serve = await startServe({
      args: [
        '--mode',
        'relay',
        '--relay-host',
        `127.0.0.1:${upstream.port}`,
        '--relay-security',
        'none',
        '--dkim-domain',
        'flags.example',
        '--dkim-selector',
        'sel-a',
        '--dkim-key',
        keys[0] as string,
        '--dkim-domain',
        'flags.example',
        '--dkim-selector',
        'sel-b',
        '--dkim-key',
        keys[1] as string,
      ],
    });
    const before = upstream.messages.length;
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: serve.smtp.port,
      ignoreTLS: true,
    });
    await transport.sendMail({
      from: 'app@flags.example',
      to: 'x@example.net',
      subject: 'flags',
      text: 'x',
    });
    transport.close();
    await expect.poll(() => upstream.messages.length, { timeout: 10_000 }).toBe(before + 1);
    const raw = upstream.messages[before]?.raw as Buffer;
    const resolver = new DnsResolver({ servers: [dns.address] });
    const { results } = await dkimVerify(raw, { resolver: resolver.forMailauth() as never });
    expect(results.map((r) => [r.selector, r.status.result]).sort()).toEqual([
      ['sel-a', 'pass'],
      ['sel-b', 'pass'],
    ]);
  });

  it('refuses flags that do not pair up, and an unreadable key, by name', async () => {
    const serve = async (...flags: string[]) =>
      runCli([
        'serve',
        '--smtp',
        '127.0.0.1:0',
        '--http',
        '127.0.0.1:0',
        '--data',
        await makeTempDir(),
        ...flags,
      ]);
    const unpaired = await serve('--dkim-domain', 'x.example', '--dkim-selector', 's');
    expect(unpaired.code).toBe(2);
    expect(unpaired.stderr).toBe(
      'relaydesk: --dkim-domain, --dkim-selector and --dkim-key go together: give each once per key (got 1, 1 and 0)\n',
    );
    const missing = await serve(
      '--dkim-domain',
      'x.example',
      '--dkim-selector',
      's',
      '--dkim-key',
      '/nonexistent.pem',
    );
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(
      /^relaydesk: --dkim-key: cannot read "\/nonexistent\.pem" \(ENOENT\)/,
    );
    // the certificate next to the key, the first file an admin from a web server tries
    const certFile = join(await makeTempDir(), 'cert.pem');
    writeFileSync(
      certFile,
      '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2VydGlmaWNhdGVib2R5\n-----END CERTIFICATE-----\n',
    );
    const cert = await serve(
      '--dkim-domain',
      'x.example',
      '--dkim-selector',
      's',
      '--dkim-key',
      certFile,
    );
    expect(cert.code).not.toBe(0);
    expect(cert.stderr).toContain(
      `--dkim-key ${certFile}: this is a certificate (what openssl req -x509 or a CA gives), the public half; DKIM uses no certificate: give the private key it was made with (the -keyout file)`,
    );
    expect(cert.stderr).not.toContain('MIIBszCCAVmgAwIBAgIU');
  });
});
