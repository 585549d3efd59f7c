// A message's bytes as the stages after the listener get them: in memory (the Send API, imports)
// or in the spool folder under a temporary name (SMTP, written as it arrived). Stages that need
// all of it read the file (the parse worker, clamd); stages that need the headers take the head.
import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { IncomingFile } from './incoming-file.js';

export type MessageSource = Uint8Array | IncomingFile;

export function sourceSize(source: MessageSource): number {
  return source instanceof IncomingFile ? source.size : source.length;
}

/** The start of the message, at least its header block (up to 1 MiB of it). */
export function sourceHead(source: MessageSource): Uint8Array {
  return source instanceof IncomingFile ? source.head : source;
}

/** The whole message in chunks of at most `chunkSize` bytes. */
export function sourceChunks(source: MessageSource, chunkSize: number): AsyncIterable<Uint8Array> {
  const kept = source instanceof IncomingFile ? source.bytes : null;
  if (kept) return inChunks(kept, chunkSize);
  if (source instanceof IncomingFile) {
    return createReadStream(source.path, { highWaterMark: chunkSize }) as Readable &
      AsyncIterable<Uint8Array>;
  }
  return inChunks(source, chunkSize);
}

async function* inChunks(source: Uint8Array, chunkSize: number): AsyncIterable<Uint8Array> {
  for (let at = 0; at < source.length; at += chunkSize) yield source.subarray(at, at + chunkSize);
}

/** All of the message in memory: for the few who need it whole, and for tests. */
export async function readSource(source: MessageSource): Promise<Buffer> {
  // a small message is in memory until it is on disk
  if (source instanceof IncomingFile) return source.bytes ?? readFile(source.path);
  return Buffer.from(source.buffer, source.byteOffset, source.byteLength);
}

/** The first `bytes` bytes of the message (all of it when shorter), read no further. */
export async function readSourcePrefix(source: MessageSource, bytes: number): Promise<Buffer> {
  const kept = source instanceof IncomingFile ? source.bytes : source;
  if (kept) {
    const whole = Buffer.from(kept.buffer, kept.byteOffset, kept.byteLength);
    return whole.subarray(0, Math.min(bytes, whole.length));
  }
  const file = source as IncomingFile;
  const length = Math.min(bytes, file.size);
  const handle = await open(file.path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const { bytesRead } = await handle.read(buffer, read, length - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return buffer.subarray(0, read);
  } finally {
    await handle.close();
  }
}
