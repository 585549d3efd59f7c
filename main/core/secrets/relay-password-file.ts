// The upstream password file (--relay-password-file), read again when it changes, so that
// putting the password right in the file is enough: no restart, and a queue paused by the
// rejected login resumes as it does when the settings change in the GUI. Postfix does the same
// with its lookup tables: a daemon that sees sasl_passwd.db changed starts over with it.
//
// Two ways to notice: a stat before each batch goes out (so a new connection never logs in with
// a password the file no longer holds), and a poll of the file while nothing is sent (a paused
// queue sends nothing, yet must hear of the fix). fs.watchFile stats the path, so it follows
// editors and secret managers that replace the file rather than write into it.
import { type Stats, unwatchFile, watchFile } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { fileSignature } from '../settings/file-signature.js';
import { passwordFromFile } from '../settings/relay-settings.js';

export interface RelayPasswordFileOptions {
  /** The password in use now (null when the upstream no longer takes one). */
  current(): string | null;
  /** A different password is in the file: use it from the next login. */
  apply(password: string): void;
  /** Never given the password. */
  log(line: string, level: 'info' | 'warn'): void;
  /** How often the file is looked at while nothing is sent. */
  pollMs?: number;
}

export class RelayPasswordFile {
  private seen: string | null = null;
  private checking: Promise<void> | null = null;
  private watching = false;
  private lastProblem: string | null = null;
  private readonly onPoll = (now: Stats, before: Stats): void => {
    if (fileSignature(now) !== fileSignature(before)) void this.refresh();
  };

  constructor(
    readonly path: string,
    private readonly options: RelayPasswordFileOptions,
  ) {}

  start(): void {
    if (this.watching) return;
    this.watching = true;
    // not persistent: the watch never keeps the process alive
    watchFile(
      this.path,
      { persistent: false, interval: this.options.pollMs ?? 2_000 },
      this.onPoll,
    );
  }

  stop(): void {
    if (!this.watching) return;
    this.watching = false;
    unwatchFile(this.path, this.onPoll);
  }

  /** Reads the file again if it changed since last looked at; calls at once share one look. */
  refresh(): Promise<void> {
    this.checking ??= this.check().finally(() => (this.checking = null));
    return this.checking;
  }

  private async check(): Promise<void> {
    let text: string;
    try {
      const now = fileSignature(await stat(this.path));
      if (now === this.seen) return;
      text = await readFile(this.path, 'utf8');
      this.seen = now;
    } catch (err) {
      this.problem(`cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      return;
    }
    const password = passwordFromFile(text);
    // an editor may truncate before it writes: an empty file is not a new password
    if (password === '') return this.problem('is empty');
    this.lastProblem = null;
    if (password === this.options.current()) return;
    this.options.apply(password);
    this.options.log(
      `relay password file ${this.path} changed: the next upstream login uses the new password`,
      'info',
    );
  }

  /** Said once per problem, not at every poll; the password in use stays. */
  private problem(what: string): void {
    if (this.lastProblem === what) return;
    this.lastProblem = what;
    this.seen = null;
    this.options.log(
      `relay password file ${this.path} ${what}; still using the password read before`,
      'warn',
    );
  }
}
