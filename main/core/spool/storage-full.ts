// A write that failed because the disk (or the user's quota) is full, as opposed to any other
// failure: the client is then told `452 4.3.1` (RFC 3463: mail system full), as Postfix answers
// "Insufficient system storage", and may try again later.
export function isStorageFull(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}
