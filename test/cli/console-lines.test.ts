// The log lines of `relaydesk serve` on standard output: the lines of one turn of the event loop
// go out in one write (each write is a system call on the SMTP thread), in order, and whatever
// `serve` prints itself comes after the lines logged before it.
import { describe, expect, it } from 'vitest';
import { consoleLines } from '../../main/cli/console-lines.js';

function recorder() {
  const writes: string[] = [];
  return {
    writes,
    out: {
      write: (text: string): boolean => {
        writes.push(text);
        return true;
      },
    },
  };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const at = () => new Date('2026-12-01T06:00:00.000Z');

describe('console lines', () => {
  it('writes the lines of one turn in one write, stamped and in order', async () => {
    const { writes, out } = recorder();
    const lines = consoleLines(out, at);
    lines.log('smtp-audit event=connect');
    lines.log('smtp-audit event=message');
    lines.log('smtp-audit event=close');
    expect(writes).toEqual([]);
    await turn();
    expect(writes).toEqual([
      '2026-12-01T06:00:00.000Z smtp-audit event=connect\n' +
        '2026-12-01T06:00:00.000Z smtp-audit event=message\n' +
        '2026-12-01T06:00:00.000Z smtp-audit event=close\n',
    ]);
    lines.log('next turn');
    await turn();
    expect(writes).toHaveLength(2);
    expect(writes[1]).toBe('2026-12-01T06:00:00.000Z next turn\n');
  });

  it('prints after the lines logged before, at once', () => {
    const { writes, out } = recorder();
    const lines = consoleLines(out, at);
    lines.log('exposure: SMTP on 127.0.0.1:2525');
    lines.print('Relaydesk is ready\n');
    expect(writes).toEqual([
      '2026-12-01T06:00:00.000Z exposure: SMTP on 127.0.0.1:2525\n',
      'Relaydesk is ready\n',
    ]);
  });

  it('writes nothing for a turn without lines, and flush empties what waits', async () => {
    const { writes, out } = recorder();
    const lines = consoleLines(out, at);
    lines.flush();
    lines.log('stopping');
    lines.flush();
    await turn();
    expect(writes).toEqual(['2026-12-01T06:00:00.000Z stopping\n']);
  });
});
