// The quota counters on disk, so a restart does not hand every sender a fresh day's quota.
// `quota-usage.jsonl` in the data folder is append-only: one line per counted message and sender
// key, written with a plain write(2) before the message's 250 goes out. What write(2) handed to
// the kernel survives a kill -9; only a power cut can lose the last few seconds, because the file
// is fsynced on a timer and at stop rather than per message (per-message fsync would double the
// cost of accepting mail for a counter). The file is rewritten, without what is older than a day,
// at start and whenever it has grown to twice what is still counted.
import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFilesDurably } from '../spool/durable-file.js';

/** One counted message of one sender key (`user NAME` or `ip ADDRESS`). */
export interface QuotaCount {
  key: string;
  /** When the message was accepted (ms since the epoch). */
  at: number;
  recipients: number;
}

export const quotaJournalName = 'quota-usage.jsonl';

const syncEveryMs = 2000;

function encode(count: QuotaCount): string {
  return `${JSON.stringify({ k: count.key, t: count.at, r: count.recipients })}\n`;
}

function decode(line: string): QuotaCount | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { k, t, r } = parsed as Record<string, unknown>;
  if (typeof k !== 'string' || !/^(user|ip) \S/.test(k)) return null;
  if (typeof t !== 'number' || !Number.isFinite(t)) return null;
  if (typeof r !== 'number' || !Number.isInteger(r) || r < 0) return null;
  return { key: k, at: t, recipients: r };
}

export class QuotaJournal {
  readonly path: string;
  private fd: number | null = null;
  private written = 0;
  private liveAtCompaction = 0;
  /** Lines counted while the file is being rewritten; appended once it is in place. */
  private held: string[] | null = null;
  private dirty = false;
  private syncTimer: NodeJS.Timeout | null = null;
  private failed = false;
  /** The rewrite under way: a stop waits for it, or the lines it holds back would be left out. */
  private rewriting: Promise<void> | null = null;

  constructor(
    dataDir: string,
    private readonly log: (line: string) => void,
  ) {
    this.path = join(dataDir, quotaJournalName);
  }

  /**
   * The counts kept since `since`. A damaged file is set aside (and said so in one line): the
   * counters then start empty rather than the relay refusing to start.
   */
  async load(since: number): Promise<QuotaCount[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      this.log(
        `quotas: cannot read ${this.path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); quota counters start empty`,
      );
      return [];
    }
    const lines = text.split('\n');
    // after the last newline: nothing, or an append cut short by a crash (not damage)
    lines.pop();
    const counts: QuotaCount[] = [];
    for (const [index, line] of lines.entries()) {
      const count = decode(line);
      if (!count) {
        const aside = `${this.path}.damaged`;
        await rename(this.path, aside).catch(() => undefined);
        this.log(
          `quotas: ${this.path} is damaged (line ${index + 1} is not a quota count); quota counters start empty; the file was kept as ${aside}`,
        );
        return [];
      }
      if (count.at > since) counts.push(count);
    }
    return counts;
  }

  /** Rewrites the file with what still counts, then appends to it. */
  async open(live: QuotaCount[]): Promise<void> {
    await this.rewrite(live);
    this.syncTimer = setInterval(() => this.sync(), syncEveryMs);
    this.syncTimer.unref();
  }

  private rewrite(live: QuotaCount[]): Promise<void> {
    const rewriting = this.rewriteNow(live).finally(() => {
      if (this.rewriting === rewriting) this.rewriting = null;
    });
    this.rewriting = rewriting;
    return rewriting;
  }

  private async rewriteNow(live: QuotaCount[]): Promise<void> {
    this.held = [];
    this.closeFile();
    try {
      await writeFilesDurably([{ path: this.path, data: live.map(encode).join('') }]);
      this.fd = openSync(this.path, 'a', 0o600);
      this.liveAtCompaction = live.length;
      this.written = 0;
      const held = this.held;
      this.held = null;
      if (held.length > 0) this.write(held.join(''), held.length);
    } catch (err) {
      this.held = null;
      this.fail(err as Error);
    }
  }

  private write(text: string, lines: number): void {
    if (this.fd === null) return;
    try {
      // every byte: a full disk may take only part of it before failing
      const bytes = Buffer.from(text);
      for (let at = 0; at < bytes.length;) at += writeSync(this.fd, bytes, at);
      this.written += lines;
      this.dirty = true;
    } catch (err) {
      this.fail(err as Error);
    }
  }

  private fail(err: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.log(
      `quotas: cannot write ${this.path} (${(err as NodeJS.ErrnoException).code ?? err.message}); quota counters are kept in memory only and a restart resets them`,
    );
  }

  /**
   * Appends the counts of one accepted message. `live` gives what still counts, for the rewrite
   * when the file has grown to twice that.
   */
  append(counts: QuotaCount[], live: () => QuotaCount[]): void {
    if (counts.length === 0) return;
    const text = counts.map(encode).join('');
    if (this.held) {
      this.held.push(text);
      return;
    }
    this.write(text, counts.length);
    if (this.written > Math.max(1000, this.liveAtCompaction)) void this.rewrite(live());
  }

  private sync(): void {
    if (this.fd === null || !this.dirty) return;
    this.dirty = false;
    try {
      fdatasyncSync(this.fd);
    } catch (err) {
      this.fail(err as Error);
    }
  }

  private closeFile(): void {
    if (this.fd === null) return;
    this.sync();
    closeSync(this.fd);
    this.fd = null;
  }

  /**
   * Syncs and closes the file (at stop), once a rewrite under way has put the file in place and
   * appended the counts it held back: closed before, the rewrite opened the file again after the
   * stop and left it open, unsynced.
   */
  async close(): Promise<void> {
    if (this.syncTimer) clearInterval(this.syncTimer);
    this.syncTimer = null;
    if (this.rewriting) await this.rewriting;
    this.closeFile();
  }
}
