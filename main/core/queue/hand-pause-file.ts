// A pause by hand (`relaydesk queue pause ISP maintenance`, Pause upstream), kept across
// restarts. It lived in memory only: the office PC rebooted during the ISP's maintenance window
// and the relay sent to the smart host the admin had said to leave alone, as if resumed. Postfix's
// equivalents (defer_transports in main.cf, postsuper -h) outlive a restart too. Written as
// upstream-answered.json is (temp name and rename); a file that cannot be read is no pause, with
// a log line, so a damaged file never stops relaying without a word.
import { readFile, rename, rm, writeFile } from 'node:fs/promises';

export interface HandPause {
  reason: string;
  /** ISO time the pause began. */
  since: string;
}

export class HandPauseFile {
  /** Writes in the order asked: a resume right after its pause must not be overtaken by it. */
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly path: string,
    private readonly log: (line: string) => void,
  ) {}

  /** The pause by hand an earlier run left in force, or null. */
  async load(): Promise<HandPause | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch {
      return null;
    }
    try {
      const read = JSON.parse(text) as { reason?: unknown; since?: unknown };
      if (typeof read.reason === 'string' && typeof read.since === 'string')
        return { reason: read.reason, since: read.since };
    } catch {
      // falls through to the line below
    }
    this.log(`relay-paused: ${this.path} cannot be read; relaying is not paused`);
    return null;
  }

  /** Records the pause by hand, or (null) that there is none. */
  save(pause: HandPause | null): void {
    const write = async (): Promise<void> => {
      if (pause === null) return rm(this.path, { force: true });
      await writeFile(`${this.path}.tmp`, JSON.stringify(pause), { mode: 0o600 });
      await rename(`${this.path}.tmp`, this.path);
    };
    this.writing = this.writing
      .then(write)
      .catch((err: Error) => this.log(`relay-paused: not written: ${err.message}`));
  }
}
