// The spool checkpoint: while running, the index records the spool folder's stamp each time the
// index and the folder have been quiet for a moment, so a start after a kill -9 in a quiet moment
// lists nothing per message (main/core/README.md, the index). Any later write voids it: the write
// worker clears the stamp in the same transaction, and `written()` lets a new one be taken.
import { statSync } from 'node:fs';
import { folderStamp, stampOf } from './index-database.js';

/**
 * How often the checkpoint is tried, and how long the folder must have been quiet: much longer
 * than the file system's clock grain (a few ms), so a change after the stamp always gives the
 * folder another time; short, so that a crash between bursts of mail still finds one.
 */
const checkpointEveryMs = 250;
const checkpointQuietMs = 200;

export interface CheckpointTarget {
  /** Whether the index is open and every write sent to it is committed. */
  idle(): boolean;
  /** Sends the stamp to be recorded (the write worker clears it with its next write). */
  stamp(stamp: string): void;
}

export class SpoolCheckpoint {
  private folder: string | null = null;
  /** Whether the spool has writes under way (a store, a rewrite, a removal). */
  private spoolBusy: () => boolean = () => true;
  /** The stamp is recorded and no write was made since. */
  private recorded = false;
  /** Files the index does not list are in the folder (a removal failed): no stamp this run. */
  private folderDiffers = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly target: CheckpointTarget) {}

  /** The spool folder whose stamp a clean stop records, for the next start (index-startup.ts). */
  describe(folder: string): void {
    this.folder = folder;
  }

  /** The stamp a clean stop records, or null when no folder is described. */
  stampNow(): string | null {
    return this.folder && !this.folderDiffers ? folderStamp(this.folder) : null;
  }

  /**
   * The folder holds files the index no longer lists (a message's files that could not be
   * removed): no stamp may vouch for it again in this run, so the next start lists the folder and
   * lists those messages again instead of trusting a stamp taken after the failure.
   */
  differs(): void {
    this.folderDiffers = true;
  }

  /** A write was made: the stamp recorded before it no longer holds. */
  written(): void {
    this.recorded = false;
  }

  /** See MessageIndex.checkpointWhileRunning. */
  whileRunning(busy: () => boolean): void {
    this.spoolBusy = busy;
    this.stop();
    this.timer = setInterval(() => this.tryNow(), checkpointEveryMs);
    this.timer.unref();
  }

  /** See MessageIndex.checkpoint. */
  tryNow(quietMs = checkpointQuietMs): boolean {
    if (this.recorded || this.folderDiffers || !this.folder) return false;
    if (!this.target.idle() || this.spoolBusy()) return false;
    let mtimeNs: bigint;
    try {
      mtimeNs = statSync(this.folder, { bigint: true }).mtimeNs;
    } catch {
      return false;
    }
    if (Date.now() - Number(mtimeNs / 1_000_000n) < quietMs) return false;
    this.target.stamp(stampOf(mtimeNs));
    this.recorded = true;
    return true;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
