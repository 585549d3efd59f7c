// SIGTERM to the npm process of `npm run headless`, `npm start` and `npm run cli -- serve` (what
// a process manager, a container runtime or CI sends) stops the relay cleanly: the message in
// flight is finished and kept, the message index is closed cleanly, both ports are free and no process
// is left behind. npm passes the signal only to the shell running the script, which dies of it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessagesPage } from '../../preload/api-contract.js';
import {
  cleanupCliProcesses,
  cliEnv,
  descendantPids,
  makeTempDir,
  processExists,
  RawSmtp,
  ServeProcess,
  startServe,
  tryConnect,
} from '../helpers/cli-process.js';
import { waitFor } from '../helpers/eventually.js';

afterEach(cleanupCliProcesses);

/** The processes of `pids` still there once all are gone or the time is up. */
async function allGone(pids: number[], timeoutMs = 15_000): Promise<number[]> {
  let left = pids.filter(processExists);
  await waitFor('the processes to end', () => (left = left.filter(processExists)).length === 0, {
    timeout: timeoutMs,
  }).catch(() => undefined);
  return left;
}

const scripts: Array<[string, string[]]> = [
  ['npm run headless', ['run', 'headless', '--']],
  ['npm start', ['start', '--']],
  ['npm run cli -- serve', ['run', 'cli', '--', 'serve']],
];

describe.each(scripts)('SIGTERM to the npm process of `%s`', (_name, npmArgs) => {
  it('stops the relay cleanly and leaves no process or port behind', async () => {
    const dataDir = await makeTempDir();
    const npm = new ServeProcess(
      'npm',
      [...npmArgs, '--smtp', '127.0.0.1:0', '--http', '127.0.0.1:0', '--data', dataDir],
      // no Electron runtime is run here, whatever is installed: npm start runs headless then
      { env: cliEnv({ npm_config_loglevel: 'silent' }) },
    );
    await npm.readyLine(30_000);
    const processes = descendantPids(npm.pid);
    expect(processes.length).toBeGreaterThan(0);

    const smtp = await RawSmtp.connect(npm.smtp.port);
    expect(await smtp.reply()).toMatch(/^220 /);
    await smtp.command('EHLO client.example.test');
    await smtp.command('MAIL FROM:<app@example.test>');
    await smtp.command('RCPT TO:<user@example.test>');
    expect(await smtp.command('DATA')).toMatch(/^354 /);
    smtp.write('Subject: in flight at SIGTERM\r\n\r\nfirst half\r\n');

    process.kill(npm.pid, 'SIGTERM');
    await npm.waitFor(/finishing the messages being received, then stopping$/m);
    smtp.write('second half\r\n.\r\n');
    expect(await smtp.reply()).toMatch(/^250 [0-9.]+ Ok: queued as /);
    smtp.close();

    expect(await allGone([npm.pid, ...processes]), npm.describe()).toEqual([]);
    expect(npm.stdout).toMatch(/^Relaydesk stopped$/m);
    expect(await tryConnect(npm.smtp.port)).toBe('refused');
    expect(await tryConnect(npm.http.port)).toBe('refused');
    // a clean stop folds the index's write-ahead log into the file and marks it closed
    expect(existsSync(join(dataDir, 'index.sqlite'))).toBe(true);
    expect(existsSync(join(dataDir, 'index.sqlite-wal'))).toBe(false);

    const again = await startServe({ dataDir });
    expect(again.stdout).toMatch(/index: 1 message\(s\) \(clean stop\)/);
    const page = await again.api<MessagesPage>('/api/v1/messages');
    expect(page.messages.map((m) => m.Subject)).toEqual(['in flight at SIGTERM']);
    await again.stop();
  });
});
