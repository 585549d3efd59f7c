// relay.log and audit.log on real files, with the file kept open between lines: lines given in a
// burst all reach the file in order by the flush of a clean stop, rotation by size still holds
// when lines go out in batches, and a log removed by hand comes back.
import { mkdtemp, readFile, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RotatingLog } from '../../main/core/logs/rotating-log.js';
import { waitFor } from '../helpers/eventually.js';

let dir: string;
const logs: RotatingLog[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relaydesk-log-'));
});

afterEach(async () => {
  for (const log of logs.splice(0)) await log.flush();
  await rm(dir, { recursive: true, force: true });
});

function makeLog(maxBytes: number, keep: number, errors: string[] = []): RotatingLog {
  const log = new RotatingLog(join(dir, 'audit.log'), { maxBytes, keep }, (m) => errors.push(m));
  logs.push(log);
  return log;
}

const lineOf = (n: number): string => `2026-11-30T00:00:00.000Z smtp-audit event=connect n=${n}`;

async function linesIn(name: string): Promise<string[]> {
  const text = await readFile(join(dir, name), 'utf8').catch(() => '');
  return text.split('\n').filter((l) => l !== '');
}

describe('the log file', () => {
  it('has every line of a burst, in order, once flush (the stop) resolves', async () => {
    const log = makeLog(10 * 1024 * 1024, 2);
    for (let n = 0; n < 2000; n++) void log.append(lineOf(n));
    await log.flush();
    expect(await linesIn('audit.log')).toEqual(Array.from({ length: 2000 }, (_, n) => lineOf(n)));
    // lines after a flush reopen the file and append to it
    await log.append(lineOf(2000));
    await log.flush();
    expect((await linesIn('audit.log')).at(-1)).toBe(lineOf(2000));
  });

  it('rotates by size when lines go out in batches, keeps N generations and loses no kept line', async () => {
    const log = makeLog(1024, 2);
    const count = 60;
    for (let n = 0; n < count; n++) void log.append(lineOf(n));
    await log.flush();
    for (const name of ['audit.log', 'audit.log.1', 'audit.log.2']) {
      expect((await stat(join(dir, name))).size).toBeLessThanOrEqual(1024);
    }
    await expect(stat(join(dir, 'audit.log.3'))).rejects.toMatchObject({ code: 'ENOENT' });
    // oldest first: .2, .1, then the current file, one run of consecutive lines up to the last
    const kept = [
      ...(await linesIn('audit.log.2')),
      ...(await linesIn('audit.log.1')),
      ...(await linesIn('audit.log')),
    ];
    const first = count - kept.length;
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => lineOf(first + i)));
  });

  it('makes the file again when it was removed by hand, while lines keep coming', async () => {
    const log = makeLog(10 * 1024 * 1024, 2);
    await log.append(lineOf(1));
    await unlink(join(dir, 'audit.log'));
    // the open file is checked against the path every second; a line then opens it anew
    await waitFor(
      'a line after removal to reach a new audit.log',
      async () => {
        await log.append(lineOf(2));
        return (await linesIn('audit.log')).includes(lineOf(2));
      },
      { interval: 300, timeout: 10_000 },
    );
  });

  it('reports a failing file once, and again when it writes again', async () => {
    const errors: string[] = [];
    const log = new RotatingLog(
      join(dir, 'no-such-folder', 'audit.log'),
      {
        maxBytes: 1024,
        keep: 1,
      },
      (m) => errors.push(m),
    );
    logs.push(log);
    for (let n = 0; n < 5; n++) await log.append(lineOf(n));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/audit\.log: cannot write \(ENOENT\); lines are lost until it can$/);
  });
});
