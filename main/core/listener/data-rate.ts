// The minimum data rate of a message transfer, as Postfix's `smtpd_min_data_rate` (500 bytes/s
// since 3.7): the DATA phase starts with a time budget of one idle timeout; time spent uses it up
// and every N bytes received adds N/rate seconds back, never beyond one idle timeout. A client
// trickling a byte every few seconds (which resets any idle timer) runs out within about one
// idle timeout; an honest slow link far above the rate never comes near the end of its budget.

export class DataRateBudget {
  private remainingMs: number;
  private lastBytes = 0;
  private lastAt: number;

  constructor(
    private readonly bytesPerSecond: number,
    private readonly capMs: number,
    now: number,
  ) {
    this.remainingMs = capMs;
    this.lastAt = now;
  }

  /** Accounts for the time since the last call and the bytes received by now (a running total). */
  update(totalBytes: number, now: number): void {
    const bytes = Math.max(0, totalBytes - this.lastBytes);
    this.remainingMs -= now - this.lastAt;
    this.remainingMs += (bytes / this.bytesPerSecond) * 1000;
    this.remainingMs = Math.min(this.remainingMs, this.capMs);
    this.lastBytes = totalBytes;
    this.lastAt = now;
  }

  get exhausted(): boolean {
    return this.remainingMs <= 0;
  }
}
