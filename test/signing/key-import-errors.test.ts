// Importing a file that is not a PEM private key: the files people try first (the certificate
// from openssl req -x509, an ssh-keygen or PuTTY key, a DER file, the DNS record, random text),
// made by the real tools where Debian has them. Each is named, with how to get the right file,
// instead of OpenSSL's "DECODER routines::unsupported"; none of the file is echoed back.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DkimKeyStore } from '../../main/core/signing/key-store.js';
import { OwnerOnlyFileVault } from '../../main/core/signing/key-vault.js';
import { requireTool, tools } from '../helpers/system-tools.js';

const openssl = requireTool(tools.openssl);
const sshKeygen = requireTool(tools.sshKeygen);

let dir: string;
let store: DkimKeyStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relaydesk-import-'));
  store = new DkimKeyStore(join(dir, 'dkim'), new OwnerOnlyFileVault(join(dir, 'dkim', 'private')));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The refusal of `text` as an imported key; it must quote no line of the file but its BEGIN. */
async function refusal(text: string): Promise<string> {
  const failure = await store
    .add({ domain: 'shop.example', selector: 's1', privateKey: text })
    .then(
      () => null,
      (err: Error) => err.message,
    );
  expect(failure).not.toBeNull();
  const message = failure as string;
  expect(message).not.toContain('DECODER');
  for (const line of text.split('\n').filter((l) => l.length >= 16 && !l.startsWith('-----'))) {
    expect(message).not.toContain(line.slice(0, 16));
  }
  expect(await store.list()).toEqual([]);
  return message;
}

