// A start that fails part way (a port taken, a DKIM key file gone) lets go of what it had opened
// in the data folder: the spool's folder, the index database, the journals. The desktop app and
// the CLI report such a failure and may start again in the same process (Settings → Apply); held
// descriptors would pile up with each try, and the next start's index would meet the last one's.
import { existsSync } from 'node:fs';
import { readdir, readlink } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startRelaydesk } from '../../main/headless.js';
import { makeDataDir } from '../helpers/relaydesk.js';

/** The descriptors this process has open on `path` or under it (read from /proc: Linux). */
async function heldUnder(path: string): Promise<string[]> {
  const fds = await readdir('/proc/self/fd');
  const targets = await Promise.all(
    fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')),
  );
  return targets.filter((target) => target.startsWith(path));
}

let blocker: Server | null = null;
afterEach(async () => {
  await new Promise((resolve) => (blocker ? blocker.close(resolve) : resolve(null)));
  blocker = null;
});

describe.skipIf(!existsSync('/proc/self/fd'))('a start that fails part way', () => {
  it('lets go of the data folder when the SMTP port is taken', async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker!.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const dataDir = await makeDataDir();
    await expect(
      startRelaydesk({ smtp: `127.0.0.1:${port}`, http: '127.0.0.1:0', dataDir }),
    ).rejects.toThrow(/in use|EADDRINUSE/);
    expect(await heldUnder(dataDir)).toEqual([]);
  });

  it('lets go of the data folder when a DKIM key file cannot be read', async () => {
    const dataDir = await makeDataDir();
    await expect(
      startRelaydesk({
        smtp: '127.0.0.1:0',
        http: '127.0.0.1:0',
        dataDir,
        settings: {
          dkim: [{ domain: 'shop.example', selector: 's1', keyFile: join(dataDir, 'gone.pem') }],
        },
      }),
    ).rejects.toThrow(/gone\.pem/);
    expect(await heldUnder(dataDir)).toEqual([]);
  });
});
