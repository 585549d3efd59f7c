// The command line: `relaydesk dkim keygen|check|list`, `relaydesk validate`, and the signing
// flags of `serve` (--dkim-domain/--dkim-selector/--dkim-key, repeatable per key).
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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
  relayFlags,
  runCli,
  startServe,
  TrackedProcess,
} from '../helpers/cli-process.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { requirePythonModule } from '../helpers/system-tools.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';

const python = requirePythonModule('dkim', 'apt-get install -y python3-dkim');

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

  it('names an IDN domain as Settings does, its DNS form beside it, and takes either form', async () => {
    const data = await makeTempDir();
    const gen = await runCli(['dkim', 'keygen', 'bücher.example', 's1', '--data', data]);
    expect(gen.code, gen.stderr).toBe(0);
    expect(gen.stdout).toMatch(
      /^stored the RSA-2048 key of selector s1 for bücher\.example \(xn--bcher-kva\.example in DNS\) in /,
    );
    // the record's name is what DNS takes: A-labels only
    expect(gen.stdout).toMatch(/^name: {2}s1\._domainkey\.xn--bcher-kva\.example$/m);
    // the Unicode form the list shows is accepted by the next command
    const confirmed = await runCli(['dkim', 'confirm', 'bücher.example', 's1', '--data', data]);
    expect(confirmed.code, confirmed.stderr).toBe(0);
    expect((await runCli(['dkim', 'keygen', 'shop.example', 's2', '--data', data])).code).toBe(0);
    const list = await runCli(['dkim', 'list', '--data', data]);
    // in the order of the domains' DNS form, as before
    expect(list.stdout.split('\n').map((line) => line.split('\t').slice(0, 5))).toEqual([
      // an ASCII domain is itself alone
      ['shop.example', 's2', 'rsa', 'waiting for DNS', 's2._domainkey.shop.example'],
      [
        'bücher.example (xn--bcher-kva.example in DNS)',
        's1',
        'rsa',
        'active',
        's1._domainkey.xn--bcher-kva.example',
      ],
      [''],
    ]);
  });

  it('an Ed25519 key alone is said to pass DKIM at many receivers only with an RSA key beside it', async () => {
    const data = await makeTempDir();
    const note =
      'ed.example has no RSA key: many receivers (Gmail and Microsoft 365 among them) do not verify Ed25519 signatures, so its mail passes DKIM there only with an RSA signature beside this one; add an RSA key under another selector, and both sign';
    const ed = await runCli([
      'dkim',
      'keygen',
      'ed.example',
      'e1',
      '--algorithm',
      'ed25519',
      '--data',
      data,
    ]);
    expect(ed.code, ed.stderr).toBe(0);
    expect(ed.stdout).toContain(`\nnote: ${note}\n`);
    expect((await runCli(['dkim', 'list', '--data', data])).stderr).toBe(
      `relaydesk dkim: ${note}\n`,
    );
    // with an RSA key (waiting for DNS counts: it signs once published) both sign: no note
    const rsa = await runCli(['dkim', 'keygen', 'ed.example', 'r1', '--data', data]);
    expect(rsa.stdout).not.toContain('note:');
    expect((await runCli(['dkim', 'list', '--data', data])).stderr).toBe('');
  });

  it('remove deletes without asking, and says what it removed and whether the domain still signs', async () => {
    const data = await makeTempDir();
    const cli = (...args: string[]) => runCli(['dkim', ...args, '--data', data]);
    for (const [domain, selector] of [
      ['shop.example', 'a'],
      ['shop.example', 'b'],
      ['shop.example', 'c'],
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
    // two left: "selectors", as one left is "selector"
    expect(first.stdout).toBe(
      removed('a') + 'mail from shop.example is still signed, with selectors b, c\n',
    );
    expect(() => statSync(join(data, 'dkim', 'private', 'shop.example_a.pem'))).toThrow(/ENOENT/);
    expect((await cli('remove', 'shop.example', 'c')).stdout).toBe(
      removed('c') + 'mail from shop.example is still signed, with selector b\n',
    );
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
    // thirteen CLI runs one after another: on a loaded 2-core machine each can take 2 s
  }, 60_000);

  it.skipIf(!python)(
    'import stores an openssl-made key (OpenDKIM PKCS#1, PKCS#8 RSA, Ed25519), prints the record, and it then signs relayed mail that python3-dkim verifies',
    async () => {
      const data = await makeTempDir();
      const dir = await makeTempDir();
      const openssl = (...args: string[]) => {
        const run = spawnSync('openssl', args, { encoding: 'utf8' });
        expect(run.status, run.stderr).toBe(0);
      };
      const files = {
        // what opendkim-genkey writes: "-----BEGIN RSA PRIVATE KEY-----"
        pkcs1: join(dir, 'mail.private'),
        pkcs8: join(dir, 'pkcs8.pem'),
        ed: join(dir, 'ed.pem'),
      };
      openssl('genrsa', '-traditional', '-out', files.pkcs1, '2048');
      openssl(
        'genpkey',
        '-algorithm',
        'RSA',
        '-pkeyopt',
        'rsa_keygen_bits:2048',
        '-out',
        files.pkcs8,
      );
      openssl('genpkey', '-algorithm', 'ed25519', '-out', files.ed);
      expect(readFileSync(files.pkcs1, 'utf8')).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
      const cli = (...args: string[]) => runCli(['dkim', ...args, '--data', data]);

      const records = new Map<string, string>();
      for (const [selector, file, kind] of [
        ['od', files.pkcs1, 'RSA-2048'],
        ['p8', files.pkcs8, 'RSA-2048'],
        ['ed', files.ed, 'Ed25519'],
      ] as const) {
        const imported = await cli('import', 'imp.example', selector, file);
        expect(imported.code, imported.stderr).toBe(0);
        expect(imported.stdout).toContain(
          `imported the ${kind} key of ${file} as selector ${selector} for imp.example into ${join(data, 'dkim', 'private')}`,
        );
        expect(imported.stdout).toContain(
          `not signing yet, waiting for DNS: publish this TXT record at ${selector}._domainkey.imp.example, then run: relaydesk dkim check imp.example ${selector}\n`,
        );
        const value = /^value: (v=DKIM1; \S+ p=\S+)$/m.exec(imported.stdout)?.[1] as string;
        expect(value, imported.stdout).toBeTruthy();
        records.set(selector, value);
        dns.set(`${selector}._domainkey.imp.example`, { TXT: [value] });
        const check = await cli('check', 'imp.example', selector, '--dns-servers', dns.address);
        expect(check.code, check.stdout + check.stderr).toBe(0);
      }
      expect(records.get('ed')).toMatch(/^v=DKIM1; k=ed25519; p=/);
      expect(statSync(join(data, 'dkim', 'private', 'imp.example_od.pem')).mode & 0o777).toBe(
        0o600,
      );

      const serve = await startServe({
        dataDir: data,
        args: [...relayFlags(upstream.port)],
      });
      const before = upstream.messages.length;
      const transport = nodemailer.createTransport({
        host: '127.0.0.1',
        port: serve.smtp.port,
        ignoreTLS: true,
      });
      await transport.sendMail({
        from: 'app@imp.example',
        to: 'x@example.net',
        subject: 'imported',
        text: 'Signed with keys moved from OpenDKIM.',
      });
      transport.close();
      await expect.poll(() => upstream.messages.length, { timeout: 10_000 }).toBe(before + 1);
      const raw = upstream.messages[before]?.raw as Buffer;
      // python3-dkim (what dkimverify runs), each signature checked against the record printed
      const script =
        'import sys, dkim\nrecords = dict(a.split("=", 1) for a in sys.argv[1:])\n' +
        'msg = sys.stdin.buffer.read()\n' +
        'lookup = lambda n, timeout=5: records[n.decode().split(".")[0]].encode()\n' +
        'print(" ".join(str(dkim.DKIM(msg).verify(idx=i, dnsfunc=lookup)) for i in range(3)))';
      const verified = spawnSync(
        python as string,
        ['-c', script, ...[...records].map(([s, v]) => `${s}=${v}`)],
        { input: raw, encoding: 'utf8' },
      );
      expect(verified.stderr).toBe('');
      expect(verified.stdout.trim()).toBe('True True True');
      await serve.stop();
    },
    // two RSA keys made by openssl, six CLI runs and a relay, one after another
    60_000,
  );

  it('import refuses what the API refuses, naming the file and the fix', async () => {
    const data = await makeTempDir();
    const dir = await makeTempDir();
    const cli = (...args: string[]) => runCli(['dkim', ...args, '--data', data]);
    const file = (name: string) => join(dir, name);
    const make = (...args: string[]) => {
      const run = spawnSync('openssl', args, { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
    };
    make(
      'genpkey',
      '-algorithm',
      'RSA',
      '-pkeyopt',
      'rsa_keygen_bits:2048',
      '-aes-128-cbc',
      '-pass',
      'pass:secret',
      '-out',
      file('enc.pem'),
    );
    make(
      'genpkey',
      '-algorithm',
      'EC',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-out',
      file('ec.pem'),
    );
    make('genrsa', '-out', file('short.pem'), '512');
    make(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      file('k.pem'),
      '-out',
      file('cert.pem'),
      '-subj',
      '/CN=x',
      '-days',
      '1',
    );
    make('pkey', '-in', file('k.pem'), '-outform', 'DER', '-out', file('k.der'));

    for (const [name, words] of [
      [
        'enc.pem',
        'the key is encrypted with a passphrase; import it unencrypted (openssl pkey -in KEY.pem -out PLAIN.pem asks for the passphrase once)',
      ],
      ['ec.pem', 'an EC key cannot sign DKIM; use RSA (2048 bits) or Ed25519'],
      [
        'short.pem',
        'an RSA key of 512 bits is too short for DKIM (RFC 8301); generate one of 2048 bits',
      ],
      ['cert.pem', 'this is a certificate (what openssl req -x509 or a CA gives), the public half'],
      [
        'k.der',
        'this is a DER private key (binary), not PEM text; convert it: openssl pkey -inform DER -in FILE -out KEY.pem',
      ],
    ] as const) {
      const refused = await cli('import', 'imp.example', 's1', file(name));
      expect(refused.code, name).toBe(1);
      expect(refused.stderr, name).toContain(`relaydesk dkim: ${file(name)}: ${words}`);
    }
    const missing = await cli('import', 'imp.example', 's1', file('none.pem'));
    expect(missing.stderr).toBe(
      `relaydesk dkim: ${file('none.pem')}: cannot read it (ENOENT); give the PEM private key file, e.g. OpenDKIM's /etc/opendkim/keys/example.com/mail.private\n`,
    );
    const noFile = await cli('import', 'imp.example', 's1');
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toMatch(/^relaydesk dkim: import needs DOMAIN, SELECTOR and FILE\n/);
    // nothing was stored by the refusals
    expect((await cli('list')).stdout).toBe('');
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
        ...relayFlags(upstream.port),
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

  it.skipIf(process.platform === 'win32')(
    'refuses a key file other users can read, naming the file, its mode and the chmod; a group may read it',
    async () => {
      const dir = await makeTempDir();
      const keyFile = join(dir, 'mail.private');
      // a key written by a script or an editor under umask 022, or a Kubernetes secret volume
      // (defaultMode 0644): anyone on the machine could sign as the domain
      writeFileSync(keyFile, generateDkimKey('rsa'));
      chmodSync(keyFile, 0o644);
      const serve = (file: string) =>
        runCli([
          'serve',
          '--smtp',
          '127.0.0.1:0',
          '--http',
          '127.0.0.1:0',
          '--data',
          dir,
          '--dkim-domain',
          'perm.example',
          '--dkim-selector',
          's1',
          '--dkim-key',
          file,
        ]);
      const open = await serve(keyFile);
      expect(open.code).not.toBe(0);
      expect(open.stderr).toBe(
        `relaydesk: --dkim-key ${keyFile}: other users of this machine can read this private key (mode 644), and sign mail as perm.example with it; run chmod 600 ${JSON.stringify(keyFile)} (or chmod 640 with a group only Relaydesk's user is in)\n`,
      );
      expect(open.stderr).not.toContain('PRIVATE KEY');
      chmodSync(keyFile, 0o660);
      expect((await serve(keyFile)).stderr).toContain(
        'other users of this machine can read or change this private key (mode 660)',
      );
      // root:relaydesk 0640, as OpenDKIM's keys are set up, starts (and is stopped at once)
      chmodSync(keyFile, 0o640);
      const started = await startServe({
        args: ['--dkim-domain', 'perm.example', '--dkim-selector', 's1', '--dkim-key', keyFile],
      });
      expect(started.stderr).not.toContain('private key');
      await started.stop();
    },
  );
});