describe('importing a file that is not a PEM private key', () => {
  it.skipIf(!openssl)('a certificate from openssl req -x509 is the public half', async () => {
    execFileSync(
      openssl as string,
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=mail.shop.example',
        '-days',
        '1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    expect(await refusal(await readFile(join(dir, 'cert.pem'), 'utf8'))).toBe(
      'privateKey: this is a certificate (what openssl req -x509 or a CA gives), the public half; DKIM uses no certificate: give the private key it was made with (the -keyout file): the private key in PEM ("-----BEGIN PRIVATE KEY-----" or "-----BEGIN RSA PRIVATE KEY-----"; for OpenDKIM, the file its KeyTable names, such as /etc/opendkim/keys/example.com/mail.private)',
    );
    // the key and its certificate in one file (a web server's bundle) is a key: it imports
    const bundle =
      (await readFile(join(dir, 'cert.pem'), 'utf8')) +
      (await readFile(join(dir, 'key.pem'), 'utf8'));
    expect(
      (await store.add({ domain: 'shop.example', selector: 'b', privateKey: bundle })).bits,
    ).toBe(2048);
  });

  it.skipIf(!openssl)(
    'a DER key or certificate given as a --dkim-key file names the command that converts it',
    async () => {
      execFileSync(
        openssl as string,
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-subj',
          '/CN=x',
          '-days',
          '1',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
      execFileSync(openssl as string, [
        'pkey',
        '-in',
        join(dir, 'key.pem'),
        '-outform',
        'DER',
        '-out',
        join(dir, 'key.der'),
      ]);
      execFileSync(openssl as string, [
        'x509',
        '-in',
        join(dir, 'cert.pem'),
        '-outform',
        'DER',
        '-out',
        join(dir, 'cert.der'),
      ]);
      const load = (keyFile: string) =>
        new DkimKeyStore(
          join(dir, 'dkim'),
          new OwnerOnlyFileVault(join(dir, 'dkim', 'private')),
        ).load([{ domain: 'shop.example', selector: 's1', keyFile }]);
      await expect(load(join(dir, 'key.der'))).rejects.toThrow(
        `--dkim-key ${join(dir, 'key.der')}: this is a DER private key (binary), not PEM text; convert it: openssl pkey -inform DER -in FILE -out KEY.pem, then give KEY.pem`,
      );
      await expect(load(join(dir, 'cert.der'))).rejects.toThrow(
        `--dkim-key ${join(dir, 'cert.der')}: this is a certificate in DER (binary), the public half; DKIM uses no certificate: give the private key in PEM`,
      );
      // pasted or sent as text, the bytes are mangled: the words still say what to do
      expect(await refusal(await readFile(join(dir, 'key.der'), 'utf8'))).toBe(
        'privateKey: this is a binary file (DER or PKCS#12), not PEM text; convert it: openssl pkey -inform DER -in FILE -out KEY.pem (a .p12 or .pfx: openssl pkcs12 -in FILE -nocerts -nodes -out KEY.pem), then give KEY.pem',
      );
    },
  );

  it.skipIf(!sshKeygen)(
    'an ssh-keygen key: an RSA one converts with ssh-keygen -p -m PEM, an Ed25519 one does not',
    async () => {
      for (const type of ['rsa', 'ed25519']) {
        execFileSync(sshKeygen as string, [
          '-q',
          '-t',
          type,
          '-N',
          '',
          '-C',
          'x',
          '-f',
          join(dir, type),
        ]);
      }
      expect(await refusal(await readFile(join(dir, 'rsa'), 'utf8'))).toBe(
        `privateKey: this is an OpenSSH private key (ssh-keygen's format), which OpenSSL cannot read; convert a copy to PEM in place: cp KEY COPY && ssh-keygen -p -m PEM -f COPY (it writes "-----BEGIN RSA PRIVATE KEY-----"), then give COPY; a fresh DKIM key is better than reusing a login key`,
      );
      expect(await refusal(await readFile(join(dir, 'ed25519'), 'utf8'))).toBe(
        `privateKey: this is an OpenSSH private key (ssh-keygen's format), which OpenSSL cannot read; an Ed25519 SSH key cannot be converted to PEM (ssh-keygen -m PEM keeps its own format for it): generate a DKIM key here instead`,
      );
      expect(await refusal(await readFile(join(dir, 'rsa.pub'), 'utf8'))).toMatch(
        /^privateKey: this is an SSH public key \(ssh-keygen's \.pub file\), and SSH keys are not DKIM keys/,
      );
      // what the advice says works: the converted copy imports
      execFileSync(sshKeygen as string, [
        '-q',
        '-p',
        '-m',
        'PEM',
        '-N',
        '',
        '-P',
        '',
        '-f',
        join(dir, 'rsa'),
      ]);
      const converted = await readFile(join(dir, 'rsa'), 'utf8');
      expect(converted).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
      expect(
        (await store.add({ domain: 'shop.example', selector: 'ssh', privateKey: converted }))
          .algorithm,
      ).toBe('rsa');
    },
  );

  it('a PuTTY key, the DNS record, a key without its BEGIN line, and random text', async () => {
    const ppk = [
      'PuTTY-User-Key-File-3: ssh-rsa',
      'Encryption: none',
      'Comment: rsa-key-20260101',
      'Public-Lines: 1',
      'AAAAB3NzaC1yc2EAAAADAQABAAABAQDdeadbeefdeadbeef',
      'Private-Lines: 1',
      'AAABAQCsecretsecretsecretsecretsecretsecretsecret',
      'Private-MAC: 0123456789abcdef0123456789abcdef',
    ].join('\n');
    expect(await refusal(ppk)).toBe(
      'privateKey: this is a PuTTY key (.ppk); convert it to PEM: puttygen FILE.ppk -O private-openssh -o KEY.pem (it writes "-----BEGIN RSA PRIVATE KEY-----"), then give KEY.pem; a fresh DKIM key is better than reusing a login key',
    );
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const p = pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    expect(await refusal(`v=DKIM1; k=rsa; p=${p}`)).toMatch(
      /^privateKey: this is a DKIM DNS record, which holds the public key only; give the private key in PEM/,
    );
    expect(await refusal(p)).toMatch(
      /^privateKey: this is a public key in base64 \(the p= value of a DKIM record\)/,
    );
    const pem = pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const body = pem
      .split('\n')
      .filter((l) => !l.startsWith('-----'))
      .join('\n');
    expect(await refusal(body)).toBe(
      'privateKey: this is a private key without its "-----BEGIN PRIVATE KEY-----" and "-----END PRIVATE KEY-----" lines; give the whole PEM file, with both lines',
    );
    // a line lost in copying
    const lines = pem.split('\n');
    expect(await refusal([...lines.slice(0, 5), ...lines.slice(7)].join('\n'))).toBe(
      'privateKey: the "PRIVATE KEY" block cannot be read: it is damaged or cut short (a line lost in copying?); copy the whole file again, from its "-----BEGIN" line to its "-----END" line',
    );
    expect(await refusal('selector: mail2026\ndomain: shop.example\n')).toBe(
      'privateKey: this is not a key file: it has no "-----BEGIN … PRIVATE KEY-----" line; give the private key in PEM ("-----BEGIN PRIVATE KEY-----" or "-----BEGIN RSA PRIVATE KEY-----"; for OpenDKIM, the file its KeyTable names, such as /etc/opendkim/keys/example.com/mail.private)',
    );
  });
});
