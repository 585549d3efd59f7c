// When the upstream last took part in a transaction, kept across restarts. A pause because
// nothing answered says "it took mail at … with these same settings, so it is more likely down
// or restarting than set up wrong" when it knows; after a restart (the office PC rebooted while
// the ISP's smart host was down) it knew nothing and said "check the host and port", sending the
// admin to change settings that had worked the day before. Losing the file costs only those
// words, so it is written plainly (temp name and rename, no sync), at most once a minute.
import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { UpstreamSettings } from '../upstream/upstream-settings.js';

const SAVE_GAP_MS = 60_000;

/**
 * Before the fix of an upstream that does not answer, when it took mail with the settings in
 * use: "check the host and port" alone sends an office to change settings that worked, when its
 * smart host is restarting or the network is down. The pause banner and Test connection say it
 * alike.
 */
export function answeredBeforeNote(at: number): string {
  const when = new Date(at).toISOString().slice(0, 19).replace('T', ' ');
  return `it took mail at ${when} UTC with these same settings, so it is more likely down or restarting (or the network is) than set up wrong: nothing needs changing here; otherwise `;
}

/**
 * What "the same settings" means, without a secret in it: everything of the upstream but its
 * password or token (a changed password does not make a host that refused connections answer).
 */
export function upstreamKey(relay: UpstreamSettings | null): string | null {
  if (!relay) return null;
  const { auth, ...rest } = relay;
  const shown = { ...rest, auth: auth ? { user: auth.user, mechanism: auth.mechanism } : null };
  return createHash('sha256').update(JSON.stringify(shown)).digest('hex');
}

export class UpstreamAnsweredFile {
  private saved: { key: string; at: number } | null = null;

  constructor(
    private readonly path: string,
    private readonly log: (line: string) => void,
  ) {}

  /** When the upstream of these settings last answered, as the file says; null if unknown. */
  async load(key: string | null): Promise<number | null> {
    if (!key) return null;
    try {
      const read = JSON.parse(await readFile(this.path, 'utf8')) as { key?: unknown; at?: unknown };
      if (read.key !== key || typeof read.at !== 'number' || !Number.isFinite(read.at)) return null;
      this.saved = { key, at: read.at };
      return read.at;
    } catch {
      // none yet, or unreadable: the words fall back to "check the host and port"
      return null;
    }
  }

  /** Records that the upstream of these settings answered at `at` (once a minute at most). */
  save(key: string | null, at: number): void {
    if (!key) return;
    if (this.saved?.key === key && at - this.saved.at < SAVE_GAP_MS) return;
    this.saved = { key, at };
    const temp = `${this.path}.tmp`;
    writeFile(temp, JSON.stringify({ key, at }), { mode: 0o600 })
      .then(() => rename(temp, this.path))
      .catch((err: Error) => this.log(`upstream-answered: not written: ${err.message}`));
  }
}
