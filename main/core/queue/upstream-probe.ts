// When a queue paused because the upstream did not answer (refused, no DNS record) tries it
// again. Its own schedule, not the waiting mail's retry times: those reach an hour apart once a
// message has been deferred a few times, so a host back a minute after the pause began would
// wait up to an hour. Postfix tries a dead destination again after minimal_backoff_time and
// queue_run_delay, 300 s each (relay-anchors.md §0); here 1, 2, then every 5 minutes. Mail
// arriving meanwhile is tried sooner, but not within a minute of the last try, so a burst of
// new mail does not hammer a host that is down. Pure: the caller passes the clock.

const MINUTE = 60_000;

/** The waits after the pause began and after each probe: 1, 2, then 5 minutes, then 5 again. */
export const probeDelaysMs: readonly number[] = Object.freeze([1, 2, 5].map((m) => m * MINUTE));

/** The least time between two tries of an upstream that did not answer. */
export const probeGapMs = MINUTE;

export class UpstreamProbe {
  /** Probes made since the pause began. */
  count = 0;

  /** `lastTry`: when the upstream was last tried (the failure that paused the queue). */
  constructor(private lastTry: number) {}

  /**
   * When to try next: at the schedule's time; sooner when mail is ready to go (new arrivals) or
   * a waiting recipient's retry time comes, but never within probeGapMs of the last try.
   * Infinity when nothing waits: there is nothing to try with.
   */
  nextAt(work: { any: boolean; ready: boolean; retryAt: number }): number {
    if (!work.any) return Infinity;
    const scheduled =
      this.lastTry + (probeDelaysMs[this.count] ?? (probeDelaysMs.at(-1) as number));
    const sooner = Math.min(scheduled, work.ready ? -Infinity : Infinity, work.retryAt);
    return Math.max(this.lastTry + probeGapMs, sooner);
  }

  /** A probe starts at `now`: returns its number. */
  started(now: number): number {
    this.lastTry = now;
    return ++this.count;
  }

  /** A try ended (failed, or had nothing to try with) at `now`: the next waits from here. */
  ended(now: number): void {
    this.lastTry = Math.max(this.lastTry, now);
  }
}
