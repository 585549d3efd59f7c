// Sliding-window rate limits on messages sent to the upstream (per second/minute/hour/day), as
// cloud relays impose them: going over earns 4xx replies or a suspended account.
import { EventWindow } from '../limits/event-window.js';
import type { Settings } from '../settings/settings-schema.js';

const windows = [
  ['perSecond', 1000],
  ['perMinute', 60_000],
  ['perHour', 3_600_000],
  ['perDay', 86_400_000],
] as const;

const perWindow = {
  perSecond: 'second',
  perMinute: 'minute',
  perHour: 'hour',
  perDay: 'day',
} as const;

export interface RateLimitHold {
  waitMs: number;
  /** The limit reached: `limit` messages a `per`. */
  limit: number;
  per: (typeof perWindow)[keyof typeof perWindow];
}

export class RateLimiter {
  /** Start times of recent transactions; kept for the longest window in use. */
  private readonly sent = new EventWindow();

  constructor(private readonly limits: Settings['rateLimit']) {}

  /** How long to wait before another transaction may start; 0 when it may start now. */
  waitMs(now: number): number {
    return this.holdAt(now)?.waitMs ?? 0;
  }

  /** The limit that keeps another transaction from starting now, and for how long; null: none. */
  holdAt(now: number): RateLimitHold | null {
    let hold: RateLimitHold | null = null;
    for (const [key, span] of windows) {
      const limit = this.limits[key];
      if (!limit) continue;
      const waitMs = this.sent.waitMs(now, span, limit);
      if (waitMs > (hold?.waitMs ?? 0)) hold = { waitMs, limit, per: perWindow[key] };
    }
    return hold;
  }

  record(now: number): void {
    this.sent.record(now);
    const longest = Math.max(0, ...windows.filter(([k]) => this.limits[k]).map(([, span]) => span));
    this.sent.forgetBefore(now, longest);
  }
}
