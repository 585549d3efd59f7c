// The log lines of `relaydesk serve` on standard output: the lines of one turn of the event loop
// go out in one write (each write is a system call on the SMTP thread), in order; while lines
// keep coming, a write waits for the gap after the last; whatever `serve` prints itself comes
// after the lines logged before it.
import { afterEach, describe, expect, it, vi } from 'vitest';
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
    // (no gap between writes here: each turn's lines go at its end)
    const lines = consoleLines(out, at, 0);
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

  describe('in a burst', () => {
    // the clock of these timers is the test's: the gap is then exact
    afterEach(() => vi.useRealTimers());

    it('writes at most once per gap, and a line after a quiet spell at the end of its turn', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'setImmediate', 'performance'] });
      const { writes, out } = recorder();
      const lines = consoleLines(out, at, 50);
      lines.log('first');
      await vi.advanceTimersToNextTimerAsync();
      expect(writes).toEqual(['2026-12-01T06:00:00.000Z first\n']);
      // 10 ms later, three turns of lines: they wait for the gap, then go in one write
      vi.advanceTimersByTime(10);
      lines.log('second');
      await vi.advanceTimersByTimeAsync(1);
      lines.log('third');
      await vi.advanceTimersByTimeAsync(1);
      lines.log('fourth');
      await vi.advanceTimersByTimeAsync(30);
      expect(writes).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(10);
      expect(writes).toEqual([
        '2026-12-01T06:00:00.000Z first\n',
        '2026-12-01T06:00:00.000Z second\n' +
          '2026-12-01T06:00:00.000Z third\n' +
          '2026-12-01T06:00:00.000Z fourth\n',
      ]);
      // after a quiet spell longer than the gap: at the end of the turn, not later
      vi.advanceTimersByTime(200);
      lines.log('later');
      expect(writes).toHaveLength(2);
      await vi.advanceTimersToNextTimerAsync();
      expect(writes[2]).toBe('2026-12-01T06:00:00.000Z later\n');
      expect(vi.getTimerCount()).toBe(0);
    });
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
