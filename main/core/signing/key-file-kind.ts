// What a file given as a DKIM private key is when OpenSSL cannot read it as one, and how to get
// the right file. OpenSSL says only "DECODER routines::unsupported" for all of these, and they
// are the common first tries of someone moving from OpenDKIM: the certificate next to the key,
// an SSH key, a PuTTY .ppk, a DER file, the DNS record. The words name the kind and the fix
// and never quote the file: its contents may be key material.
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';

/** Where OpenDKIM keeps the file to give (its KeyTable's third field names it). */
const openDkimKey =
  'for OpenDKIM, the file its KeyTable names, such as /etc/opendkim/keys/example.com/mail.private';

/** The file to give: the fix that ends most of the messages below. */
const privateKeyFile = `the private key in PEM ("-----BEGIN PRIVATE KEY-----" or "-----BEGIN RSA PRIVATE KEY-----"; ${openDkimKey})`;
const privateKeyWanted = `give ${privateKeyFile}`;

/** A PEM label we may name back: only the words of a BEGIN line, never what follows it. */
const pemLabel = /-----BEGIN ([A-Z0-9 ]{1,40})-----/;

/**
 * Why `text`, which OpenSSL could not read as a private key, is not one, in words for the
 * caller: what it is and what to give instead.
 */
export function notAPrivateKey(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return `it is empty; ${privateKeyWanted}`;
  // read as text, a DER or PKCS#12 file has bytes that are not UTF-8 (or NULs)
  // eslint-disable-next-line no-control-regex
  if (/[\uFFFD\u0000-\u0008\u000E-\u001F]/.test(trimmed)) return binaryAdvice;
  const putty = /^PuTTY-User-Key-File-\d+: *([a-z0-9-]+)/m.exec(trimmed);
  if (putty) return puttyAdvice(putty[1] ?? '');
  if (/^-----BEGIN OPENSSH PRIVATE KEY-----/m.test(trimmed)) return openSshAdvice(trimmed);
  if (
    /^---- BEGIN SSH2 PUBLIC KEY ----/m.test(trimmed) ||
    /^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-\S+) AAAA/m.test(trimmed)
  ) {
    return `this is an SSH public key (ssh-keygen's .pub file), and SSH keys are not DKIM keys; generate a DKIM key here instead, or ${privateKeyWanted}`;
  }
  if (/^v=DKIM1\b|;\s*p=[A-Za-z0-9+/]/.test(trimmed)) {
    return `this is a DKIM DNS record, which holds the public key only; ${privateKeyWanted}`;
  }
  const label = pemLabel.exec(trimmed)?.[1];
  if (label === undefined) return bareText(trimmed);
  if (/PRIVATE KEY$/.test(label) && !/^(PGP|SSH2|OPENSSH)\b/.test(label)) {
    // a private key block OpenSSL could not read: it reads every well-formed one
    return `the "${label}" block cannot be read: it is damaged or cut short (a line lost in copying?); copy the whole file again, from its "-----BEGIN" line to its "-----END" line`;
  }
  if (/^(TRUSTED |X509 )?CERTIFICATE$/.test(label)) {
    return `this is a certificate (what openssl req -x509 or a CA gives), the public half; DKIM uses no certificate: give the private key it was made with (the -keyout file): ${privateKeyFile}`;
  }
  if (/CERTIFICATE REQUEST$/.test(label)) {
    return `this is a certificate request (CSR), not a key; give the private key it was made with (the -keyout file), or generate a DKIM key here`;
  }
  if (/^(RSA )?PUBLIC KEY$/.test(label)) {
    return `this is a public key; ${privateKeyWanted}: the public half is worked out from it`;
  }
  if (/^PGP /.test(label)) {
    return `this is an OpenPGP (gpg) key, which cannot sign DKIM; generate a DKIM key here, or ${privateKeyWanted}`;
  }
  return `this is a PEM "${label}" block, not a private key; ${privateKeyWanted}`;
}

const binaryAdvice = `this is a binary file (DER or PKCS#12), not PEM text; convert it: openssl pkey -inform DER -in FILE -out KEY.pem (a .p12 or .pfx: openssl pkcs12 -in FILE -nocerts -nodes -out KEY.pem), then give KEY.pem`;

/**
 * A DER file read as bytes (`--dkim-key FILE`): which of the three it is, so the one command
 * that converts it is named.
 */
export function binaryKeyFileAdvice(bytes: Buffer): string {
  for (const type of ['pkcs8', 'pkcs1', 'sec1'] as const) {
    try {
      createPrivateKey({ key: bytes, format: 'der', type });
      return 'this is a DER private key (binary), not PEM text; convert it: openssl pkey -inform DER -in FILE -out KEY.pem, then give KEY.pem';
    } catch {
      // not this encoding
    }
  }
  try {
    new X509Certificate(bytes);
    return `this is a certificate in DER (binary), the public half; DKIM uses no certificate: ${privateKeyWanted}`;
  } catch {
    // not a certificate
  }
  return binaryAdvice;
}

