// Brute-force protection for SMTP AUTH and the UI password, per client IP (smtp-server has none;
// a naive server answered 12 wrong passwords in under 10 ms). Each failure makes the next answer
// wait longer (the base delay, doubling, at most 32 times the base); after `maxFailures` the IP is
// locked out: every attempt gets `421 4.7.0` without its password being checked, until
// `lockoutMs` after the last failure. Failures older than `lockoutMs` are forgotten. A success
// does not clear the count: one known password must not buy unlimited guesses at the others.

import { BoundedMap } from '../limits/bounded-map.js';

const maxTrackedIps = 10_000;

export interface ThrottleSettings {
  maxFailures: number;
  baseDelayMs: number;
  lockoutMs: number;
}

export interface FailureRecord {
  failures: number;
  last: number;
}

export type ThrottleState =
  | { locked: false; delayMs: number; failures: number }
  | { locked: true; retryAfterMs: number; failures: number };

export class AuthThrottle {
  private readonly records = new BoundedMap<string, FailureRecord>(maxTrackedIps);

  constructor(
    private readonly settings: ThrottleSettings,
    private readonly now: () => number = Date.now,
  ) {}

  private current(ip: string): FailureRecord | null {
    const record = this.records.get(ip);
    if (!record) return null;
    if (this.now() - record.last >= this.settings.lockoutMs) {
      this.records.delete(ip);
      return null;
    }
    return record;
  }

  /** What an attempt from this IP faces right now. */
  state(ip: string): ThrottleState {
    const record = this.current(ip);
    const failures = record?.failures ?? 0;
    if (record && failures >= this.settings.maxFailures) {
      return {
        locked: true,
        retryAfterMs: record.last + this.settings.lockoutMs - this.now(),
        failures,
      };
    }
    return { locked: false, delayMs: delayAfter(failures, this.settings.baseDelayMs), failures };
  }

  /** The keys with failures still remembered, and their records. */
  *entries(): IterableIterator<[string, Readonly<FailureRecord>]> {
    for (const key of [...this.records.keys()]) {
      const record = this.current(key);
      if (record) yield [key, record];
    }
  }

  /** Forgets the failures of one key (a lockout released by hand). */
  forget(key: string): void {
    this.records.delete(key);
  }

  forgetAll(): void {
    this.records.clear();
  }

  /** Records a failure; returns the new state (locked once the limit is reached). */
  fail(ip: string): ThrottleState {
    const record = this.current(ip) ?? { failures: 0, last: 0 };
    record.failures++;
    record.last = this.now();
    this.records.set(ip, record);
    return this.state(ip);
  }
}

/** The wait before answering an attempt after `failures` failures: 0, base, 2×base, 4×base… */
export function delayAfter(failures: number, baseDelayMs: number): number {
  if (failures <= 0) return 0;
  return baseDelayMs * 2 ** Math.min(failures - 1, 5);
}
