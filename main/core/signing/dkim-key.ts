// DKIM key material: generating RSA-2048 or Ed25519 keys, reading an imported PEM, and the
// public half as the p= value of the DNS record (RFC 6376 §3.6.1; RFC 8463 §4 for Ed25519,
// whose p= is the raw 32-byte key, not the SubjectPublicKeyInfo RSA uses).
import { CallerError } from '../caller-error.js';
import { notAPrivateKey } from './key-file-kind.js';
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';

import type { DkimAlgorithm } from '../../../preload/auth-contract.js';

export type { DkimAlgorithm } from '../../../preload/auth-contract.js';

export class DkimKeyError extends CallerError {
  override name = 'DkimKeyError';
}

/** RFC 8301 §3.2: RSA keys under 1024 bits must not be used; 2048 is what providers ask for. */
const minimumRsaBits = 1024;

export function generateDkimKey(algorithm: DkimAlgorithm): string {
  const pair =
    algorithm === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ed25519');
  return pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

/** Reads a PEM private key; says what is wrong with it in words. */
export function readPrivateKey(
  pem: string,
  what: string,
): { key: KeyObject; algorithm: DkimAlgorithm } {
  // OpenSSL's own words ("interrupted or cancelled": it wanted a passphrase) do not say what
  // to do, and an encrypted key is a common first try
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(pem)) {
    throw new DkimKeyError(
      `${what}: the key is encrypted with a passphrase; import it unencrypted (openssl pkey -in KEY.pem -out PLAIN.pem asks for the passphrase once)`,
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    // OpenSSL says "DECODER routines::unsupported" for a certificate, an SSH or PuTTY key and
    // plain text alike: say which it is and how to get the key
    throw new DkimKeyError(`${what}: ${notAPrivateKey(pem)}`);
  }
  if (key.asymmetricKeyType === 'ed25519') return { key, algorithm: 'ed25519' };
  if (key.asymmetricKeyType !== 'rsa') {
    const type = (key.asymmetricKeyType ?? 'unknown').toUpperCase();
    throw new DkimKeyError(
      `${what}: ${/^[AEIOU]/.test(type) ? 'an' : 'a'} ${type} key cannot sign DKIM; use RSA (2048 bits) or Ed25519`,
    );
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < minimumRsaBits) {
    throw new DkimKeyError(
      `${what}: an RSA key of ${bits} bits is too short for DKIM (RFC 8301); generate one of 2048 bits`,
    );
  }
  return { key, algorithm: 'rsa' };
}

/** The p= value: base64 of the public key as DKIM wants it for the algorithm. */
export function publicKeyValue(privateKeyPem: string): string {
  const { key, algorithm } = readPrivateKey(privateKeyPem, 'key');
  const pub = createPublicKey(key);
  if (algorithm === 'rsa') return pub.export({ format: 'der', type: 'spki' }).toString('base64');
  // the last 32 bytes of the Ed25519 SubjectPublicKeyInfo are the raw key
  const der = pub.export({ format: 'der', type: 'spki' });
  return der.subarray(der.length - 32).toString('base64');
}
