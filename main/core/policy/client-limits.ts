// Per-client counters for the listener's limits: sessions open per IP and in total, messages
// per minute per client (or per user once authenticated). Trusted clients are exempt from the
// per-client limits, like Postfix's `smtpd_client_event_limit_exceptions = $mynetworks`; the
// total applies to everyone. Every map is bounded, so a flood of distinct addresses cannot grow
// memory without limit.
import { BoundedMap } from '../limits/bounded-map.js';
import { EventWindow } from '../limits/event-window.js';

const maxTrackedKeys = 10_000;

export class ConnectionCounter {
  private total = 0;
  private readonly perIp = new Map<string, number>();

  get open(): number {
    return this.total;
  }

  countFor(ip: string): number {
    return this.perIp.get(ip) ?? 0;
  }

  /**
   * Takes a slot, or says why not. `limitPerIp` null: the client is exempt from the per-IP limit.
   * The caller must `release` a slot it took, once.
   */
  admit(ip: string, maxTotal: number, limitPerIp: number | null): 'total' | 'per-ip' | null {
    if (this.total >= maxTotal) return 'total';
    const mine = this.countFor(ip);
    if (limitPerIp !== null && mine >= limitPerIp) return 'per-ip';
    this.total++;
    this.perIp.set(ip, mine + 1);
    return null;
  }

  release(ip: string): void {
    this.total = Math.max(0, this.total - 1);
    const mine = this.countFor(ip) - 1;
    if (mine <= 0) this.perIp.delete(ip);
    else this.perIp.set(ip, mine);
  }
}

/** Events per key in a sliding window (messages per minute). */
export class SlidingWindowCounter {
  private readonly windows = new BoundedMap<string, EventWindow>(maxTrackedKeys);

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records one event if fewer than `limit` happened in the window; false when over. */
  take(key: string, limit: number): boolean {
    const now = this.now();
    const window = this.windows.get(key) ?? new EventWindow();
    window.forgetBefore(now, this.windowMs);
    if (window.count(now, this.windowMs) >= limit) return false;
    window.record(now);
    // written last: the most recently counted key is the last to be forgotten
    this.windows.set(key, window);
    return true;
  }
}
