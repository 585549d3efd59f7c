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
  // SQLite's own word for it (the index): "database or disk is full"
  if (code === 'SQLITE_FULL') return 'ENOSPC';
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

/**
 * What follows for new mail, in the log's and the window's words. A file size limit is no full
 * disk: only mail that makes a file pass it is refused, and freeing space does not help (it said
 * "until space is freed" and "every new message gets 452" while smaller messages were taken).
 */
export function storageFullRefusal(code: StorageFullCode): {
  /** After "so": who gets the 452. */
  refused: string;
  /** The log line's end, after what is full. */
  logged: string;
  /** The audit line's reason. */
  reason: string;
  /** What the user can do. */
  fix: string;
} {
  if (code === 'EFBIG') {
    const refused = 'mail that would make a file pass that size gets 452 4.3.1 (try again later)';
    const fix =
      'keep messages below that size (--max-size), or raise the limit (the ulimit -f of the process running Relaydesk, or a disk that takes files larger than FAT32’s 4 GB); freeing space does not help';
    return {
      refused,
      reason: 'file too large',
      fix,
      logged: `${refused}: ${fix}`,
    };
  }
  return {
    refused: 'every new message gets 452 4.3.1 (try again later)',
    reason: code === 'EDQUOT' ? 'disk quota full' : 'disk full',
    fix: 'delete messages here or free space on that disk',
    logged: 'new mail gets 452 4.3.1 until space is freed',
  };
}

/**
 * A start or a stop that failed for want of room, said with the disk and what follows (else the
 * user read only "ENOSPC: no space left on device, write"); null for any other failure. Nothing
 * is lost either way: what was not yet written out stays in the journals, read at the next start.
 */
export function storageFullFailure(
  moment: 'start' | 'stop',
  err: unknown,
  dataDir: string,
): Error | null {
  const code = storageFullCode(err);
  if (!code) return null;
  const words = storageFullWords(code, dataDir);
  return new Error(
    moment === 'start'
      ? `--data: ${words}: Relaydesk needs room there to start (it first writes out what it received before it stopped). Free space on that disk, then start again; no message is lost`
      : `${words}: what was not yet written into the message files stays in the journals, and the next start writes it out (free space on that disk first); no message is lost`,
    { cause: err },
  );
}
