// The service's log lines on standard output. Writes to a file or a pipe are synchronous in Node,
// one system call each, on the thread that answers SMTP; a terminal can be slower still. Under
// load that was a write per audit line, two or three per message (about 2 % of the SMTP
// thread's time when capturing, 3 % when relaying, by --cpu-prof), so the lines of one turn of
// the event loop go out in one write, at its end. Nothing is reordered:
// the other things `serve` prints go through `print`, which writes what is waiting first.
// A kill -9 can lose the lines of the turn it hits; the log files (audit.log, relay.log) have them.
import type { Writable } from 'node:stream';

export interface ConsoleLines {
  /** A log line, stamped with the time it was logged. */
  log(line: string): void;
  /** Text printed as it is (the ready line), after the lines waiting. */
  print(text: string): void;
  /** Writes the lines waiting now. */
  flush(): void;
}

export function consoleLines(
  out: Pick<Writable, 'write'> = process.stdout,
  now: () => Date = () => new Date(),
): ConsoleLines {
  let waiting = '';
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (waiting === '') return;
    const text = waiting;
    waiting = '';
    out.write(text);
  };
  return {
    log(line) {
      waiting += `${now().toISOString()} ${line}\n`;
      if (scheduled) return;
      scheduled = true;
      setImmediate(flush);
    },
    print(text) {
      flush();
      out.write(text);
    },
    flush,
  };
}
