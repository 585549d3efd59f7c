// The anomaly alert: a sender (SMTP user, else client IP) whose volume this hour is far above
// its own usual hourly rate — the median of the hours in the last week in which it sent — is
// what a stolen password or a compromised web form looks like. The alert fires once per sender
// and hour; whether it also pauses the sender is a setting (off by default).
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

  constructor(
    private readonly settings: AnomalySettings,
    private readonly now: () => number,
  ) {}

  /** Counts one accepted message; returns an alert the first time this hour looks anomalous. */
  record(sender: { clientIp: string; user: string | null }): AnomalyAlert | null {
    const kind = sender.user !== null ? 'user' : 'ip';
    const value = sender.user ?? sender.clientIp;
    const key = `${kind} ${value}`;
    const current = Math.floor(this.now() / hour);
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
