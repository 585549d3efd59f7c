// A write that failed for want of room, as opposed to any other failure: the disk (or the
// user's quota) is full, or a file reached the largest size allowed (a FAT32 or exFAT drive's, or
// the process's `ulimit -f`). The client is then told `452 4.3.1` (RFC 3463: mail system full),
// as Postfix answers "Insufficient system storage", and may try again later.
export type StorageFullCode = 'ENOSPC' | 'EDQUOT' | 'EFBIG';

export function isStorageFull(err: unknown): boolean {
  return storageFullCode(err) !== null;
}

export function storageFullCode(err: unknown): StorageFullCode | null {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG' ? code : null;
}

/** What is full, in the user's words: "the disk holding DIR is full (ENOSPC)". */
export function storageFullWords(code: string, dataDir: string): string {
  if (code === 'EDQUOT')
    return `the disk quota of the user running Relaydesk is used up (EDQUOT) on the disk holding ${dataDir}`;
  if (code === 'EFBIG')
    return `a file in ${dataDir} reached the largest size its disk or this process allows (EFBIG)`;
  return `the disk holding ${dataDir} is full (${code})`;
}
