// When a deferred recipient is tried again. Pure: the caller passes the clock, so the queue can
// be tested with fake time and can re-plan after sleep. Defaults from relay-anchors.md §3.3:
// 1, 5, 10, 20, 40 minutes, then hourly, for at most 72 hours — a Postfix-like doubling with a
// faster first retry, because the upstream is one known smart host, not the open Internet.

export interface RetrySchedule {
  /** Wait after the 1st, 2nd, … failed attempt before the next one. */
  delaysMs: readonly number[];
  /** Wait after every failed attempt beyond the list above. */
  thenEveryMs: number;
  /** Measured from the first attempt; 0 means "try once". */
  lifetimeMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const defaultRetrySchedule: RetrySchedule = Object.freeze({
  delaysMs: Object.freeze([1, 5, 10, 20, 40].map((minutes) => minutes * MINUTE)),
  thenEveryMs: HOUR,
  lifetimeMs: 72 * HOUR,
});

type Instant = Date | number;
const ms = (instant: Instant): number =>
  typeof instant === 'number' ? instant : instant.getTime();

/** The wait after the `attempt`-th failed attempt (1-based). */
export function delayAfterAttempt(
  attempt: number,
  schedule: RetrySchedule = defaultRetrySchedule,
): number {
  if (attempt < 1) return 0;
  return schedule.delaysMs[attempt - 1] ?? schedule.thenEveryMs;
}

export function isExpired(
  firstAttemptAt: Instant,
  now: Instant,
  schedule: RetrySchedule = defaultRetrySchedule,
): boolean {
  return ms(now) - ms(firstAttemptAt) >= schedule.lifetimeMs;
}

/**
 * How far along the schedule a recipient first tried `age` ago is, up to `cap`: 1 before the
 * first retry is due, 2 once it is, and so on. An attempt made on the schedule is never earlier.
 */
function stepOfAge(age: number, cap: number, schedule: RetrySchedule): number {
  let step = 1;
  let due = delayAfterAttempt(step, schedule);
  while (step < cap && due <= age) {
    step += 1;
    due += delayAfterAttempt(step, schedule);
  }
  return step;
}

/**
 * When to try next after `attemptsSoFar` attempts, the last of which failed at `now`; null when
 * that would fall beyond the lifetime, i.e. the recipient has had its last attempt and expires.
 * With no attempt yet, the answer is `now`.
 *
 * Attempts made early, by hand (Retry now, `relaydesk queue flush`), do not move the schedule on:
 * the wait is never longer than the recipient's age has reached, as Postfix's backoff follows
 * the time in the queue, not the number of tries. Counted by attempts, three flushes in the
 * first minute put the next retry 20 minutes away instead of 1, and five an hour.
 */
export function nextAttemptAt(
  attemptsSoFar: number,
  firstAttemptAt: Instant,
  now: Instant,
  schedule: RetrySchedule = defaultRetrySchedule,
): Date | null {
  if (attemptsSoFar < 1) return new Date(ms(now));
  const age = ms(now) - ms(firstAttemptAt);
  const step = stepOfAge(age, attemptsSoFar, schedule);
  const next = ms(now) + delayAfterAttempt(step, schedule);
  if (next - ms(firstAttemptAt) >= schedule.lifetimeMs) return null;
  return new Date(next);
}

/** The schedule the settings ask for (minutes and hours, as the user writes them). */
export function retryScheduleOf(settings: {
  retryMinutes: readonly number[];
  retryThenEveryMinutes: number;
  lifetimeHours: number;
}): RetrySchedule {
  return {
    delaysMs: settings.retryMinutes.map((m) => m * MINUTE),
    thenEveryMs: settings.retryThenEveryMinutes * MINUTE,
    lifetimeMs: settings.lifetimeHours * HOUR,
  };
}
