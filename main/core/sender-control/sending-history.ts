// The anomaly alert's memory of each sender's hourly volume, kept in the data folder
// (`sender-hours.json`): the alert compares a sender with its own usual hours, and a desktop app
// that is quit every evening would otherwise start each morning with no usual hours at all, and
// stay blind to a jump until a sender had mail in two more hours. Small by nature (at most a
// week of hourly counts per sender), so the whole file is rewritten, durably, at most once a
// minute while mail comes in, when an hour ends, and at stop. A kill -9 loses at most the last
// minute's counts: a baseline of medians over a week does not need more.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFilesDurably } from '../spool/durable-file.js';

/** Per sender key: messages per hour index (ms / hour); and the hour each was last alerted. */
export interface SendingHours {
  hours: Map<string, Map<number, number>>;
  alerted: Map<string, number>;
}

export const sendingHistoryName = 'sender-hours.json';

const saveEveryMs = 60_000;

function isCount(value: unknown): value is [number, number] {
  return (
    Array.isArray(value) &&
    value.length === 2 &&
    value.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 0)
  );
}

/** The file's content read back; null when it is not what `encode` writes. */
function decode(text: string): SendingHours | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { hours, alerted } = parsed as Record<string, unknown>;
  if (typeof hours !== 'object' || hours === null || typeof alerted !== 'object' || !alerted)
    return null;
  const out: SendingHours = { hours: new Map(), alerted: new Map() };
  for (const [key, counts] of Object.entries(hours)) {
    if (!/^(user|ip) \S/.test(key) || !Array.isArray(counts) || !counts.every(isCount)) return null;
    out.hours.set(key, new Map(counts));
  }
  for (const [key, at] of Object.entries(alerted)) {
    if (typeof at !== 'number' || !Number.isInteger(at)) return null;
    out.alerted.set(key, at);
  }
  return out;
}

function encode(history: SendingHours): string {
  const hours: Record<string, Array<[number, number]>> = {};
  for (const [key, counts] of history.hours) if (counts.size > 0) hours[key] = [...counts];
  return JSON.stringify({ version: 1, hours, alerted: Object.fromEntries(history.alerted) });
}

export class SendingHistoryFile {
  readonly path: string;
  private timer: NodeJS.Timeout | null = null;
  private saving: Promise<void> = Promise.resolve();
  private failed = false;

  constructor(
    dataDir: string,
    private readonly log: (line: string) => void,
  ) {
    this.path = join(dataDir, sendingHistoryName);
  }

  /** What was kept; empty when there is no file. A damaged one is said so and started afresh. */
  async load(): Promise<SendingHours | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      this.log(
        `sender-control: cannot read ${this.path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); the anomaly alert starts with no sending history`,
      );
      return null;
    }
    const history = decode(text);
    if (!history) {
      this.log(
        `sender-control: ${this.path} is damaged; the anomaly alert starts with no sending history (the file is replaced at the next save)`,
      );
    }
    return history;
  }

  /** Saves within a minute; `now` at once (an hour just ended). */
  schedule(history: () => SendingHours, now = false): void {
    if (now) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      void this.save(history());
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.save(history());
    }, saveEveryMs);
    this.timer.unref();
  }

  /** The last counts on disk (at stop). */
  async close(history: SendingHours | null): Promise<void> {
    const pending = this.timer !== null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (pending && history) await this.save(history);
    await this.saving;
  }

  private save(history: SendingHours): Promise<void> {
    const data = encode(history);
    // one write at a time, in order: a slow disk must not let an older save land last
    this.saving = this.saving.then(() =>
      writeFilesDurably([{ path: this.path, data }]).then(
        () => {
          this.failed = false;
        },
        (err: Error) => {
          if (this.failed) return;
          this.failed = true;
          this.log(
            `sender-control: cannot write ${this.path} (${(err as NodeJS.ErrnoException).code ?? err.message}); the sending history is kept in memory only until it can be written`,
          );
        },
      ),
    );
    return this.saving;
  }
}
