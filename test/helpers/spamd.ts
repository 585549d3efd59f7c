// A real SpamAssassin spamd for one test file, on a free loopback port, with network tests off
// (-L: no DNS blocklists here) and no per-user configuration (-x). As root it must drop to an
// unprivileged user (-u nobody), who can read Debian's rules in /usr/share/spamassassin.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { askSpamd } from '../../main/core/checks/spam-check/index.js';
import type { ListenAddress } from '../../main/core/settings/settings-schema.js';
import { waitFor } from './eventually.js';
import { unusedPort as freePort } from './ports.js';

export interface RunningSpamd {
  address: ListenAddress;
  stop(): Promise<void>;
}

export { freePort };

export async function startSpamd(command: string): Promise<RunningSpamd> {
  const home = await mkdtemp(join(tmpdir(), 'relaydesk-spamd-'));
  const port = await freePort();
  const address = { host: '127.0.0.1', port };
  const args = [
    `--listen=127.0.0.1:${port}`,
    '--max-children=1',
    '--syslog=stderr',
    '-L',
    '-x',
    `--helper-home-dir=${home}`,
    ...(process.getuid?.() === 0 ? ['-u', 'nobody'] : []),
  ];
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    await rm(home, { recursive: true, force: true });
  };
  // ready when it answers PING (it loads its rules first: a few seconds)
  try {
    await waitFor(
      'spamd to answer PING',
      () => {
        if (child.exitCode !== null) throw new Error(`spamd exited at start (${child.exitCode})`);
        return askSpamd(address, 'PING', null, 2000).then(
          () => true,
          () => false,
        );
      },
      { timeout: 60_000, interval: 200 },
    );
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${log}`, { cause: err });
  }
  return { address, stop };
}
