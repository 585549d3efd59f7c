// The certificate for STARTTLS and the implicit-TLS listener: the user's files (--tls-cert,
// --tls-key), or a self-signed one made at first run and kept in the data folder (`tls/`), so
// clients that pin it keep working across restarts. Its SHA-256 fingerprint is printed at start
// and shown in /api/v1/info, so a user can compare what a client sees.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { makeFolder } from '../spool/durable-file.js';
import { join } from 'node:path';
import { SettingsError } from '../settings/settings-schema.js';
import { writeFilesDurably } from '../spool/durable-file.js';

export interface TlsMaterial {
  cert: string;
  key: string;
  /** SHA-256 of the certificate, colon-separated hex (as openssl and browsers show it). */
  fingerprint256: string;
  subject: string;
  validTo: string;
  source: 'files' | 'self-signed';
  /** Where the certificate came from. */
  certPath: string;
}

async function readPem(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new SettingsError(
      `${flag}: cannot read ${JSON.stringify(path)} (${code}); give the path of a PEM file`,
    );
  }
}

function describe(
  cert: string,
  key: string,
  source: TlsMaterial['source'],
  certPath: string,
  names: { cert: string; key: string },
): TlsMaterial {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (err) {
    throw new SettingsError(
      `${names.cert}: ${JSON.stringify(certPath)} is not a PEM certificate (${(err as Error).message})`,
    );
  }
  try {
    if (!x509.checkPrivateKey(createPrivateKey(key))) {
      throw new Error('the key does not belong to the certificate');
    }
  } catch (err) {
    throw new SettingsError(
      `${names.key}: not the private key of ${JSON.stringify(certPath)} (${(err as Error).message}); give the matching key`,
    );
  }
  return {
    cert,
    key,
    fingerprint256: x509.fingerprint256,
    subject: x509.subject.replace(/\n/g, ', '),
    validTo: new Date(x509.validTo).toISOString(),
    source,
    certPath,
  };
}

export async function loadTlsMaterial(input: {
  tlsCert: string | null;
  tlsKey: string | null;
  dataDir: string;
  hostname: string;
}): Promise<TlsMaterial> {
  const names = { cert: '--tls-cert', key: '--tls-key' };
  if (input.tlsCert || input.tlsKey) {
    if (!input.tlsCert || !input.tlsKey) {
      throw new SettingsError(
        input.tlsCert
          ? '--tls-cert is given without --tls-key; give both, or neither for a self-signed certificate'
          : '--tls-key is given without --tls-cert; give both, or neither for a self-signed certificate',
      );
    }
    const [cert, key] = await Promise.all([
      readPem(input.tlsCert, names.cert),
      readPem(input.tlsKey, names.key),
    ]);
    return describe(cert, key, 'files', input.tlsCert, names);
  }
  const folder = join(input.dataDir, 'tls');
  const certPath = join(folder, 'self-signed-cert.pem');
  const keyPath = join(folder, 'self-signed-key.pem');
  const stored = { cert: 'self-signed certificate', key: 'self-signed key' };
  try {
    const [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
    return describe(cert, key, 'self-signed', certPath, stored);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  // P-256: generated in milliseconds (RSA-2048 takes seconds in pure JS); every TLS client we
  // know accepts it
  const now = new Date();
  // loaded only when a certificate is made (first run), not at every start
  const { default: selfsigned } = await import('selfsigned');
  const pems = await selfsigned.generate([{ name: 'commonName', value: input.hostname }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + 10 * 365 * 24 * 3_600_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: input.hostname },
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  await makeFolder(folder);
  // the key first: a crash between the two renames leaves no certificate without its key
  await writeFilesDurably([
    { path: keyPath, data: pems.private },
    { path: certPath, data: pems.cert },
  ]);
  return describe(pems.cert, pems.private, 'self-signed', certPath, stored);
}
