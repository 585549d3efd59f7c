// A real small disk for the full-disk tests: a 16 MiB tmpfs, which only root may mount. Where it
// cannot be mounted the test says so in one line and skips (a newcomer's `npm test` as a user);
// CI runs as root.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A 16 MiB tmpfs at a new folder, or null (with why printed, naming `test`) where not allowed. */
export async function smallDisk(test: string): Promise<string | null> {
  const dir = await mkdtemp(join(tmpdir(), 'relaydesk-small-disk-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', dir]);
  if (mounted.status === 0) return dir;
  await rmdir(dir);
  console.log(
    `skipping ${test}: mounting a small tmpfs needs root (${mounted.stderr.toString().trim() || 'mount failed'})`,
  );
  return null;
}

/** Unmounts and removes it; whatever used the folder must have stopped first. */
export async function removeSmallDisk(dir: string | null): Promise<void> {
  if (!dir) return;
  spawnSync('umount', [dir]);
  await rmdir(dir);
}

/** Fills the disk holding `dir` to its last byte. */
export async function fillDisk(dir: string): Promise<void> {
  const block = Buffer.alloc(64 * 1024);
  for (let i = 0; ; i++) {
    try {
      await writeFile(join(dir, `filler-${i}`), block);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOSPC') return;
      throw err;
    }
  }
}

/** Removes what fillDisk() wrote. */
export function makeRoom(dir: string): void {
  spawnSync('sh', ['-c', `rm -f ${dir}/filler-*`]);
}
