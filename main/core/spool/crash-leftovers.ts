// Temporary files an earlier run left in the spool folder when it died mid-write (a message
// being received, a sidecar being rewritten). None was ever acknowledged. A start that lists the
// folder removes them as it goes (Spool.load); a start after a crash that could skip the listing
// (index-startup.ts) calls this afterwards, off the start's path, so they do not pile up.
import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { tempSuffix } from './durable-file.js';

/** `<name>.<pid>-<counter>.tmp` (durable-file.ts) and the open's `.write-probe-<pid>`. */
const tempOfPid = new RegExp(`\\.(\\d+)-[0-9a-z]+${tempSuffix.replace('.', '\\.')}$`);
const probeOfPid = /^\.write-probe-(\d+)$/;

/**
 * Removes the temporary files of other processes (this one's are writes under way) from
 * `folder`; resolves with how many it removed.
 */
export async function removeCrashLeftovers(folder: string): Promise<number> {
  let removed = 0;
  for (const name of await readdir(folder)) {
    const pid = tempOfPid.exec(name)?.[1] ?? probeOfPid.exec(name)?.[1];
    if (pid === undefined || Number(pid) === process.pid) continue;
    try {
      await unlink(join(folder, name));
      removed++;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return removed;
}
