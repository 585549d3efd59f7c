// The whole of standard input (a piped message, a password), for the commands that read it.
import type { Readable } from 'node:stream';

/** Every byte until the stream ends; `input` is stdin except in tests. */
export async function readStdin(input: Readable = process.stdin): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer));
  }
  return Buffer.concat(chunks);
}
