// The last lines of a log file, read back at the start for the Logs view: the newest first kept,
// in the order written, with their own times; the rotated generation before a file just rotated;
// lines a crash cut short or a hand edit left out of shape skipped.
import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLogTail } from '../../main/core/logs/log-tail.js';
import { madeTempFolder } from '../helpers/temp-folders.js';

const stamp = (n: number): string => new Date(Date.UTC(2026, 11, 4, 8, 0, n)).toISOString();
const lineOf = (n: number, text = `line ${n}`): string => `${stamp(n)} ${text}\n`;
const linesOf = (from: number, to: number, text?: (n: number) => string): string => {
  let out = '';
  for (let n = from; n <= to; n++) out += lineOf(n, text?.(n));
  return out;
};

describe('a log file read back at the start', () => {
  it('gives the newest lines, oldest first, each at the time it was written', async () => {
    const dir = await madeTempFolder('relaydesk-log-tail-');
    const path = join(dir, 'relay.log');
    await writeFile(path, linesOf(1, 30));
    const tail = readLogTail(path, 10);
    expect(tail.map((l) => l.line)).toEqual(Array.from({ length: 10 }, (_, i) => `line ${21 + i}`));
    expect(tail[0]?.at.toISOString()).toBe(stamp(21));
    expect(readLogTail(join(dir, 'audit.log'), 10)).toEqual([]);
  });

  it('skips a line cut short by a crash and one out of shape, and reads past a long file start', async () => {
    const dir = await madeTempFolder('relaydesk-log-tail-');
    const path = join(dir, 'audit.log');
    // 600 lines of ~1 KB: more than is read from the end, so the read begins mid-line
    await writeFile(
      path,
      linesOf(1, 600, (n) => `line ${n} ${'x'.repeat(1000)}`),
    );
    await appendFile(path, 'edited by hand\n');
    await appendFile(path, lineOf(601));
    await appendFile(path, `${stamp(602)} smtp-audit event=conn`); // no newline: cut short
    const tail = readLogTail(path, 1000);
    expect(tail.at(-1)?.line).toBe('line 601');
    expect(tail.some((l) => l.line === 'edited by hand' || l.line.includes('event=conn'))).toBe(
      false,
    );
    // every line read is whole: none begins mid-line where the read began
    expect(tail.slice(0, -1).every((l) => /^line \d+ x{1000}$/.test(l.line))).toBe(true);
    expect(tail.length).toBeGreaterThan(300);
  });

  it('puts the newest lines of the rotated generation before a file rotated a moment ago', async () => {
    const dir = await madeTempFolder('relaydesk-log-tail-');
    const path = join(dir, 'service.log');
    await writeFile(`${path}.1`, linesOf(1, 50));
    await writeFile(path, linesOf(51, 53));
    expect(readLogTail(path, 10).map((l) => l.line)).toEqual(
      Array.from({ length: 10 }, (_, i) => `line ${44 + i}`),
    );
    // a file with enough lines of its own does not need its rotated generation
    expect(readLogTail(path, 3).map((l) => l.line)).toEqual(['line 51', 'line 52', 'line 53']);
  });
});
