// The headless mode's wake-from-sleep signal: a tick that comes far later by the wall clock than
// it was due (the machine was suspended) calls onWake once; ticks on time, and a tick a little
// late (a busy event loop), do not. The clock is the test's: a suspend cannot be made here.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { watchForWake } from '../../main/cli/wake-watch.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('watchForWake', () => {
  it('calls onWake once after the wall clock jumps ahead between two ticks', () => {
    vi.useFakeTimers();
    let wall = Date.parse('2026-11-28T18:00:00Z');
    const woke: number[] = [];
    let ticks = 0;
    const stop = watchForWake({
      now: () => wall,
      everyMs: 15_000,
      onWake: (ms) => woke.push(ms),
      // the network watch looks on the other ticks
      onTick: () => ticks++,
    });

    for (let i = 0; i < 4; i++) {
      wall += 15_000;
      vi.advanceTimersByTime(15_000);
    }
    // a tick 20 s late: a busy event loop, not a sleep
    wall += 35_000;
    vi.advanceTimersByTime(15_000);
    expect(woke).toEqual([]);

    // the lid closed for the night: the monotonic timer moves 15 s, the wall clock 10 hours
    wall += 10 * 3_600_000 + 15_000;
    vi.advanceTimersByTime(15_000);
    expect(woke).toEqual([10 * 3_600_000]);
    expect(ticks).toBe(5);

    wall += 15_000;
    vi.advanceTimersByTime(15_000);
    expect(woke).toHaveLength(1);

    stop();
    wall += 10 * 3_600_000;
    vi.advanceTimersByTime(15_000);
    expect(woke).toHaveLength(1);
  });
});
