// What an htpasswd line looks like, with no dependency: the CLI asks it of a password file
// without loading the relay's settings or bcrypt.

/** `name:hash` as htpasswd writes it, of any kind it can write. */
export const htpasswdEntry = /^([^:\s]+):(\$2[abxy]?\$\d\d\$|\$apr1\$|\{SSHA\}|\{SHA\}|\$[156]\$)/;

/** Whether the text is meant as an htpasswd file (its first line is `user:hash`). */
export function isHtpasswd(text: string): boolean {
  const first = text.split(/\r?\n/).find((line) => line.trim() !== '');
  return first !== undefined && htpasswdEntry.test(first);
}
