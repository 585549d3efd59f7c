// An htpasswd file (`user:hash` per line), as Mailpit's --ui-auth-file and --send-api-auth-file
// and MailHog's -auth-file take: someone moving from them keeps the file they have. bcrypt
// (`htpasswd -B`, what Mailpit's documentation uses) and SHA-1 (`{SHA}`, `htpasswd -s`) are
// verified; the other kinds htpasswd can write are refused at start with the command that makes
// a usable line, rather than failing every login later.
import { createHash, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { SettingsError } from '../settings/settings-schema.js';
import { htpasswdEntry } from './htpasswd-line.js';

const bcryptHash = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;
const shaHash = /^\{SHA\}[A-Za-z0-9+/]{27}=$/;
/** bcrypt's cost is a power of two: a file asking 2^31 rounds must not make each login spin. */
const maxBcryptCost = 14;

export interface HtpasswdUsers {
  /** Whether this user name and password match a line of the file. */
  verify(user: string, password: string): Promise<boolean>;
}

/** The users of an htpasswd file; a SettingsError naming `flag`, the line and the fix. */
export function parseHtpasswd(text: string, flag: string, file: string): HtpasswdUsers {
  const users = new Map<string, string>();
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const at = `${flag}: ${JSON.stringify(file)} line ${index + 1}`;
    if (!htpasswdEntry.test(line)) {
      throw new SettingsError(
        `${at} is not user:hash as htpasswd writes it; make each line with htpasswd -B FILE USER`,
      );
    }
    const colon = line.indexOf(':');
    const user = line.slice(0, colon);
    const hash = line.slice(colon + 1).trim();
    const cost = bcryptHash.exec(hash)?.[1];
    if (cost !== undefined && Number(cost) > maxBcryptCost) {
      throw new SettingsError(
        `${at} (${user}): bcrypt cost ${Number(cost)} is more than ${maxBcryptCost} (each login would take seconds); make the line again with htpasswd -B -C 10`,
      );
    }
    if (cost === undefined && !shaHash.test(hash)) {
      throw new SettingsError(
        `${at} (${user}): this kind of hash is not read here (Apache MD5, crypt or salted SHA); make the line again with bcrypt: htpasswd -B FILE ${user}`,
      );
    }
    users.set(user, hash);
  });
  // a user not in the file still costs one bcrypt check, so the answer's time does not tell
  // which names exist
  const decoy = [...users.values()].find((hash) => bcryptHash.test(hash));
  return {
    async verify(user, password) {
      const hash = users.get(user);
      if (hash === undefined) {
        if (decoy) await bcrypt.compare(password, decoy);
        return false;
      }
      if (hash.startsWith('{SHA}')) {
        const given = createHash('sha1').update(password, 'utf8').digest();
        return timingSafeEqual(given, Buffer.from(hash.slice(5), 'base64'));
      }
      return bcrypt.compare(password, hash);
    },
  };
}
