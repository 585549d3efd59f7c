// The pickup (Postfix's `pickup` daemon): takes in what `relaydesk sendmail` left in the drop
// folder, through the same intake as an SMTP arrival, at start and whenever a file appears
// (fs.watch, with a scan every few seconds in case a watch misses one: network and some
// container file systems send no events).
//
// A file is removed only after its message is stored. Before the message is stored, the file is
// renamed to the ID it is stored under (made at pickup: the list is ordered by the time mail
// came in). A kill -9 between storing and removing leaves the file behind under that ID, so the
// next scan sees the ID already stored and removes the file instead of storing the message
// twice. Nothing is lost and nothing is duplicated, with no second state to keep (a `taken/`
// folder would need the same check).
import { watch, type FSWatcher } from 'node:fs';
import { chmod, lstat, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { makeFolder, syncFolder } from '../spool/durable-file.js';
import { newMessageId } from '../spool/message-id.js';
import {
  decodeDropFile,
  DropFileError,
  isDropFileName,
  maildropFailedFolder,
  maildropFolder,
  salvageDropFile,
  type DropEnvelope,
  type DroppedMessage,
} from './drop-file.js';

/** A recipient left out of a dropped message, and why. */
export interface RefusedRecipient {
  address: string;
  reason: string;
}

/** What taking one message in came to. */
export type TakeOutcome =
  /** Stored; `refused` recipients were left out (the routing rules refuse them). */
  | { taken: true; refused?: RefusedRecipient[] }
  /** Refused for good (a rule, the size limit, a suspended sender): moved aside. */
  | {
      taken: false;
      permanent: true;
      reason: string;
      /** RFC 3463 status of the refusal, e.g. 5.3.4. */
      status?: string;
      /** Each recipient's own reason, when they differ. */
      recipients?: RefusedRecipient[];
    }
  /** Not now (a quota, the disk): left in place for a later scan. */
  | { taken: false; permanent: false; reason: string };

/**
 * A dropped message that will not be delivered (to some or all of its recipients), for the
 * notice that tells the user: sendmail exited 0, so its caller believes the mail is on its way.
 */
export interface DropRefusal {
  /** Where the file was moved (`maildrop/failed/NAME`); null when it was taken in for others. */
  keptAt: string | null;
  /** The ID it was stored under for the recipients that were not refused. */
  takenAs?: string;
  reason: string;
  status?: string;
  /** The recipients refused, each with its reason; all the envelope's when left out. */
  recipients?: RefusedRecipient[];
  /** Whether the file could be read as a drop file at all (else what could be told). */
  readable: boolean;
  envelope: Partial<DropEnvelope>;
  /** The message, or what could be read of it; null when nothing could be. */
  raw: Buffer | null;
}

export interface PickupOptions {
  dataDir: string;
  /** Whether the message with this ID is stored already (a crash after storing it). */
  isStored: (id: string) => boolean;
  take: (message: DroppedMessage) => Promise<TakeOutcome>;
  /** Tells the user of a message that will not be delivered (resolves once that is stored). */
  refused?: (refusal: DropRefusal) => Promise<void>;
  /** While true (receiving paused by the user), nothing is taken in. */
  paused: () => boolean;
  /** A line of the relay's log, under the area `maildrop`. */
  log: (line: string, level?: 'info' | 'warn' | 'error') => void;
  /** How often the folder is scanned besides the watch's events. */
  scanEveryMs?: number;
}

// a temporary file this old belongs to a sendmail that was killed while writing (it never
// reported success): removed
const staleTempMs = 24 * 3600_000;

export class MaildropPickup {
  private readonly folder: string;
  private readonly failedFolder: string;
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private scanning: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private firstScan = true;
  /** Files left in place for a temporary reason (logged once each): when to try them again. */
  private readonly waiting = new Map<string, number>();
  private readonly uid = process.getuid?.() ?? null;

  constructor(private readonly options: PickupOptions) {
    this.folder = maildropFolder(options.dataDir);
    this.failedFolder = maildropFailedFolder(options.dataDir);
  }

  /** Makes the folder (0700) and watches it; what is there already is taken in from now. */
  async start(): Promise<void> {
    await makeFolder(this.folder);
    await this.tighten();
    try {
      this.watcher = watch(this.folder, () => this.kick());
      this.watcher.on('error', () => {
        // the periodic scan goes on without it
        this.watcher?.close();
        this.watcher = null;
      });
    } catch {
      // no watch on this file system: the periodic scan alone
    }
    const every = this.options.scanEveryMs ?? 5000;
    this.timer = setInterval(() => this.kick(), every);
    this.timer.unref();
    // not awaited: a full drop folder must not hold back the start (the listing fills as it goes)
    void this.scan();
  }

  /** Scans soon (events come in bursts: one scan for a burst). */
  kick(): void {
    if (this.stopped || this.debounce) return;
    this.debounce = setTimeout(() => {
      this.debounce = null;
      void this.scan();
    }, 25);
  }

  /** Stops watching; resolves once the message being taken in is stored. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.close();
    this.watcher = null;
    if (this.timer) clearInterval(this.timer);
    if (this.debounce) clearTimeout(this.debounce);
    await this.scanning;
  }

  /** One scan at a time; a kick during a scan runs one more after it. */
  scan(): Promise<void> {
    if (this.scanning) {
      this.again = true;
      return this.scanning;
    }
    const run = (async () => {
      do {
        this.again = false;
        await this.scanOnce().catch((err: Error) =>
          this.options.log(`could not read ${this.folder}: ${err.message}`, 'error'),
        );
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.scanning = null;
    });
    this.scanning = run;
    return run;
  }

  /**
   * The folder is the user's own: anyone else who could write in it could submit mail as a
   * local, trusted sender. A folder made looser by hand is made 0700 again, and said so.
   */
  private async tighten(): Promise<void> {
    if (process.platform === 'win32') return;
    const mode = (await stat(this.folder)).mode & 0o777;
    if ((mode & 0o077) === 0) return;
    await chmod(this.folder, 0o700);
    this.options.log(
      `${this.folder} was mode ${mode.toString(8)}; made 0700 (only the relay's user may drop mail)`,
      'warn',
    );
  }

  private async scanOnce(): Promise<void> {
    if (this.stopped || this.options.paused()) return;
    const atStart = this.firstScan;
    this.firstScan = false;
    let names: string[];
    try {
      names = await readdir(this.folder);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      // removed while we run: made again for the next sendmail
      await makeFolder(this.folder);
      return;
    }
    names.sort();
    let taken = 0;
    for (const name of names) {
      if (this.stopped || this.options.paused()) break;
      const retryAt = this.waiting.get(name);
      if (retryAt !== undefined && Date.now() < retryAt) continue;
      try {
        if (isDropFileName(name)) {
          if (await this.pickUp(name)) taken++;
        } else if (name.endsWith('.tmp')) await this.removeIfStale(name);
      } catch (err) {
        // one file that cannot be handled (a disk error) must not hold back the others
        if (!this.waiting.has(name)) {
          this.options.log(
            `${name}: ${(err as Error).message}; tried again at the next scan`,
            'error',
          );
        }
        this.waitBeforeRetry(name);
      }
    }
    if (taken > 0) {
      this.options.log(
        `took in ${taken} message(s) left by sendmail${atStart ? ' while the relay was stopped' : ''}`,
      );
    }
  }

  /** Takes one file in; true when its message was stored now. */
  private async pickUp(name: string): Promise<boolean> {
    const path = join(this.folder, name);
    let data: Buffer;
    try {
      // lstat: a link would have the relay read, and send, a file the link points to
      const info = await lstat(path);
      // neither is read: what they hold is not the relay's user's to send, nor to show
      if (!info.isFile()) {
        await this.refuseUnread(name, 'it is not a regular file (a link or a folder)');
        return false;
      }
      if (this.uid !== null && info.uid !== this.uid) {
        await this.refuseUnread(name, `it belongs to uid ${info.uid}, not to the relay's user`);
        return false;
      }
      data = await readFile(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
    if (this.options.isStored(name)) {
      // stored before a crash that came before the removal
      await unlink(path);
      return false;
    }
    let dropped: DroppedMessage;
    try {
      dropped = decodeDropFile(name, data);
    } catch (err) {
      if (!(err instanceof DropFileError)) throw err;
      const keptAt = await this.moveAside(name, err.message);
      await this.tell({
        keptAt,
        reason: `the file cannot be read: ${err.message}`,
        readable: false,
        ...salvageDropFile(data),
      });
      return false;
    }
    // The message is listed at the time it is taken in, under an ID of that time (IDs sort the
    // list, and a `wait?since=` begun after sendmail ran must count it): the file is renamed to
    // that ID first, so that after a crash that follows the storing the file's name is an ID
    // already stored (above), however late the pickup.
    const id = newMessageId(Date.now());
    const taking = join(this.folder, id);
    await rename(path, taking);
    await syncFolder(this.folder);
    let outcome: TakeOutcome;
    try {
      outcome = await this.options.take({ ...dropped, id });
    } catch (err) {
      // not stored: its own name back, for the retry the caller logs
      await rename(taking, path).catch(() => undefined);
      throw err;
    }
    if (outcome.taken) {
      this.waiting.delete(name);
      await unlink(taking);
      if (outcome.refused?.length) {
        await this.tell({
          keptAt: null,
          takenAs: id,
          reason: 'the routing rules refuse these recipients',
          recipients: outcome.refused,
          readable: true,
          envelope: dropped.envelope,
          raw: dropped.raw,
        });
      }
      return true;
    }
    if (outcome.permanent) {
      const keptAt = await this.moveAside(
        name,
        `refused: ${outcome.reason} (from <${dropped.envelope.mailFrom}>, left by local user ${dropped.envelope.user})`,
        taking,
      );
      await this.tell({
        keptAt,
        reason: outcome.reason,
        ...(outcome.status ? { status: outcome.status } : {}),
        ...(outcome.recipients ? { recipients: outcome.recipients } : {}),
        readable: true,
        envelope: dropped.envelope,
        raw: dropped.raw,
      });
      return false;
    }
    // its own name back, so that it keeps its place (sendmail's time) and is logged once
    await rename(taking, path);
    if (!this.waiting.has(name)) {
      this.options.log(
        `${name} not taken in yet: ${outcome.reason}; tried again at the next scan`,
        'warn',
      );
    }
    this.waitBeforeRetry(name);
    return false;
  }

  /**
   * A file left for a temporary reason is tried again at the periodic scan, not at the watch's
   * events: putting its name back is such an event, and would have it retried in a busy loop.
   */
  private waitBeforeRetry(name: string): void {
    this.waiting.set(name, Date.now() + (this.options.scanEveryMs ?? 5000) - 50);
  }

  /** Moves a file to `failed/` under `name`; answers where it is now. */
  private async moveAside(
    name: string,
    reason: string,
    from = join(this.folder, name),
  ): Promise<string> {
    await makeFolder(this.failedFolder);
    const target = join(this.failedFolder, name);
    await rename(from, target);
    await syncFolder(this.failedFolder);
    this.options.log(`moved ${name} to ${target}: ${reason}`, 'warn');
    return target;
  }

  private async refuseUnread(name: string, reason: string): Promise<void> {
    const keptAt = await this.moveAside(name, reason);
    await this.tell({
      keptAt,
      reason: `the file was not read: ${reason}`,
      readable: false,
      envelope: {},
      raw: null,
    });
  }

  /**
   * The notice is written after the file is moved: a crash in between loses the notice, never
   * the file, and never writes two notices for one file.
   */
  private async tell(refusal: DropRefusal): Promise<void> {
    if (!this.options.refused) return;
    try {
      await this.options.refused(refusal);
    } catch (err) {
      this.options.log(
        `could not write the notice about ${refusal.keptAt ?? refusal.takenAs}: ${(err as Error).message}`,
        'error',
      );
    }
  }

  private async removeIfStale(name: string): Promise<void> {
    const path = join(this.folder, name);
    const info = await stat(path).catch(() => null);
    if (info && Date.now() - info.mtimeMs > staleTempMs) await unlink(path).catch(() => undefined);
  }
}
