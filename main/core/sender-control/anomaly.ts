// The anomaly alert: a sender (SMTP user, else client IP) whose volume this hour is far above
// its own usual hourly rate — the median of the hours in the last week in which it sent — is
// what a stolen password or a compromised web form looks like. The alert fires once per sender
// and hour; whether it also pauses the sender is a setting (off by default).
import type { SendingHours } from './sending-history.js';

const hour = 3_600_000;
const historyHours = 7 * 24;
/**
 * Earlier hours with mail a sender needs before it can be anomalous. With none its median is 0,
 * and any `minMessages` messages in a new sender's first hour (a new app's first batch) raised
 * the alert. A burst from a sender with no history is what fixed limits are for (the quotas,
 * as Postfix's anvil rate limits and policyd-rate-limit apply them); this alert compares a
 * sender with itself, so it waits until there is a self to compare with: two hours of mail,
 * since a median of one hour is a single sample.
 */
export const baselineHours = 2;

export interface AnomalySettings {
  /** Volume this hour must exceed `factor` × the sender's hourly median. */
  factor: number;
  /** ...and at least this many messages, so a quiet sender's fifth message is no alarm. */
  minMessages: number;
}

export interface AnomalyAlert {
  /** `user NAME` or `ip ADDRESS`. */
  key: string;
  kind: 'user' | 'ip';
  value: string;
  count: number;
  median: number;
  reason: string;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export class AnomalyDetector {
  /** Per sender: messages per hour index (ms / hour), for the last week. */
  private readonly hours = new Map<string, Map<number, number>>();
  private readonly alerted = new Map<string, number>();
  /** The hour of the last count, to tell the history file when an hour has ended. */
  private lastHour: number | null = null;

  /** `changed` is told of every count, `hourEnded` when it is the first of a new hour. */
  constructor(
    private readonly settings: AnomalySettings,
    private readonly now: () => number,
    private readonly changed: (hourEnded: boolean) => void = () => undefined,
  ) {}

  /** The counts kept from before a restart, merged under any counted since start. */
  restore(kept: SendingHours): void {
    const oldest = Math.floor(this.now() / hour) - historyHours;
    for (const [key, counts] of kept.hours) {
      const mine = this.hours.get(key) ?? new Map<number, number>();
      for (const [h, n] of counts) if (h > oldest) mine.set(h, (mine.get(h) ?? 0) + n);
      if (mine.size > 0) this.hours.set(key, mine);
    }
    for (const [key, h] of kept.alerted) {
      if (h > oldest && (this.alerted.get(key) ?? -1) < h) this.alerted.set(key, h);
    }
  }

  /** What to keep across a restart: the last week's counts and alerts. */
  history(): SendingHours {
    const oldest = Math.floor(this.now() / hour) - historyHours;
    const hours = new Map<string, Map<number, number>>();
    for (const [key, counts] of this.hours) {
      const kept = new Map([...counts].filter(([h]) => h > oldest));
      if (kept.size > 0) hours.set(key, kept);
      else this.hours.delete(key);
    }
    for (const [key, h] of this.alerted) if (h <= oldest) this.alerted.delete(key);
    return { hours, alerted: new Map(this.alerted) };
  }

  /** Counts one accepted message; returns an alert the first time this hour looks anomalous. */
  record(sender: { clientIp: string; user: string | null }): AnomalyAlert | null {
    const current = Math.floor(this.now() / hour);
    const hourEnded = this.lastHour !== null && this.lastHour !== current;
    this.lastHour = current;
    const alert = this.count(sender, current);
    this.changed(hourEnded);
    return alert;
  }

  private count(
    sender: { clientIp: string; user: string | null },
    current: number,
  ): AnomalyAlert | null {
    const kind = sender.user !== null ? 'user' : 'ip';
    const value = sender.user ?? sender.clientIp;
    const key = `${kind} ${value}`;
    const counts = this.hours.get(key) ?? new Map<number, number>();
    this.hours.set(key, counts);
    counts.set(current, (counts.get(current) ?? 0) + 1);
    for (const h of counts.keys()) if (h <= current - historyHours) counts.delete(h);
    const count = counts.get(current) ?? 0;
    if (this.alerted.get(key) === current || count < this.settings.minMessages) return null;
    const history = [...counts.entries()].filter(([h]) => h !== current).map(([, n]) => n);
    if (history.length < baselineHours) return null;
    const usual = median(history);
    if (count <= this.settings.factor * usual) return null;
    this.alerted.set(key, current);
    return {
      key,
      kind,
      value,
      count,
      median: usual,
      reason: `automatic: ${count} messages this hour from ${key}, over ${this.settings.factor} times its hourly median of ${usual}`,
    };
  }
}
