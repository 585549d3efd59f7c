// A log file that rotates by size, as logrotate's `size` + `rotate N` would: when the next line
// would take the file past `maxBytes`, relay.log becomes relay.log.1, relay.log.1 becomes
// relay.log.2… and the oldest beyond `keep` generations is removed. Lines are appended in the
// order given, one write at a time. A failing write (a full disk) is reported once until a
// write succeeds again, so a full disk does not turn every log line into an error line.
import { appendFile, rename, stat, unlink } from 'node:fs/promises';

export interface RotationSettings {
  /** Rotate when the file would grow beyond this many bytes. */
  maxBytes: number;
  /** Rotated generations kept (relay.log.1 … relay.log.N); 0 keeps none. */
  keep: number;
}

export class RotatingLog {
  private size: number | null = null;
  private chain: Promise<void> = Promise.resolve();
  private failing = false;

  constructor(
    readonly path: string,
    private readonly settings: RotationSettings,
    private readonly onError: (message: string) => void,
  ) {}

  /** Appends one line (a newline is added); resolves when it is written or has failed. */
  append(line: string): Promise<void> {
    const text = `${line}\n`;
    this.chain = this.chain.then(() =>
      this.write(text).then(
        () => {
          if (this.failing) this.onError(`${this.path}: writing again`);
          this.failing = false;
        },
        (err: NodeJS.ErrnoException) => {
          // the size is unknown after a failed append: read it again next time
          this.size = null;
          if (!this.failing) {
            this.onError(
              `${this.path}: cannot write (${err.code ?? err.message}); lines are lost until it can`,
            );
          }
          this.failing = true;
        },
      ),
    );
    return this.chain;
  }

  /** Resolves when every line appended so far is written (or has failed). */
  flush(): Promise<void> {
    return this.chain;
  }

  private async write(text: string): Promise<void> {
    const bytes = Buffer.byteLength(text);
    this.size ??= await stat(this.path).then(
      (s) => s.size,
      () => 0,
    );
    if (this.size > 0 && this.size + bytes > this.settings.maxBytes) await this.rotate();
    await appendFile(this.path, text, { mode: 0o600 });
    this.size += bytes;
  }

  private async rotate(): Promise<void> {
    const { keep } = this.settings;
    const ignoreMissing = (err: NodeJS.ErrnoException): void => {
      if (err.code !== 'ENOENT') throw err;
    };
    if (keep === 0) {
      await unlink(this.path).catch(ignoreMissing);
    } else {
      await unlink(`${this.path}.${keep}`).catch(ignoreMissing);
      for (let n = keep - 1; n >= 1; n--) {
        await rename(`${this.path}.${n}`, `${this.path}.${n + 1}`).catch(ignoreMissing);
      }
      await rename(this.path, `${this.path}.1`).catch(ignoreMissing);
    }
    this.size = 0;
  }
}
