// The message sendmail(1) reads on standard input: to its end, or — unless -i or -oi says
// otherwise — to a line holding a single ".", as Postfix's and Sendmail's sendmail stop there
// (what follows that line is not part of the message). Reading stops at that line, so a person
// typing a message ends it with "." without also pressing Ctrl-D.
import type { Readable } from 'node:stream';

/** Where the line of a single "." starts, or -1; `from` is where to start looking. */
function loneDotLine(data: Buffer, from: number): number {
  for (let i = data.indexOf(0x2e, from); i !== -1; i = data.indexOf(0x2e, i + 1)) {
    const startsLine = i === 0 || data[i - 1] === 0x0a;
    if (!startsLine) continue;
    const next = data[i + 1];
    if (next === 0x0a || (next === 0x0d && data[i + 2] === 0x0a)) return i;
  }
  return -1;
}

export async function readSendmailInput(
  input: Readable,
  options: { dotEndsInput: boolean },
): Promise<Buffer> {
  let data = Buffer.alloc(0);
  for await (const chunk of input) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
    // look again from the end of the previous line: the dot's line may span two chunks
    const lastLine = Math.max(0, data.lastIndexOf(0x0a) + 1);
    data = Buffer.concat([data, bytes]);
    if (!options.dotEndsInput) continue;
    const dot = loneDotLine(data, lastLine);
    if (dot !== -1) return data.subarray(0, dot);
  }
  // a "." as the very last line without a newline ends the message too
  if (options.dotEndsInput) {
    const end = data.length;
    if (data[end - 1] === 0x2e && (end === 1 || data[end - 2] === 0x0a)) {
      return data.subarray(0, end - 1);
    }
  }
  return data;
}

/**
 * The message without the mailbox-format "From " lines it starts with (and UUCP's ">From "), as
 * Postfix's sendmail strips them: a message saved from an mbox and piped on starts with one,
 * which is no header field and went upstream as the first line of the header.
 */
export function withoutFromLines(data: Buffer): Buffer {
  let start = 0;
  while (/^>*From /.test(data.subarray(start, start + 256).toString('latin1'))) {
    const newline = data.indexOf(0x0a, start);
    start = newline === -1 ? data.length : newline + 1;
  }
  return data.subarray(start);
}
