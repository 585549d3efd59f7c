// Start-up of the message index against the spool, which stays the source of truth:
// - a sound database whose recorded spool stamp is the folder's modification time is used as it
//   is, without listing the folder: the stamp is recorded at a clean stop, and while running at
//   each quiet moment with every write committed (a checkpoint, cleared by the next write), so
//   this holds after a crash too unless the spool changed after the last checkpoint;
// - after a clean stop with another stamp, the listing must hold as many files as the database
//   says. No file is read per message;
// - after an unclean stop (crash, kill -9, power cut), or when the listing does not match, the
//   listing is compared with the database's IDs: sidecars it lacks are read and added, rows whose
//   files are gone dropped, leftovers of the crash tidied by the spool;
// - a missing, damaged or older-schema database is made anew from every sidecar.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { QuarantinedFile, Spool } from '../spool/spool.js';
import { removeCrashLeftovers } from '../spool/crash-leftovers.js';
import { isMessageId } from '../spool/message-id.js';
import { stampOf } from './index-database.js';
import type { MessageIndex } from './message-index.js';

export const indexFileName = 'index.sqlite';

export interface IndexStartup {
  quarantined: QuarantinedFile[];
  /** One line for the log saying how the index was opened. */
  summary: string;
  /**
   * After a crash whose start skipped the listing: the removal of its temporary files, under way
   * in the background (resolves with how many; never rejects).
   */
  leftovers?: Promise<number>;
}

export async function openIndex(index: MessageIndex, spool: Spool): Promise<IndexStartup> {
  const opened = await checkedIndex(index, spool);
  // only now does the index hold what the folder holds: from here its checkpoints may vouch so
  index.checkpointWhileRunning(() => spool.writing);
  return opened;
}

async function checkedIndex(index: MessageIndex, spool: Spool): Promise<IndexStartup> {
  // the whole-index JSON snapshot of earlier versions is not read any more
  await rm(join(spool.dataDir, 'index-snapshot.json'), { force: true });
  const opened = index.open(join(spool.dataDir, indexFileName));
  index.describesFolder(spool.messagesDir);
  if (opened.rebuildReason !== null) {
    let quarantined: QuarantinedFile[] = [];
    let count = 0;
    await index.rebuild(async (add) => {
      ({ quarantined } = await spool.load(undefined, (records) => {
        add(records);
        count += records.length;
      }));
    });
    return {
      quarantined,
      summary: `index: rebuilt from the sidecars (${opened.rebuildReason}): ${count} message(s)`,
    };
  }
  // an unchanged folder stamp says no file was added or removed since the index recorded it, at
  // a clean stop or at its last checkpoint before a crash (a quiet moment with every write
  // committed): then not even the folder is listed (200,000 names at 100,000 messages)
  // (as the spool found it at open, before its write probe)
  const stamp = spool.folderMtimeNs === null ? null : stampOf(spool.folderMtimeNs);
  if (opened.spoolStamp !== undefined && opened.spoolStamp === stamp) {
    if (!opened.uncleanStop)
      return { quarantined: [], summary: `index: ${index.size} message(s) (clean stop)` };
    return {
      quarantined: [],
      summary: `index: ${index.size} message(s) after an unclean stop (the spool unchanged since the index's last checkpoint: nothing listed)`,
      // a write that was under way when it died may have left its temporary file: tidied
      // after the start, not before it
      leftovers: new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
        removeCrashLeftovers(spool.messagesDir).catch(() => 0),
      ),
    };
  }
  // the folder's listing (no file is opened) shows files added or lost behind the index's back:
  // leftovers of a crash, or a hand tidying the spool while Relaydesk was stopped
  const names = await readdir(spool.messagesDir);
  const matching =
    names.length === 2 * index.size &&
    names.every((n) => n.endsWith('.json') || n.endsWith('.eml'));
  if (!opened.uncleanStop && matching) {
    return { quarantined: [], summary: `index: ${index.size} message(s) (clean stop)` };
  }
  const { missing, gone, strays } = compare(index.ids(), names);
  const loaded =
    missing.size > 0 || strays
      ? await spool.load(missing)
      : { records: [], quarantined: [] as QuarantinedFile[] };
  index.reconcile(loaded.records, gone);
  return {
    quarantined: loaded.quarantined,
    summary: `index: ${index.size} message(s) after ${opened.uncleanStop ? 'an unclean stop' : 'the spool changed while stopped'} (${loaded.records.length} added from sidecars, ${gone.length} dropped)`,
  };
}

/**
 * The index's IDs (sorted) against the folder's names: sidecars it lacks (and .eml files without
 * one, for the spool to quarantine), IDs whose sidecar is gone, and whether any other file is
 * there (temp files, strangers: the spool's to tidy). One sort and a merge: at 100,000 messages
 * sets of every ID cost more than the listing itself.
 */
function compare(
  known: readonly string[],
  names: readonly string[],
): { missing: Set<string>; gone: string[]; strays: boolean } {
  const sidecars: string[] = [];
  const emls: string[] = [];
  let strays = false;
  for (const name of names) {
    if (name.endsWith('.json')) sidecars.push(name.slice(0, -5));
    else if (name.endsWith('.eml')) emls.push(name.slice(0, -4));
    else strays = true;
  }
  const byCode = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  sidecars.sort(byCode);
  const missing = new Set<string>();
  const gone: string[] = [];
  let k = 0;
  for (const id of sidecars) {
    while (k < known.length && (known[k] as string) < id) gone.push(known[k++] as string);
    if (k < known.length && known[k] === id) {
      if (!isMessageId(id)) gone.push(id);
      k++;
    } else missing.add(id);
  }
  while (k < known.length) gone.push(known[k++] as string);
  // an .eml without its sidecar was never acknowledged: the spool quarantines it
  emls.sort(byCode);
  let j = 0;
  for (const id of emls) {
    while (j < sidecars.length && (sidecars[j] as string) < id) j++;
    if (sidecars[j] !== id) {
      strays = true;
      missing.add(id);
    }
  }
  return { missing, gone, strays };
}
