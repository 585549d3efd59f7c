// The one home of reading standard input (main/cli/read-stdin.ts), used by `sendmail` and
// `user add`.
import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { readStdin } from '../../main/cli/read-stdin.js';

describe('readStdin', () => {
  test('returns every byte until the end, across chunks and in any encoding', async () => {
    const bytes = Buffer.from('Subject: é\r\n\r\nbody\r\n', 'utf8');
    const input = Readable.from([bytes.subarray(0, 10), bytes.subarray(10)]);
    expect((await readStdin(input)).equals(bytes)).toBe(true);
  });

  test('reads string chunks as UTF-8, and an empty stream as no bytes', async () => {
    expect((await readStdin(Readable.from(['pass', 'wörd\n']))).toString('utf8')).toBe(
      'passwörd\n',
    );
    expect((await readStdin(Readable.from([]))).length).toBe(0);
  });
});
