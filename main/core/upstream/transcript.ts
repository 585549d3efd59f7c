// Records the SMTP conversation of one attempt as `C:`/`S:` lines (plus `*` notes of our own),
// from nodemailer's transaction log. It also pairs every reply with the command it answers —
// replies come strictly in command order (RFC 5321 §4.1, RFC 2920 §3.1 for PIPELINING) — so the
// delivery code can read each RCPT's reply without a second parser.
//
// Secrets: nodemailer already logs `/* secret */` in place of passwords, but its AUTH PLAIN and
// LOGIN lines still carry base64 of the user name. Every AUTH exchange is masked as a whole here,
// and any registered secret (or its base64) that would still show up is replaced as well.
import { format } from 'node:util';

export interface Exchange {
  /** The command as logged (already masked); null for the greeting and the end-of-data reply. */
  command: string | null;
  /** The full reply, lines joined with `\n`. */
  reply: string;
}

interface LogEntry {
  tnx?: string;
  remoteAddress?: string;
}

type LogMethod = (
  entry: LogEntry | string | undefined,
  message?: string,
  ...args: unknown[]
) => void;

export interface TranscriptLogger {
  trace: LogMethod;
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
  fatal: LogMethod;
}

const MASK = '***';

export class TranscriptRecorder {
  private readonly lines: string[] = [];
  private readonly pending: string[] = [];
  private readonly secrets = new Set<string>();
  private inAuth = false;
  readonly exchanges: Exchange[] = [];
  /** Address of the upstream's socket, once nodemailer connected. */
  remoteAddress: string | null = null;

  /** Hand this to nodemailer as `logger` (with `transactionLog: true`, never `debug`). */
  readonly logger: TranscriptLogger;

  constructor() {
    const ignore: LogMethod = () => undefined;
    this.logger = {
      trace: ignore,
      debug: (entry, message) => {
        if (typeof entry !== 'object' || typeof message !== 'string') return;
        if (entry.tnx === 'client') this.client(message);
        else if (entry.tnx === 'server') this.server(message);
      },
      info: (entry, message, ...args) => {
        if (typeof entry !== 'object' || typeof message !== 'string') return;
        if (entry.tnx === 'network' && entry.remoteAddress)
          this.remoteAddress = entry.remoteAddress;
        // "<N bytes encoded mime message (source size M bytes)>": the body itself is never logged
        if (entry.tnx === 'message')
          this.note(`message data: ${format(message, ...args).replace(/^<|>$/g, '')}`);
      },
      warn: ignore,
      error: ignore,
      fatal: ignore,
    };
  }

  /** Values that must never appear in the transcript, with their base64 forms. */
  addSecret(...values: string[]): void {
    for (const value of values) {
      if (value.length < 3) continue;
      this.secrets.add(value);
      this.secrets.add(Buffer.from(value, 'utf8').toString('base64'));
    }
  }

  note(text: string): void {
    for (const line of text.split(/\r?\n/)) this.lines.push(`* ${this.scrub(line)}`);
  }

  private client(raw: string): void {
    let line = raw;
    const auth = /^(AUTH\s+\S+)(\s+\S.*)?$/i.exec(raw);
    if (auth?.[1]) {
      this.inAuth = true;
      line = auth[2] ? `${auth[1]} ${MASK}` : auth[1];
    } else if (this.inAuth) {
      line = MASK;
    }
    line = this.scrub(line);
    this.pending.push(line);
    this.lines.push(`C: ${line}`);
  }

  private server(raw: string): void {
    const reply = this.scrub(raw);
    // a 334 continues the SASL exchange; anything else ends it
    if (!/^334[ -]/.test(reply)) this.inAuth = false;
    for (const line of reply.split(/\r?\n/)) this.lines.push(`S: ${line}`);
    this.exchanges.push({ command: this.pending.shift() ?? null, reply });
  }

  private scrub(line: string): string {
    let out = line;
    for (const secret of this.secrets) out = out.split(secret).join(MASK);
    return out;
  }

  /** The reply to the latest command matching `pattern`, if one came. */
  lastReplyTo(pattern: RegExp): string | null {
    for (let i = this.exchanges.length - 1; i >= 0; i--) {
      const exchange = this.exchanges[i];
      if (exchange?.command && pattern.test(exchange.command)) return exchange.reply;
    }
    return null;
  }

  get greeting(): string | null {
    const first = this.exchanges[0];
    return first && first.command === null ? first.reply : null;
  }

  /** Commands written that have had no reply yet (when the connection broke). */
  get unanswered(): readonly string[] {
    return this.pending;
  }

  toString(): string {
    return this.lines.join('\n');
  }
}
