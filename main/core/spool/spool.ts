// The spool: one raw .eml (the bytes received, with our Received header first) and one JSON
// sidecar per message. The .eml is renamed into place before the sidecar, and only a sidecar
// makes a message exist, so a crash never lists half a message.
import { constants } from 'node:fs';
import { access, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { MessageRecord } from '../message-record.js';
import { makeFolder, tempSuffix, writeFilesDurably } from './durable-file.js';
import { IncomingFile } from './incoming-file.js';
import { isMessageId } from './message-id.js';
import type { MessageSource } from './message-source.js';
import { readSidecar, sidecarVersion } from './sidecar-schema.js';

export interface QuarantinedFile {
  file: string;
  reason: string;
}

export interface SpoolLoadResult {
  records: MessageRecord[];
  quarantined: QuarantinedFile[];
}

export class SpoolError extends Error {
  override name = 'SpoolError';
}

/** Where the messages are, under the data folder. */
export function spoolFolder(dataDir: string): string {
  return join(dataDir, 'spool');
}

export class Spool {
  readonly messagesDir: string;
  readonly quarantineDir: string;
  /** The last pending write of each message, so writes of one message run in call order. */
  private readonly writes = new Map<string, Promise<void>>();

  constructor(readonly dataDir: string) {
    this.messagesDir = spoolFolder(dataDir);
    this.quarantineDir = join(dataDir, 'quarantine');
  }

  /** Creates the folders and proves they are writable, so a bad --data fails at start. */
  async open(): Promise<void> {
    try {
      await makeFolder(this.messagesDir);
      await makeFolder(this.quarantineDir);
      await access(this.messagesDir, constants.W_OK);
      const probe = join(this.messagesDir, `.write-probe-${process.pid}`);
      await writeFilesDurably([{ path: probe, data: '' }]);
      await unlink(probe);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new SpoolError(
        `--data: cannot write to ${JSON.stringify(this.dataDir)} (${code}); choose a folder you can write to`,
      );
    }
  }

  emlPath(id: string): string {
    return join(this.messagesDir, `${id}.eml`);
  }

  private sidecarPath(id: string): string {
    return join(this.messagesDir, `${id}.json`);
  }

  private sidecarText(record: MessageRecord): string {
    return JSON.stringify({ version: sidecarVersion, ...record });
  }

  /**
   * Runs the writes of one message one after the other, in call order: two updates at once must
   * not interleave, and the state asked for last is the one left on disk.
   */
  private inOrder(id: string, work: () => Promise<void>): Promise<void> {
    const run = (this.writes.get(id) ?? Promise.resolve()).then(work);
    const settled = run.catch(() => undefined);
    this.writes.set(id, settled);
    void settled.then(() => {
      if (this.writes.get(id) === settled) this.writes.delete(id);
    });
    return run;
  }

  /** Stores a new message durably; resolves only when both files are on disk. */
  async store(record: MessageRecord, raw: Uint8Array): Promise<void> {
    await this.storeWhile(record.id, raw, Promise.resolve(record));
  }

  /**
   * The same, while the record is still being made (the MIME parse runs in a worker): the raw
   * file is written (or, received into the spool folder already, synced) meanwhile, which takes
   * an fsync off the time to 250.
   */
  async storeWhile(id: string, raw: MessageSource, record: Promise<MessageRecord>): Promise<void> {
    await this.inOrder(id, () =>
      writeFilesDurably([
        raw instanceof IncomingFile
          ? { path: this.emlPath(id), written: raw }
          : { path: this.emlPath(id), data: raw },
        { path: this.sidecarPath(id), data: record.then((r) => this.sidecarText(r)) },
      ]),
    );
  }

  /** Rewrites a sidecar after a state change (read flag, tags, delivery state). */
  async update(record: MessageRecord): Promise<void> {
    // the state as it is now, not as it may be when an earlier write of this message is done
    const text = this.sidecarText(record);
    await this.inOrder(record.id, () =>
      writeFilesDurably([{ path: this.sidecarPath(record.id), data: text }]),
    );
  }

  async readRaw(id: string): Promise<Buffer> {
    return readFile(this.emlPath(id));
  }

  /** Removes a message: the sidecar first, so a crash half-way leaves an orphan, not a ghost. */
  async remove(id: string): Promise<void> {
    await this.inOrder(id, async () => {
      await unlink(this.sidecarPath(id)).catch(ignoreMissing);
      await unlink(this.emlPath(id)).catch(ignoreMissing);
    });
  }

  /** Moves a file to quarantine, never over a file quarantined before under the same name. */
  private async quarantine(file: string, reason: string, out: QuarantinedFile[]): Promise<void> {
    out.push({ file, reason });
    let target = join(this.quarantineDir, file);
    if (await exists(target)) target = `${target}.${Date.now()}`;
    await rename(join(this.messagesDir, file), target).catch(ignoreMissing);
  }

  /**
   * Reads every sidecar, or only those of `only` (the messages a crash kept out of the index);
   * unreadable ones and orphans go to quarantine, the rest still load.
   */
  async load(only?: ReadonlySet<string>): Promise<SpoolLoadResult> {
    const names = await readdir(this.messagesDir);
    const quarantined: QuarantinedFile[] = [];
    const emls = new Set<string>();
    const sidecars: string[] = [];
    for (const name of names) {
      if (name.endsWith(tempSuffix) || name.startsWith('.write-probe-')) {
        // an unfinished write from a crash: it was never acknowledged
        await unlink(join(this.messagesDir, name)).catch(ignoreMissing);
      } else if (name.endsWith('.eml')) {
        if (!only || only.has(name.slice(0, -4))) emls.add(name.slice(0, -4));
      } else if (name.endsWith('.json')) {
        if (!only || only.has(name.slice(0, -5))) sidecars.push(name.slice(0, -5));
      } else await this.quarantine(name, 'not a spool file', quarantined);
    }

    const records: MessageRecord[] = [];
    const batch = 64;
    for (let i = 0; i < sidecars.length; i += batch) {
      const slice = sidecars.slice(i, i + batch);
      const loaded = await Promise.all(
        slice.map(async (id) => {
          if (!isMessageId(id)) return { id, error: 'file name is not a message ID' };
          if (!emls.has(id)) return { id, error: 'the raw .eml file is missing' };
          try {
            const parsed: unknown = JSON.parse(await readFile(this.sidecarPath(id), 'utf8'));
            return { id, ...readSidecar(parsed, id) };
          } catch (err) {
            return { id, error: `sidecar is unreadable (${(err as Error).message})` };
          }
        }),
      );
      for (const item of loaded) {
        emls.delete(item.id);
        if ('record' in item && item.record) records.push(item.record);
        else {
          const reason = 'error' in item ? (item.error ?? 'unknown') : 'unknown';
          await this.quarantine(`${item.id}.json`, reason, quarantined);
          if (await exists(this.emlPath(item.id))) {
            await this.quarantine(`${item.id}.eml`, reason, quarantined);
          }
        }
      }
    }
    for (const orphan of emls) {
      // an .eml without sidecar was never acknowledged (the sidecar is renamed last);
      // keep it in quarantine anyway, so nothing that reached the disk is destroyed
      await this.quarantine(
        `${orphan}.eml`,
        'no sidecar: the message was never acknowledged',
        quarantined,
      );
    }
    records.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return { records, quarantined };
  }
}

function ignoreMissing(err: NodeJS.ErrnoException): void {
  if (err.code !== 'ENOENT') throw err;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
