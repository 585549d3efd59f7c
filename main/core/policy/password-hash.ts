// Password hashes for SMTP users and the UI password: scrypt (RFC 7914) from node:crypto, with a
// random salt per hash, stored as `scrypt$<log2 N>$<r>$<p>$<salt b64>$<hash b64>` so the cost can
// rise later without breaking stored hashes. Verification compares in constant time.
import {
  randomBytes,
  scrypt as scryptCallback,
  timingSafeEqual,
  type ScryptOptions,
} from 'node:crypto';

const defaultCost = { logN: 15, r: 8, p: 1 };
const keyLength = 32;
/** The largest cost we accept from a stored hash: a hostile file must not make us spin. */
const maxLogN = 20;

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(password.normalize('NFC'), salt, keyLength, options, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

function optionsFor(logN: number, r: number, p: number): ScryptOptions {
  const N = 2 ** logN;
  // scrypt needs 128 * N * r bytes; node's default maxmem (32 MiB) is exactly too small for N=2^15
  return { N, r, p, maxmem: 256 * N * r + 1024 * 1024 };
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const { logN, r, p } = defaultCost;
  const key = await scrypt(password, salt, optionsFor(logN, r, p));
  return `scrypt$${logN}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

interface ParsedHash {
  logN: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function parseHash(hash: string): ParsedHash | null {
  const match =
    /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(hash);
  if (!match) return null;
  const [logN, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (logN < 10 || logN > maxLogN || r < 1 || r > 32 || p < 1 || p > 16) return null;
  const key = Buffer.from(match[5] as string, 'base64');
  if (key.length !== keyLength) return null;
  return { logN, r, p, salt: Buffer.from(match[4] as string, 'base64'), key };
}

export function isPasswordHash(text: string): boolean {
  return parseHash(text) !== null;
}

/** A hash of no password anyone knows: verified against when the user does not exist. */
let decoy: Promise<string> | null = null;

/**
 * Whether `password` matches `hash`. With `hash` null (no such user) the same work is done
 * against a decoy, so the answer time does not tell which user names exist.
 */
export async function verifyPassword(password: string, hash: string | null): Promise<boolean> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  const parsed = parseHash(hash ?? (await decoy));
  if (!parsed) return false;
  const key = await scrypt(password, parsed.salt, optionsFor(parsed.logN, parsed.r, parsed.p));
  return timingSafeEqual(key, parsed.key) && hash !== null;
}
