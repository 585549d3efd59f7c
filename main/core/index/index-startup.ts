// Start-up of the message index against the spool, which stays the source of truth:
// - a sound database after a clean stop, with as many spool files as it says, is used as it is:
//   only the spool folder is listed, no file is read per message;
// - after an unclean stop (crash, kill -9, power cut), or when the listing does not match, the
//   listing is compared with the database's IDs: sidecars it lacks are read and added, rows whose
//   files are gone dropped, leftovers of the crash tidied by the spool;
// - a missing, damaged or older-schema database is made anew from every sidecar.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { QuarantinedFile, Spool } from '../spool/spool.js';
import { isMessageId } from '../spool/message-id.js';
import type { MessageIndex } from './message-index.js';

export const indexFileName = 'index.sqlite';

export interface IndexStartup {
  quarantined: QuarantinedFile[];
  /** One line for the log saying how the index was opened. */
  summary: string;
}

export async function openIndex(index: MessageIndex, spool: Spool): Promise<IndexStartup> {
  // the whole-index JSON snapshot of earlier versions is not read any more
  await rm(join(spool.dataDir, 'index-snapshot.json'), { force: true });
  const opened = index.open(join(spool.dataDir, indexFileName));
  if (opened.rebuildReason !== null) {
    const loaded = await spool.load();
    index.rebuild(loaded.records);
    return {
      quarantined: loaded.quarantined,
      summary: `index: rebuilt from the sidecars (${opened.rebuildReason}): ${loaded.records.length} message(s)`,
    };
  }
  // the folder's listing is cheap (no file is opened) and shows files added or lost behind the
  // index's back: leftovers of a crash, or a hand tidying the spool while Relaydesk was stopped
  const names = await readdir(spool.messagesDir);
  const matching =
    names.length === 2 * index.size &&
    names.every((n) => n.endsWith('.json') || n.endsWith('.eml'));
  if (!opened.uncleanStop && matching) {
    return { quarantined: [], summary: `index: ${index.size} message(s) (clean stop)` };
  }
  const known = new Set(index.ids());
  const onDisk = new Set<string>();
  const missing = new Set<string>();
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    const id = name.slice(0, -5);
    onDisk.add(id);
    if (!known.has(id)) missing.add(id);
  }
  // orphaned .eml files, temp files and strangers are the spool's to tidy (quarantine, remove)
  let strays = false;
  for (const name of names) {
    if (name.endsWith('.json')) continue;
    if (name.endsWith('.eml') && onDisk.has(name.slice(0, -4))) continue;
    strays = true;
    if (name.endsWith('.eml')) missing.add(name.slice(0, -4));
  }
  const loaded =
    missing.size > 0 || strays
      ? await spool.load(missing)
      : { records: [], quarantined: [] as QuarantinedFile[] };
  const gone = [...known].filter((id) => !onDisk.has(id) || !isMessageId(id));
  index.reconcile(loaded.records, gone);
  return {
    quarantined: loaded.quarantined,
    summary: `index: ${index.size} message(s) after ${opened.uncleanStop ? 'an unclean stop' : 'the spool changed while stopped'} (${loaded.records.length} added from sidecars, ${gone.length} dropped)`,
  };
}
