// A kept message whose .eml cannot be read (removed behind the relay's back, a folder or a file
// without read permission in its place, a failing disk): the reader learns what happened and
// what follows in its own words, while the log alone keeps the file's path (the local API must
// not hand paths to a web page: http-errors.ts).
import { ReportedFailure } from '../reported-failure.js';

/**
 * The failure of reading message `id`'s file at `path`, as a ReportedFailure that keeps the
 * system error's `code` (readers that skip a message removed meanwhile test it for ENOENT).
 */
export function unreadableMessage(
  id: string,
  path: string,
  err: NodeJS.ErrnoException,
): ReportedFailure {
  const code = err.code ? ` (${err.code})` : '';
  const userMessage =
    err.code === 'ENOENT'
      ? // nothing of ours removes a listed message's .eml alone (removal drops the record with it)
        `the message's file is missing${code}: something outside Relaydesk removed it; it is still listed until you delete it`
      : `the message's file could not be read${code}; it is still listed, and opens once its file can be read again`;
  // a read of a folder says "EISDIR: illegal operation on a directory, read", without the path
  const logged = err.message.includes(path) ? err.message : `${err.message} (${path})`;
  return Object.assign(
    new ReportedFailure(`could not read message ${id}: ${logged}`, userMessage, {
      cause: err,
    }),
    { code: err.code },
  );
}