/** Whether bytes read from a key file are not text (DER, PKCS#12). */
export function isBinaryKeyFile(bytes: Buffer): boolean {
  // a PEM file is ASCII; DER (a SEQUENCE, 0x30, then its length) has bytes UTF-8 cannot read
  return bytes.includes(0) || bytes.toString('utf8').includes('\uFFFD');
}

function puttyAdvice(type: string): string {
  const what = `this is a PuTTY key (.ppk)`;
  if (type === 'ssh-rsa') {
    return `${what}; convert it to PEM: puttygen FILE.ppk -O private-openssh -o KEY.pem (it writes "-----BEGIN RSA PRIVATE KEY-----"), then give KEY.pem; a fresh DKIM key is better than reusing a login key`;
  }
  return `${what} of type ${type}, which PuTTY cannot write as a PEM key DKIM can use; generate a DKIM key here instead`;
}

function openSshAdvice(text: string): string {
  const what = "this is an OpenSSH private key (ssh-keygen's format), which OpenSSL cannot read";
  const { type, encrypted } = openSshKeyType(text);
  if (type === 'ssh-rsa') {
    return `${what}; convert a copy to PEM in place: cp KEY COPY && ssh-keygen -p -m PEM -f COPY (it writes "-----BEGIN RSA PRIVATE KEY-----"${encrypted ? '; give an empty new passphrase' : ''}), then give COPY; a fresh DKIM key is better than reusing a login key`;
  }
  if (type === 'ssh-ed25519') {
    // ssh-keygen -p -m PEM leaves an Ed25519 key in its own format, and openssl pkey cannot
    // read it (OpenSSH 9.2, OpenSSL 3.0): there is no converting it
    return `${what}; an Ed25519 SSH key cannot be converted to PEM (ssh-keygen -m PEM keeps its own format for it): generate a DKIM key here instead`;
  }
  return `${what}; for an RSA key: cp KEY COPY && ssh-keygen -p -m PEM -f COPY converts the copy to PEM, then give COPY; otherwise generate a DKIM key here`;
}

/**
 * The key type of an OpenSSH private key, from its unencrypted public part: "openssh-key-v1\0",
 * then the cipher, the KDF, its options, the number of keys and the first public key, whose
 * first string is its type (PROTOCOL.key in OpenSSH's sources).
 */
function openSshKeyType(text: string): { type: string | null; encrypted: boolean } {
  const body =
    /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(
      text,
    )?.[1];
  const bytes = Buffer.from((body ?? '').replace(/\s+/g, ''), 'base64');
  const magic = Buffer.from('openssh-key-v1\0');
  if (!bytes.subarray(0, magic.length).equals(magic)) return { type: null, encrypted: false };
  let at = magic.length;
  const string = (): Buffer | null => {
    if (at + 4 > bytes.length) return null;
    const length = bytes.readUInt32BE(at);
    if (at + 4 + length > bytes.length) return null;
    const value = bytes.subarray(at + 4, at + 4 + length);
    at += 4 + length;
    return value;
  };
  const cipher = string()?.toString('latin1');
  string(); // KDF
  string(); // KDF options
  at += 4; // number of keys
  const publicKey = string();
  const encrypted = cipher !== undefined && cipher !== 'none';
  if (!publicKey || publicKey.length < 4) return { type: null, encrypted };
  const type = publicKey.subarray(4, 4 + publicKey.readUInt32BE(0)).toString('latin1');
  return { type: /^[a-z0-9@.-]{1,64}$/.test(type) ? type : null, encrypted };
}

/**
 * Text with no PEM block: base64 alone is most often a key or the p= value copied without its
 * "-----BEGIN" and "-----END" lines; anything else is not a key file at all.
 */
function bareText(text: string): string {
  const compact = text.replace(/\s+/g, '');
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(compact) && compact.length >= 64) {
    const der = Buffer.from(compact, 'base64');
    for (const [type, label] of [
      ['pkcs8', 'PRIVATE KEY'],
      ['pkcs1', 'RSA PRIVATE KEY'],
    ] as const) {
      try {
        createPrivateKey({ key: der, format: 'der', type });
        return `this is a private key without its "-----BEGIN ${label}-----" and "-----END ${label}-----" lines; give the whole PEM file, with both lines`;
      } catch {
        // not this encoding
      }
    }
    try {
      createPublicKey({ key: der, format: 'der', type: 'spki' });
      return `this is a public key in base64 (the p= value of a DKIM record); ${privateKeyWanted}`;
    } catch {
      // not a public key either
    }
  }
  return `this is not a key file: it has no "-----BEGIN … PRIVATE KEY-----" line; ${privateKeyWanted}`;
}
