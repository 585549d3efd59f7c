// Mailpit's `stats` event is rate limited: the first change starts a 250 ms wait, changes during
// it add nothing, and at its end one `stats` goes out with the counts of that moment
// (BroadcastMailboxStats, internal/storage/notifications.go at axllent/mailpit 408b30d5: "Rate
// limited to 4x per second"). A burst of 1,000 arrivals is then four or five `stats` a second, not
// 1,000, and the last one after the burst carries the final counts. Mailpit's `new`, `delete`
// and the others are not held back.
import type { MessagesCounted } from '../../core/service/runtime-figures.js';

/** Mailpit's wait between a change and its `stats` event. */
export const mailpitStatsDelayMs = 250;

export class StatsRateLimit {
  private latest: MessagesCounted | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly send: (counts: MessagesCounted) => void,
    private readonly delayMs = mailpitStatsDelayMs,
  ) {}

  /** The counts changed: they are sent at the end of the current wait, or of one starting now. */
  offer(counts: MessagesCounted): void {
    this.latest = counts;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const latest = this.latest;
      this.latest = null;
      if (latest) this.send(latest);
    }, this.delayMs);
    this.timer.unref();
  }

  /** The listener is gone: nothing more is sent. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.latest = null;
  }
}
