// Where the relay of a data folder takes SMTP, for `relaydesk sendmail --data DIR`, and its API,
// for `relaydesk queue` and the other commands that talk to it: `serve` (and the desktop app)
// write `<data>/listening.json` once the SMTP listener is up, again with the API's address once
// that listens, and remove it at a clean stop. Without it sendmail tried 127.0.0.1:1025 whatever
// port the relay was on, found nothing there, and kept the message in the drop folder with exit
// 0; the relay then took it in with a log line saying it was left "while the relay was stopped"
// although it ran all along.
//
// The file is a hint, not a lock: a relay killed with -9 leaves it behind, so a reader ignores one
// whose process is gone, and sendmail still keeps the message in the drop folder when the address
// answers nothing.
import { readFileSync } from 'node:fs';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempPathFor } from '../spool/durable-file.js';
import { reachableAddress } from '../net/ip-address.js';

export interface ListeningRecord {
  pid: number;
  /** The SMTP listener's bound address (a port of 0 in the settings is the real one here). */
  smtp: { host: string; port: number };
  /**
   * The UI and API's bound address, once it listens. Without it, `relaydesk queue` (like
   * `mailq`, run with no address) asked 127.0.0.1:8025 whatever port the relay's API was on.
   */
  http?: { host: string; port: number };
  startedAt: string;
}

export function listeningFile(dataDir: string): string {
  return join(dataDir, 'listening.json');
}

/** Written under a temporary name and renamed: a sendmail starting meanwhile reads all or none. */
export async function writeListeningFile(
  dataDir: string,
  addresses: Pick<ListeningRecord, 'smtp' | 'http'>,
  pid = process.pid,
): Promise<void> {
  const file = listeningFile(dataDir);
  const temp = tempPathFor(file);
  const record: ListeningRecord = { pid, ...addresses, startedAt: new Date().toISOString() };
  await writeFile(temp, `${JSON.stringify(record)}\n`, { mode: 0o600 });
  await rename(temp, file);
}

/** Removed at a clean stop, only when it is still ours (not a later relay's). */
export async function removeListeningFile(dataDir: string, pid = process.pid): Promise<void> {
  if (readListeningFile(dataDir)?.pid !== pid) return;
  await unlink(listeningFile(dataDir)).catch(() => undefined);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, run by another user (a relay run as a service user)
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isAddress(value: unknown): value is { host: string; port: number } {
  const v = value as { host?: unknown; port?: unknown } | null | undefined;
  return typeof v?.host === 'string' && Number.isInteger(v.port) && (v.port as number) > 0;
}

function isRecord(value: unknown): value is ListeningRecord {
  const v = value as Partial<ListeningRecord> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    Number.isInteger(v.pid) &&
    isAddress(v.smtp) &&
    (v.http === undefined || isAddress(v.http))
  );
}

/** The file as written, or null when there is none or it cannot be read as one. */
export function readListeningFile(dataDir: string): ListeningRecord | null {
  let text: string;
  try {
    text = readFileSync(listeningFile(dataDir), 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

/**
 * The SMTP address of the relay running on this data folder, or null when none is recorded or
 * the process that wrote it is gone (killed, or the machine restarted).
 */
export function runningRelaySmtp(dataDir: string): { host: string; port: number } | null {
  const record = readListeningFile(dataDir);
  if (!record || !processAlive(record.pid)) return null;
  return reachableAddress(record.smtp);
}

/** The UI and API address of the relay running on this data folder, or null (as above). */
export function runningRelayHttp(dataDir: string): { host: string; port: number } | null {
  const record = readListeningFile(dataDir);
  if (!record?.http || !processAlive(record.pid)) return null;
  return reachableAddress(record.http);
}
