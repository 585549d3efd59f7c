// The body text of messages added to the index from their sidecars, read again from their .eml
// files in the background. A sidecar does not keep it (spool.ts: 16 K characters per message,
// for a copy only a rebuild would read), so a rebuilt index first has each message's header
// words, and the body's as this reaches it, the newest messages first. What is left when the
// app stops stays marked in the database (body_text_pending) and is taken up at the next start.
import { eachInFlight } from '../spool/in-flight.js';
import type { MessageIndex } from './message-index.js';

/**
 * One message's body text as the parser's summary has it ('' when it has none), or null when
 * its .eml is gone (the message was removed meanwhile). Throws when the file cannot be read.
 */
export type BodyTextReader = (id: string) => Promise<string | null>;

export interface BodyTextRefillOptions {
  /** Messages taken from the database at a time. */
  roundSize?: number;
  /** Parses in flight at once: few, so the parse worker still answers new mail at once. */
  inFlight?: number;
}

export class BodyTextRefill {
  private running: Promise<void> | null = null;
  private stopping = false;
  private readonly roundSize: number;
  private readonly inFlight: number;
  /** Messages whose body text this run has read (for tests and the log). */
  refilled = 0;

  constructor(
    private readonly index: MessageIndex,
    private readonly read: BodyTextReader,
    private readonly log: (line: string, level?: 'warn') => void,
    options: BodyTextRefillOptions = {},
  ) {
    this.roundSize = options.roundSize ?? 128;
    this.inFlight = options.inFlight ?? 8;
  }

  /** Begins when messages wait for their body text; resolves when none does, or it stopped. */
  start(): Promise<void> {
    this.running ??= this.run().catch((err: unknown) => {
      this.log(
        `could not read a message's body text again (${(err as Error).message}); the rest is read at the next start`,
        'warn',
      );
    });
    return this.running;
  }

  /** Stops after the parses in flight; what is left waits for the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  private async run(): Promise<void> {
    // the count reads the index, which first waits for its writes to be committed: waited for
    // here without blocking, since at start they wait on the write worker's own start (~150 ms
    // that the start's ready line, and the SMTP port, would otherwise wait for)
    await this.index.settled();
    if (this.stopping) return;
    const total = this.index.bodyTextPendingCount();
    if (total === 0) return;
    const since = performance.now();
    this.log(
      `reading the body text of ${total} message(s) again from their .eml, in the background (search finds them by their headers until then)`,
    );
    // the oldest ID the last round took: IDs are listed at start only and taken newest first
    let taken: string | null = null;
    while (!this.stopping) {
      const ids = this.index.bodyTextPending(this.roundSize);
      const newest = ids[0];
      if (newest === undefined) break;
      // one already sent still listed: the index cannot write now (a full disk); the next
      // start takes the rest up rather than this reading it again and again
      if (taken !== null && newest >= taken)
        throw new Error('the index did not take the text read before');
      await eachInFlight(ids, this.inFlight, async (id) => {
        if (this.stopping) return;
        const text = await this.read(id);
        this.index.setBodyText(id, text ?? '');
        this.refilled++;
      });
      taken = ids[ids.length - 1] ?? null;
      await this.index.settled();
    }
    if (this.stopping) return;
    const seconds = ((performance.now() - since) / 1000).toFixed(2);
    this.log(`body text of ${this.refilled} message(s) read again from their .eml in ${seconds} s`);
  }
}
