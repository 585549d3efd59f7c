// A real clamd for one test file, with a signature database the test writes (the official one
// cannot be downloaded here): start it in beforeAll, `await clamd.stop()` in afterAll. It takes
// some seconds to load, so each file starts one and shares it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClamdClient } from '../../main/core/filter/clamd-client.js';
import { closedPort } from './upstream-server.js';
import type { SystemTool } from './system-tools.js';
import { waitFor } from './eventually.js';

export const clamdTool: SystemTool = {
  command: '/usr/sbin/clamd',
  install: 'apt-get install -y clamav-daemon',
};

/** The EICAR anti-virus test file (eicar.org): every scanner is meant to report it. */
export const eicar = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

export interface TestClamd {
  address: string;
  port: number;
  /** clamd's Unix socket (it listens there too). */
  socket: string;
  /** clamd's process, for a test that stops it (SIGSTOP) to keep a scan waiting. */
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts clamd with two signatures: `Relaydesk.Test.EICAR` (a body signature of the EICAR
 * string, .ndb) and `Relaydesk.Test.Attachment` (an MD5 hash signature of `hashed`, .hdb).
 * clamd names them with `.UNOFFICIAL` appended.
 */
export async function startClamd(
  clamd: string,
  hashed: Buffer,
  /** More clamd.conf lines, e.g. `StreamMaxLength 1M`. */
  extraConfig: string[] = [],
  /** The TCP port to listen on (one a relay was pointed at before clamd came up); a free one if not given. */
  tcpPort?: number,
): Promise<TestClamd> {
  const dir = await mkdtemp(join(tmpdir(), 'relaydesk-clamd-'));
  const db = join(dir, 'db');
  await import('node:fs/promises').then((fs) => fs.mkdir(db));
  await writeFile(
    join(db, 'relaydesk.ndb'),
    `Relaydesk.Test.EICAR:0:*:${Buffer.from(eicar).toString('hex')}\n`,
  );
  const md5 = createHash('md5').update(hashed).digest('hex');
  await writeFile(join(db, 'relaydesk.hdb'), `${md5}:${hashed.length}:Relaydesk.Test.Attachment\n`);
  const port = tcpPort ?? (await closedPort());
  const conf = join(dir, 'clamd.conf');
  await writeFile(
    conf,
    [
      'Foreground yes',
      `TCPSocket ${port}`,
      'TCPAddr 127.0.0.1',
      `DatabaseDirectory ${db}`,
      `LogFile ${join(dir, 'clamd.log')}`,
      `PidFile ${join(dir, 'clamd.pid')}`,
      `LocalSocket ${join(dir, 'clamd.sock')}`,
      // a quick self-check would reload the database in the middle of a test
      'SelfCheck 3600',
      ...extraConfig,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(clamd, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let exited = false;
  child.on('exit', () => (exited = true));
  const client = new ClamdClient({ host: '127.0.0.1', port }, { connectTimeoutMs: 500 });
  // clamd loads its engine before it listens: wait for PONG, not for a fixed time
  try {
    await waitFor(
      'clamd to answer PING',
      () => {
        if (exited) throw new Error('clamd exited while starting');
        return client.ping();
      },
      { timeout: 60_000, interval: 100 },
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}: ${stderr}`, { cause: err });
  }
  return {
    address: `127.0.0.1:${port}`,
    port,
    socket: join(dir, 'clamd.sock'),
    pid: child.pid as number,
    async stop() {
      if (!exited) {
        // a stopped clamd would not hear SIGTERM
        child.kill('SIGCONT');
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await gone;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
