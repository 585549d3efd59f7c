// `relaydesk sendmail --data DIR` with neither --smtp nor RELAYDESK_SMTP finds the relay running on
// that data folder, whatever port it listens on: serve records its SMTP address in
// DIR/listening.json and removes it at a clean stop. Before, sendmail tried 127.0.0.1:1025, kept
// the message in the drop folder with exit 0, and the log said it was left "while the relay could
// not take it" although the relay ran.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessagesPage } from '../../preload/api-contract.js';
import { runningRelaySmtp } from '../../main/core/maildrop/listening-file.js';
import { cleanupCliProcesses, makeTempDir, runCli, startServe } from '../helpers/cli-process.js';
import { eventually } from '../helpers/eventually.js';
import { droppedFiles, pipedMessage } from '../helpers/maildrop-files.js';

afterEach(cleanupCliProcesses);

/** The id of a process that has exited: the PID a relay killed with -9 left in its file. */
function deadPid(): number {
  const run = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(run.stdout.toString());
}

describe('sendmail finds the running relay from its data folder', () => {
  it('submits to serve on its own port, and serve removes the record at a clean stop', async () => {
    const dataDir = await makeTempDir('relaydesk-finds-');
    // a port the kernel picks, far from 1025
    const serve = await startServe({ dataDir });
    const record = JSON.parse(readFileSync(join(dataDir, 'listening.json'), 'utf8')) as {
      pid: number;
      smtp: { host: string; port: number };
    };
    expect(record).toMatchObject({ pid: serve.pid, smtp: { port: serve.smtp.port } });

    const sent = await runCli(['sendmail', '--data', dataDir, '-t'], {
      input: pipedMessage('found the relay', ['From: cron@example.test', 'To: ops@example.test']),
    });
    expect(sent).toMatchObject({ code: 0, stderr: '' });
    // taken over SMTP at once: nothing left in the drop folder for a later pickup
    expect(await droppedFiles(dataDir)).toEqual([]);
    await eventually(async () => {
      const page = await serve.api<MessagesPage>('/api/v1/messages');
      return page.messages.map((m) => m.Subject);
    }).toEqual(['found the relay']);
    expect(serve.stdout).not.toMatch(/left by sendmail/);

    await serve.stop('SIGTERM');
    expect(existsSync(join(dataDir, 'listening.json'))).toBe(false);
  });

  it('ignores a record whose relay is gone (killed with -9)', async () => {
    const dataDir = await makeTempDir('relaydesk-finds-');
    const serve = await startServe({ dataDir });
    serve.kill('SIGKILL');
    await serve.exited;
    // left behind by the kill, naming a process that no longer runs
    expect(existsSync(join(dataDir, 'listening.json'))).toBe(true);
    expect(runningRelaySmtp(dataDir)).toBeNull();
    await writeFile(
      join(dataDir, 'listening.json'),
      JSON.stringify({ pid: deadPid(), smtp: { host: '127.0.0.1', port: serve.smtp.port } }),
    );
    expect(runningRelaySmtp(dataDir)).toBeNull();
    await writeFile(
      join(dataDir, 'listening.json'),
      JSON.stringify({ pid: process.pid, smtp: { host: '0.0.0.0', port: serve.smtp.port } }),
    );
    // a live process: its address, a wildcard one reached on loopback
    expect(runningRelaySmtp(dataDir)).toEqual({ host: '127.0.0.1', port: serve.smtp.port });
  });
});
