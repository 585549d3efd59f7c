import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  defaultRetrySchedule,
  delayAfterAttempt,
  isExpired,
  nextAttemptAt,
  type RetrySchedule,
} from '../../main/core/queue/retry-schedule.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const t0 = Date.UTC(2026, 0, 1);

describe('retry schedule', () => {
  test('default: 1, 5, 10, 20, 40 minutes, then hourly', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 20].map((n) => delayAfterAttempt(n) / MIN);
    expect(delays).toEqual([1, 5, 10, 20, 40, 60, 60, 60]);
    expect(defaultRetrySchedule.lifetimeMs).toBe(72 * HOUR);
  });

  test('the next attempt is counted from the failure (the injected now)', () => {
    expect(nextAttemptAt(1, t0, t0 + 2_000)?.getTime()).toBe(t0 + 2_000 + MIN);
    expect(nextAttemptAt(3, t0, t0 + 10 * MIN)?.getTime()).toBe(t0 + 20 * MIN);
    expect(nextAttemptAt(0, t0, t0)?.getTime()).toBe(t0);
  });

  test('attempts made early (by hand) do not move the schedule on: the wait follows the age', () => {
    // first attempt, then three hand retries within 10 s: 4 attempts, still in the first minute
    expect(nextAttemptAt(4, t0, t0 + 10_000)?.getTime()).toBe(t0 + 10_000 + MIN);
    // on the schedule: attempts at 0, 1, 6, 16 minutes; the 4th failed at 16 min waits 20
    expect(nextAttemptAt(4, t0, t0 + 16 * MIN)?.getTime()).toBe(t0 + 36 * MIN);
    // six attempts by the 7th minute: the age has reached the third step (10 minutes), not the hour
    expect(nextAttemptAt(6, t0, t0 + 7 * MIN)?.getTime()).toBe(t0 + 17 * MIN);
  });

  test('no attempt beyond the lifetime: null means the recipient expires', () => {
    expect(nextAttemptAt(70, t0, t0 + 71.5 * HOUR)).toBeNull();
    expect(nextAttemptAt(70, t0, t0 + 70 * HOUR)?.getTime()).toBe(t0 + 71 * HOUR);
    expect(isExpired(t0, t0 + 72 * HOUR - 1)).toBe(false);
    expect(isExpired(t0, t0 + 72 * HOUR)).toBe(true);
    expect(isExpired(new Date(t0), new Date(t0 + 73 * HOUR))).toBe(true);
  });

  test('lifetime 0 means try once', () => {
    const once: RetrySchedule = { ...defaultRetrySchedule, lifetimeMs: 0 };
    expect(nextAttemptAt(1, t0, t0, once)).toBeNull();
  });

  test('property: the next attempt is always after now and within the lifetime', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 0, max: 80 * HOUR }),
        (attempts, age) => {
          const next = nextAttemptAt(attempts, t0, t0 + age);
          if (next === null) return t0 + age + delayAfterAttempt(attempts) - t0 >= 72 * HOUR;
          return next.getTime() > t0 + age && next.getTime() - t0 < 72 * HOUR;
        },
      ),
    );
  });
});
