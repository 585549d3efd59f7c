// The last lines of a log file, read back when the service starts: the Logs view and the log API
// showed only what this run had written, so after a restart (a crash, an update, a reboot) the
// deferrals and refusals that led to it were in relay.log and audit.log but not where the user
// looks, as `tail` on the file would show them.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export interface LoggedLine {
  at: Date;
  line: string;
}

/** Enough of a file's end for a thousand lines of any of our logs (a relay line is ~250 bytes). */
const tailBytes = 384 * 1024;
/** A line as RotatingLog writes it: its ISO time, a space, the line. */
const stampedLine = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (.+)$/;

/**
 * The newest `keep` lines of the log at `path`, oldest first, with the time each was written.
 * When the file holds fewer (it was rotated a moment ago), the newest of `path.1` come before
 * them. A line cut short by a crash mid-write, or not in our shape (edited by hand), is skipped;
 * a file that is not there yet gives none.
 */
export function readLogTail(path: string, keep: number): LoggedLine[] {
  if (keep <= 0) return [];
  const newest = linesAtEnd(path);
  const lines = newest.length >= keep ? newest : [...linesAtEnd(`${path}.1`), ...newest];
  return lines.slice(-keep);
}

function linesAtEnd(path: string): LoggedLine[] {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, tailBytes);
    const bytes = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const n = readSync(fd, bytes, read, length - read, size - length + read);
      if (n === 0) break;
      read += n;
    }
    const text = bytes.subarray(0, read).toString('utf8').split('\n');
    // begun mid-file: the first piece is the end of a line whose start was not read
    if (length < size) text.shift();
    // after the last newline: nothing, or a line a crash cut short
    text.pop();
    const lines: LoggedLine[] = [];
    for (const piece of text) {
      const [, at, line] = stampedLine.exec(piece) ?? [];
      if (at !== undefined && line !== undefined) lines.push({ at: new Date(at), line });
    }
    return lines;
  } finally {
    closeSync(fd);
  }
}
