// The relay's two log files and their recent lines: relay.log (one line per delivery attempt,
// Postfix-style) and audit.log (who was let in or refused, and saved settings). Each line also
// goes to the Logs view's memory and, as a `log` event, to whoever watches the service.
import { join } from 'node:path';
import type { LogLines, RelaydeskEvent } from '../../../preload/api-contract.js';
import { isAuditLine, RecentLog } from '../log-view/recent-log.js';
import { formatLogLine, type LogRecord } from './log-record.js';
import { RotatingLog, type RotationSettings } from './rotating-log.js';

/** How many recent relay and audit lines the API can show. */
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
  private readonly relayFile: RotatingLog;
  private readonly auditFile: RotatingLog;

  constructor(private readonly options: RelayLogOptions) {
    const fileError = (message: string): void => options.log(`log: ${message}`);
    this.relayFile = new RotatingLog(
      join(options.dataDir, 'relay.log'),
      options.rotation,
      fileError,
    );
    this.auditFile = new RotatingLog(
      join(options.dataDir, 'audit.log'),
      options.rotation,
      fileError,
    );
  }

  /** A delivery attempt's record (or a queue note): the service log, relay.log and the Logs view. */
  relay(entry: string | LogRecord): void {
    this.options.log(entry);
    this.write('relay', this.relayFile, typeof entry === 'string' ? entry : formatLogLine(entry));
  }

  /**
   * Every service log line passes here: audit lines (whoever writes them: the SMTP listener, the
   * HTTP basic auth, a settings save) also go to audit.log and the Logs view.
   */
  noteServiceLine(line: string): void {
    if (isAuditLine(line)) this.write('audit', this.auditFile, line);
  }

  lines(kind: 'relay' | 'audit', limit: number): LogLines {
    return this.recent.last(kind, limit);
  }

  /** Resolves when every line appended so far is on disk (or has failed). */
  async flush(): Promise<void> {
    await Promise.all([this.relayFile.flush(), this.auditFile.flush()]);
  }

  private write(kind: 'relay' | 'audit', file: RotatingLog, line: string): void {
    const at = new Date(this.options.now());
    void file.append(`${at.toISOString()} ${line}`);
    this.options.publish({ Type: 'log', Data: this.recent.add(kind, line, at) });
  }
}
