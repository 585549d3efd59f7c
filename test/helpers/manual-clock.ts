// A clock the test moves by hand, so that retries, expiry and rate windows need no real waiting:
// pass `now` where the code under test takes its clock.

export interface ManualClock {
  readonly start: number;
  now(): number;
  advance(ms: number): void;
}

export function manualClock(start = Date.parse('2026-11-28T10:00:00Z')): ManualClock {
  let now = start;
  return {
    start,
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}
