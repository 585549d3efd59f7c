// The anomaly alerts not yet dismissed, kept in the data folder: an alert raised while no window
// or browser was open (a web form abused at night) must still be there, to suspend the sender or
// dismiss it, when someone next looks, not only in the log. Bounded: the newest few are enough
// to act on, and a flood of alerts cannot grow the file.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SenderAlert } from '../../../preload/filter-contract.js';
import { NotFoundError } from '../caller-error.js';
import { writeFilesDurably } from '../spool/durable-file.js';
import type { AnomalyAlert } from './anomaly.js';

/** How many undismissed alerts are kept; the oldest go first. */
export const keptAlerts = 20;

export class SenderAlertLog {
  private alerts: SenderAlert[] = [];
  private readonly path: string;

  constructor(
    dataDir: string,
    private readonly now: () => number,
  ) {
    this.path = join(dataDir, 'sender-alerts.json');
  }

  /** Reads the kept alerts; a damaged file is reported and replaced at the next alert, never fatal. */
  async load(log: (line: string) => void): Promise<void> {
    try {
      const parsed = JSON.parse(await readFile(this.path, 'utf8')) as { alerts?: unknown };
      this.alerts = Array.isArray(parsed.alerts) ? (parsed.alerts as SenderAlert[]) : [];
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      log(
        `sender-control: ${this.path} could not be read (${(err as Error).message}); starting with no kept alerts`,
      );
      this.alerts = [];
    }
  }

  /** Newest first. */
  list(): SenderAlert[] {
    return [...this.alerts].reverse();
  }

  async add(alert: AnomalyAlert, suspensionId: string | null): Promise<SenderAlert> {
    const entry: SenderAlert = {
      ID: randomBytes(6).toString('hex'),
      Created: new Date(this.now()).toISOString(),
      Kind: alert.kind,
      Value: alert.value,
      Count: alert.count,
      Median: alert.median,
      Text: alert.reason,
      SuspensionID: suspensionId,
    };
    this.alerts = [...this.alerts, entry].slice(-keptAlerts);
    await this.save();
    return entry;
  }

  async dismiss(id: string): Promise<SenderAlert> {
    const found = this.alerts.find((a) => a.ID === id);
    if (!found)
      throw new NotFoundError(`sender alert ${JSON.stringify(id)} not found (already dismissed?)`);
    this.alerts = this.alerts.filter((a) => a !== found);
    await this.save();
    return found;
  }

  private async save(): Promise<void> {
    await writeFilesDurably([
      { path: this.path, data: JSON.stringify({ version: 1, alerts: this.alerts }, null, 1) },
    ]);
  }
}
