// What changes when a file is written or replaced (its inode, size and times): the files read
// again while Relaydesk runs (the relay password file, the upstream's CA file, the users file)
// are read again only when it differs from the last read's.
import type { Stats } from 'node:fs';

export const fileSignature = (s: Stats): string => `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
