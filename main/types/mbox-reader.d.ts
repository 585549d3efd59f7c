// Types for mbox-reader (postalsys), which ships none: the parts `relaydesk ingest` uses.
declare module 'mbox-reader' {
  import type { Readable } from 'node:stream';

  export interface MboxMessage {
    /** The address on the From_ line. */
    returnPath: string;
    /** The time on the From_ line, or false when it is not a date. */
    time: Date | false;
    /** The message, with `>From ` lines unescaped and LF line endings. */
    content: Buffer;
    headers: Map<string, string[]>;
    flags: string[];
    labels: string[];
  }

  export function mboxReader(
    input: Readable,
    options?: { gz?: boolean },
  ): AsyncGenerator<MboxMessage>;
}
