// How the index's refill (index/body-text-refill.ts) reads a message's body text again: its .eml
// summarised by the parse worker, as at its arrival. A message is read whole into memory for
// that, so one over 1 MiB waits for the one before it: a spool of 25 MB messages never has
// eight of them in memory at once, while small ones still go several at a time.
import { stat } from 'node:fs/promises';
import type { BodyTextReader } from '../index/body-text-refill.js';
import type { MessageParser } from '../parse/message-parser.js';
import type { Spool } from '../spool/spool.js';

const largeAbove = 1024 * 1024;

export function bodyTextReader(spool: Spool, parser: MessageParser): BodyTextReader {
  let large: Promise<unknown> = Promise.resolve();
  const bodyText = async (id: string): Promise<string> =>
    (await parser.summarize(await spool.readRaw(id))).searchText;
  return async (id) => {
    try {
      const { size } = await stat(spool.emlPath(id));
      if (size <= largeAbove) return await bodyText(id);
      const turn = large.then(() => bodyText(id));
      large = turn.catch(() => undefined);
      return await turn;
    } catch (err) {
      // removed meanwhile
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  };
}
