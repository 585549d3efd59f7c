// Events in a sliding window (messages per minute from one client, transactions per hour towards
// one upstream): the times of recent events, oldest first. An event counts in a window of `span`
// ms until `span` ms have passed since it, exactly.

export class EventWindow {
  private times: number[] = [];

  /** Records an event at `now`. */
  record(now: number): void {
    this.times.push(now);
  }

  /** Forgets the events that left a window of `span` ms ending at `now`. */
  forgetBefore(now: number, span: number): void {
    this.times = this.times.filter((time) => time > now - span);
  }

  /** How many events happened in the `span` ms up to `now`. */
  count(now: number, span: number): number {
    return this.times.filter((time) => time > now - span).length;
  }

  /** How long until fewer than `limit` events are in the window, so one more may happen; 0: now. */
  waitMs(now: number, span: number, limit: number): number {
    const inWindow = this.times.filter((time) => time > now - span);
    if (inWindow.length < limit) return 0;
    const leaving = inWindow[inWindow.length - limit] as number;
    return leaving + span - now;
  }
}
