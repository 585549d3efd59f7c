// The relay's three log files and their recent lines: relay.log (one line per delivery attempt,
// Postfix-style), audit.log (who was let in or refused, and saved settings) and service.log (the
// app's own notes: its start, the index, the journals, a quarantined file, a failure). Each line
// also goes to the Logs view's memory and, as a `log` event, to whoever watches the service; at
// the start, that memory gets the files' last lines, written before the restart.
//
// The service's notes were on the console only, which the desktop app has none of: a sidecar
// moved to quarantine, a journal that could not be folded or an index rebuilt was said where its
// user could not see it.
import { join } from 'node:path';
import type { LogKind, LogLines, RelaydeskEvent } from '../../../preload/api-contract.js';
import { isAuditLine, RecentLog } from '../log-view/recent-log.js';
import { formatLogLine, type LogRecord } from './log-record.js';
import { readLogTail } from './log-tail.js';
import { RotatingLog, type RotationSettings } from './rotating-log.js';

/** How many recent lines of each kind the API can show. */
const recentLines = 1000;

export interface RelayLogOptions {
  dataDir: string;
  rotation: RotationSettings;
  now: () => number;
  publish: (event: Extract<RelaydeskEvent, { Type: 'log' }>) => void;
  /** The service's log (console, headless output): also told when a log file fails. */
  log: (entry: string | LogRecord) => void;
}

export class RelayLog {
  private readonly recent = new RecentLog(recentLines);
  private readonly files: Record<LogKind, RotatingLog>;
  /** Set while relay() hands its line to the service's log, which passes it back to noteRecord. */
  private relaying = false;

  constructor(private readonly options: RelayLogOptions) {
    const fileError = (message: string): void => options.log(`log: ${message}`);
    const file = (name: string): RotatingLog =>
      new RotatingLog(join(options.dataDir, name), options.rotation, fileError);
    this.files = {
      relay: file('relay.log'),
      audit: file('audit.log'),
      service: file('service.log'),
    };
    // what the files held before this start, so the view does not begin empty at each restart
    for (const [kind, log] of Object.entries(this.files) as Array<[LogKind, RotatingLog]>) {
      try {
        for (const { at, line } of readLogTail(log.path, recentLines))
          this.recent.add(kind, line, at);
      } catch (err) {
        fileError(`could not read the last lines of ${log.path}: ${(err as Error).message}`);
      }
    }
  }

  /** A delivery attempt's record (or a queue note): the service log, relay.log and the Logs view. */
  relay(entry: string | LogRecord): void {
    this.relaying = true;
    try {
      this.options.log(entry);
    } finally {
      this.relaying = false;
    }
    this.write('relay', typeof entry === 'string' ? entry : formatLogLine(entry));
  }

  /**
   * Every record of the service's log passes here. Audit records (whoever writes them: the SMTP
   * listener, the HTTP basic auth, a settings save) go to audit.log, notes to service.log; a
   * message's own line (`<id>: from=<…>, size=…`, one per message) to neither, as before.
   */
  noteRecord(record: LogRecord, line: string): void {
    if (this.relaying || record.event === 'message') return;
    // some audit lines come as notes already written (the sender controls', POP3's)
    this.write(record.event === 'note' && !isAuditLine(line) ? 'service' : 'audit', line);
  }

  lines(kind: LogKind, limit: number): LogLines {
    return this.recent.last(kind, limit);
  }

  /** Resolves when every line appended so far is on disk (or has failed). */
  async flush(): Promise<void> {
    await Promise.all(Object.values(this.files).map((file) => file.flush()));
  }

  private write(kind: LogKind, line: string): void {
    const at = new Date(this.options.now());
    void this.files[kind].append(`${at.toISOString()} ${line}`);
    this.options.publish({ Type: 'log', Data: this.recent.add(kind, line, at) });
  }
}
